"""The OpenAI-compatible backend against a REAL local server: xllamacpp (llama.cpp) serving the packaged
SmolLM2 GGUF on 127.0.0.1 at a free port. Tokens must arrive as a stream, and the Assistant pipeline
must run end to end through it. Skipped with a reason when xllamacpp or the model is not installed.

Run:  .venv/bin/python -m pytest -q tests/integration/test_openai_server.py
"""
from __future__ import annotations

import time

import pytest

pytest.importorskip("xllamacpp", reason="optional extra 'scale' not installed: pip install xllamacpp")

from assistant.errors import GenerationError, ModelMissing  # noqa: E402
from assistant.generate.openai import OpenAIGenerator  # noqa: E402
from assistant.scale.server import LlamaServer  # noqa: E402

ARTICLES = """Article 21. Protection of life and personal liberty.
No person shall be deprived of his life or personal liberty except according to procedure established by law.

Article 17. Abolition of Untouchability.
Untouchability is abolished and its practice in any form is forbidden.
"""


@pytest.fixture(scope="module")
def server():
    try:
        srv = LlamaServer.start("smollm2", n_ctx=2048, threads=2)
    except ModelMissing as exc:
        pytest.skip(f"SmolLM2 GGUF not installed: {exc}")
    yield srv
    srv.stop()
    assert srv.process.returncode is not None


def test_tokens_stream(server):
    gen = OpenAIGenerator(server.base_url, server.model)
    messages = [{"role": "user", "content": "Name one fundamental right."}]
    started, arrivals, pieces = time.perf_counter(), [], []
    for piece in gen.stream(messages, 8):
        arrivals.append(time.perf_counter() - started)
        pieces.append(piece)
    assert len(pieces) >= 3, pieces
    assert "".join(pieces).strip()
    assert arrivals[0] < arrivals[-1], "pieces arrived all at once, not streamed"
    # temperature 0: the same request gives the same text
    assert "".join(gen.stream(messages, 8)) == "".join(pieces)


def test_unknown_server_is_a_clear_error():
    from assistant.scale.server import free_port

    gen = OpenAIGenerator(f"http://127.0.0.1:{free_port()}/v1", "legal-assistant", timeout=5)
    with pytest.raises(GenerationError, match="Cannot reach"):
        list(gen.stream([{"role": "user", "content": "hi"}], 4))


def test_assistant_end_to_end(server, tmp_path):
    from assistant.ingest import ingest
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    folder = tmp_path / "constitution"
    folder.mkdir()
    (folder / "constitution.txt").write_text(ARTICLES, encoding="utf-8")
    settings = Settings(home=tmp_path, index="constitution", embedder="hashing", model="openai",
                        openai_base_url=server.base_url, openai_model=server.model, k=2,
                        max_new_tokens=16, min_dense_score=-1.0, audit_log=False)
    ingest([str(folder)], settings, name="constitution")
    tokens: list[str] = []
    answer = Assistant(settings).ask("What does Article 21 protect?", on_token=tokens.append)
    assert len(tokens) >= 2 and "".join(tokens).strip()
    assert answer.model == server.model
    assert answer.hits and any("21" in h.passage.cite for h in answer.hits)
    assert answer.timings["first_token_s"] > 0 and answer.timings["tokens"] == len(tokens)
    # SmolLM2 is too weak to cite reliably: either a cited answer or a reasoned refusal, never a bare one
    assert answer.citations or (answer.refused and answer.reason)
