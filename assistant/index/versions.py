"""Version folders and the atomic swap.

Layout: `<dir>/CURRENT` names the live folder under `<dir>/versions/`. A writer fills a hidden
staging folder, fsyncs it, renames it to the next version name, then replaces CURRENT through
os.replace of a temp file. A crash at any point leaves CURRENT naming the previous version.
"""
from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.errors import IndexError_
from assistant.index.manifest import REBUILD

CURRENT = "CURRENT"
VERSIONS = "versions"
STAGING_PREFIX = ".staging-"
KEEP = 2


def current(root: Path) -> Path | None:
    """Folder of the live version, None if no index was ever published here."""
    try:
        name = (root / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    folder = root / VERSIONS / name
    if not name or not folder.is_dir():
        raise IndexError_(f"{root / CURRENT} names version {name!r}, which is missing: {REBUILD}")
    return folder


def published(root: Path) -> list[Path]:
    """Published version folders, oldest first."""
    base = root / VERSIONS
    return sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")) if base.is_dir() else []


@contextmanager
def staging(root: Path) -> Iterator[Path]:
    """A fresh hidden folder to write a version into; removed if the block raises."""
    base = root / VERSIONS
    base.mkdir(parents=True, exist_ok=True)
    for stale in base.glob(STAGING_PREFIX + "*"):  # left by a crashed writer; we hold the lock
        shutil.rmtree(stale, ignore_errors=True)
    folder = base / f"{STAGING_PREFIX}{uuid.uuid4().hex}"
    folder.mkdir()
    try:
        yield folder
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def next_name(root: Path) -> str:
    """Name the next published version will get: v000001, v000002, ..."""
    names = [p.name for p in published(root)]
    return f"v{int(names[-1][1:]) + 1 if names else 1:06d}"


def publish(root: Path, staged: Path, name: str) -> None:
    """Make a fully written staging folder the live version `name` (call with the writer lock held)."""
    for path in staged.iterdir():
        fsync(path)
    os.rename(staged, root / VERSIONS / name)
    fsync(root / VERSIONS)
    temp = root / f"{CURRENT}.{uuid.uuid4().hex}.tmp"
    temp.write_text(name + "\n", encoding="utf-8")
    fsync(temp)
    os.replace(temp, root / CURRENT)
    fsync(root)
    prune(root)


def prune(root: Path, keep: int = KEEP) -> None:
    """Delete all but the newest `keep` versions (open readers keep their already-open files)."""
    live = current(root)
    for folder in published(root)[:-keep]:
        if folder != live:
            shutil.rmtree(folder, ignore_errors=True)


def fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
