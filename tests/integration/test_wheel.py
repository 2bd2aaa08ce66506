"""The package as a user gets it: a wheel built from the sources, installed into a fresh venv, run from another
folder. The venv reuses .venv's dependencies through a .pth line, so nothing is downloaded; the wheel's own
`assistant` and `ui` come first on the path, so the repository is never imported."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 600  # seconds for any one step; a hung step fails instead of blocking the suite
SHIPPED = ("assistant/adapters/qwen-0.5b/adapter_model.safetensors", "assistant/adapters/qwen-0.5b/adapter_config.json",
           "assistant/adapters/e5-lecoqa-query/adapter.npy", "assistant/train/recipes/lora-qwen-0.5b.json",
           "assistant/train/india_examples.json", "assistant/train/english_questions.jsonl", "ui/app.py", "ui/sidebar.py")


def run(*command, cwd: Path, env: dict | None = None) -> str:
    done = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=TIMEOUT)
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """A copy of what the wheel is built from, so the build leaves the working tree untouched."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for name in ("assistant", "ui"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return source


@pytest.fixture(scope="module")
def wheel(tmp_path_factory, source) -> Path:
    """`pip wheel . --no-deps`, without network (the build backend comes from .venv)."""
    dist = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "pip", "wheel", source, "--no-deps", "--no-build-isolation", "-q", "-w", dist,
        cwd=source)
    return next(dist.glob("legal_assistant-*.whl"))


@pytest.fixture(scope="module")
def venv(tmp_path_factory, wheel) -> Path:
    """A fresh venv holding only the wheel; .venv's site-packages come after it on the path."""
    folder = tmp_path_factory.mktemp("venv")
    run(sys.executable, "-m", "venv", "--without-pip", folder, cwd=folder)
    python = folder / "bin" / "python"
    site = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=folder).strip()
    Path(site, "reuse-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    run(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--no-index", wheel,
        cwd=folder)
    return folder


def test_the_wheel_holds_the_adapters_recipes_and_page(wheel, source):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert not [path for path in SHIPPED if path not in names]
    every_file = {path.relative_to(source).as_posix() for name in ("assistant", "ui")
                  for path in (source / name).rglob("*") if path.is_file()}
    assert sorted(every_file - names) == []  # a new data file needs a package-data pattern in pyproject.toml


def test_installed_package_builds_searches_and_answers_from_another_folder(venv, tmp_path):
    env = {**os.environ, "LEGAL_ASSISTANT_HOME": str(tmp_path / "home")}
    env.pop("PYTHONPATH", None)
    where = tmp_path / "elsewhere"
    where.mkdir()
    python, cli = venv / "bin" / "python", venv / "bin" / "legal-assistant"
    probe = ("import assistant, ui; from assistant.cli import page_path; from assistant.generate import "
             "resolve_adapter; print(assistant.__file__); print(ui.__file__); print(page_path()); "
             "print(resolve_adapter('qwen-0.5b', 'default'))")
    package, page_package, page, adapter = run(python, "-c", probe, cwd=where, env=env).split()
    for path in (package, page_package, page, adapter):
        assert Path(path).is_relative_to(venv) and not Path(path).is_relative_to(ROOT)
    assert Path(page).exists() and (Path(adapter) / "adapter_model.safetensors").exists()

    out = run(cli, "index", "build", "india", "--embedder", "hashing", cwd=where, env=env)
    assert "version v000001" in out and (tmp_path / "home" / "india" / "CURRENT").exists()
    hits = json.loads(run(cli, "search", "personal liberty", "-k", "3", "--json", cwd=where, env=env))
    assert len(hits) == 3 and any("Art. 21" in hit["cite"] for hit in hits)
    answer = json.loads(run(cli, "ask", "What does Article 21 protect?", "--model", "scripted", "--json",
                            cwd=where, env=env))
    assert answer["citations"] and answer["model"] == "scripted"


def test_installed_package_keeps_its_indexes_outside_site_packages(venv, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("LEGAL_ASSISTANT_HOME", "PYTHONPATH")}
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    home = run(venv / "bin" / "python", "-c", "from assistant.settings import Settings; print(Settings().home)",
               cwd=tmp_path, env=env).strip()
    assert Path(home) == tmp_path / "data" / "legal-assistant"
