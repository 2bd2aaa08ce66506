"""Safe formats: no pickle-based loading in the package, damaged manifests and unknown settings refused,
Streamlit usage statistics off."""
from __future__ import annotations

import ast
import json
import tomllib

import pytest
from pydantic import ValidationError

from assistant.errors import IndexError_
from assistant.index import open_index, update_index
from assistant.settings import Settings, load
from tests.reliability.conftest import ROOT, passages

PICKLING_MODULES = {"pickle", "_pickle", "cPickle", "dill", "shelve", "joblib", "cloudpickle"}


def unsafe_calls(source: str) -> list[str]:
    """Pickle imports, allow_dangerous_deserialization, torch.load without weights_only=True, np.load(allow_pickle=True)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] in PICKLING_MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in PICKLING_MODULES:
            found.append(node.module)
        elif isinstance(node, ast.Call):
            name = ast.unparse(node.func)
            keywords = {k.arg: ast.unparse(k.value) for k in node.keywords}
            if keywords.get("allow_dangerous_deserialization", "False") != "False":
                found.append(f"{name}(allow_dangerous_deserialization=...)")
            if name.endswith("torch.load") and keywords.get("weights_only") != "True":
                found.append("torch.load without weights_only=True")
            if name.endswith(("np.load", "numpy.load")) and keywords.get("allow_pickle", "False") != "False":
                found.append("np.load(allow_pickle=True)")
        elif isinstance(node, ast.Constant) and node.value == "allow_dangerous_deserialization":
            found.append("allow_dangerous_deserialization passed by name")
    return found


@pytest.mark.parametrize("bad", [
    "import pickle", "from pickle import loads", "import dill as d", "import torch\ntorch.load('x.pt')",
    "import torch\ntorch.load('x.pt', weights_only=False)", "FAISS.load_local(p, e, allow_dangerous_deserialization=True)",
    "import numpy as np\nnp.load('a.npy', allow_pickle=True)", "kw = {'allow_dangerous_deserialization': True}",
])
def test_scanner_catches_unsafe_code(bad):  # keeps the real scan able to fail
    assert unsafe_calls(bad)


def test_scanner_accepts_safe_code():
    assert unsafe_calls("import torch, numpy as np\ntorch.load(p, weights_only=True)\nnp.load('a.npy')\n"
                        "import json, safetensors") == []


def test_no_module_loads_pickles():
    files = sorted((ROOT / "assistant").rglob("*.py")) + sorted((ROOT / "ui").rglob("*.py"))
    assert len(files) > 20
    offenders = {str(f.relative_to(ROOT)): bad for f in files if (bad := unsafe_calls(f.read_text(encoding="utf-8")))}
    assert offenders == {}


# ---- manifests ---------------------------------------------------------------------------------


def live(folder):
    version = (folder / "CURRENT").read_text().strip()
    return folder / "versions" / version


def edit_manifest(folder, change) -> None:
    path = live(folder) / "manifest.json"
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def tamper_checksum(data):
    data["files"]["passages.sqlite"]["sha256"] = "0" * 64


def tamper_format(data):
    data["format_version"] = 99


DAMAGE = {
    "checksum in manifest": lambda f: edit_manifest(f, tamper_checksum),
    "format version": lambda f: edit_manifest(f, tamper_format),
    "sqlite bytes": lambda f: (live(f) / "passages.sqlite").open("ab").write(b"\0garbage"),
    "faiss bytes": lambda f: (live(f) / "faiss.index").write_bytes(b"\0" * 64),
    "faiss missing": lambda f: (live(f) / "faiss.index").unlink(),
    "manifest not json": lambda f: (live(f) / "manifest.json").write_text("{not json"),
    "manifest missing": lambda f: (live(f) / "manifest.json").unlink(),
    "CURRENT names nothing": lambda f: (f / "CURRENT").write_text("v999999\n"),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_index_is_refused(old_index, embedder, damage):
    DAMAGE[damage](old_index)
    with pytest.raises(IndexError_) as refused:
        open_index(old_index)
    assert "rebuild" in str(refused.value) or "build" in str(refused.value)
    with pytest.raises(IndexError_):  # an update will not build on a damaged version either
        update_index(old_index, passages((0, 10)), embedder)


def test_edited_manifest_is_refused(old_index):
    edit_manifest(old_index, lambda d: d.update(loader="pickle", sources=["/etc"]))
    with pytest.raises(IndexError_):
        open_index(old_index)


# ---- settings ----------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [{"allow_dangerous_deserialization": True}, {"indx": "india"}, {"k": 0},
                                 {"embedder": "pickle"}, {"max_new_tokens": 10**6}])
def test_unknown_or_invalid_settings_refused(bad):
    with pytest.raises(ValidationError):
        Settings(**bad)
    with pytest.raises(ValidationError):
        Settings.model_validate_json(json.dumps({"index": "x", **bad}))
    with pytest.raises(ValidationError):
        load("test", **bad)


def test_settings_assignment_validated():
    settings = Settings()
    with pytest.raises(ValidationError):
        settings.k = -1
    with pytest.raises(ValidationError):
        setattr(settings, "unknown_field", 1)


def test_streamlit_usage_stats_off():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["address"] in ("127.0.0.1", "localhost")
