"""Start and stop a local OpenAI-compatible llama.cpp server (xllamacpp) for tests, demos and docs.

The server runs in a child process so it can be stopped cleanly and a crash cannot take the caller down:

    from assistant.scale.server import LlamaServer
    with LlamaServer.start("smollm2") as server:          # packaged GGUF, free port on 127.0.0.1
        settings = load("test", model="openai", openai_base_url=server.base_url,
                        openai_model=server.model)

From a shell (blocks until Ctrl-C):

    .venv/bin/python -m assistant.scale.server --model qwen-0.5b --port 8080 --alias legal-assistant

Needs the optional `xllamacpp` wheel (pip install "legal-assistant[scale]"); `available()` says whether
it can be imported without importing it.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_ALIAS = "legal-assistant"


def available() -> bool:
    return importlib.util.find_spec("xllamacpp") is not None


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def resolve_gguf(model: str) -> Path:
    """A GGUF file path, or a packaged model name (smollm2, qwen-0.5b, qwen-1.5b) resolved to its GGUF."""
    if model.endswith(".gguf") or Path(model).is_file():
        return Path(model)
    from assistant.generate.loading import gguf_path

    return gguf_path(model)


@dataclass
class LlamaServer:
    """A running llama.cpp server child process; `base_url` ends in /v1, `model` is the served alias."""

    process: subprocess.Popen
    host: str
    port: int
    model: str
    log: Path
    _closed: bool = field(default=False, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    @classmethod
    def start(cls, model: str = "smollm2", *, host: str = "127.0.0.1", port: int | None = None,
              alias: str = DEFAULT_ALIAS, n_ctx: int = 4096, threads: int = 2, lora: str | None = None,
              timeout: float = 120.0, log: str | Path | None = None) -> "LlamaServer":
        """Launch `python -m assistant.scale.server` and wait until /health answers (or raise RuntimeError)."""
        if not available():
            raise RuntimeError("xllamacpp is not installed: pip install xllamacpp")
        gguf = resolve_gguf(model)
        port = port or free_port(host)
        log_path = Path(log) if log else Path(tempfile.mkstemp(prefix="llama-server-", suffix=".log")[1])
        cmd = [sys.executable, "-m", "assistant.scale.server", "--model", str(gguf), "--host", host,
               "--port", str(port), "--alias", alias, "--ctx", str(n_ctx), "--threads", str(threads)]
        if lora:
            cmd += ["--lora", str(lora)]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [_repo_root(), os.environ.get("PYTHONPATH")])))
        with open(log_path, "ab") as out:
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        server = cls(proc, host, port, alias, log_path)
        try:
            server.wait_ready(timeout)
        except BaseException:
            server.stop()
            raise
        return server

    def wait_ready(self, timeout: float) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"llama.cpp server exited with {self.process.returncode}; log: {self.log}\n"
                                   + self.log.read_text(errors="replace")[-2000:])
            try:
                if httpx.get(f"http://{self.host}:{self.port}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"llama.cpp server not ready after {timeout:.0f}s; log: {self.log}")

    def stop(self, timeout: float = 10.0) -> None:
        if self._closed:
            return
        self._closed = True
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> "LlamaServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _repo_root() -> str:
    return str(Path(__file__).resolve().parents[2])


def serve(gguf: str, host: str, port: int, alias: str, n_ctx: int, threads: int, lora: str | None) -> None:
    """Run xllamacpp's HTTP server in this process until SIGTERM/SIGINT."""
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = gguf
    params.hostnames = [host]
    params.port = port
    params.model_alias = {alias}
    params.n_ctx = n_ctx
    params.n_parallel = 1
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    if lora:
        params.lora_adapters = [xllamacpp.CommonAdapterLoraInfo(lora, 1.0)]
    server = xllamacpp.Server(params)  # listens as soon as it is built
    print(f"serving {gguf} as {alias!r} on {server.listening_address}/v1", flush=True)
    stop = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.append(1))
    while not stop:
        time.sleep(0.2)
    del server


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="OpenAI-compatible llama.cpp server (xllamacpp) for a GGUF model")
    p.add_argument("--model", default="qwen-0.5b", help="GGUF path or packaged model name (smollm2, qwen-0.5b)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--alias", default=DEFAULT_ALIAS, help="model name clients send (settings.openai_model)")
    p.add_argument("--ctx", type=int, default=4096)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--lora", help="LoRA adapter in GGUF form (llama.cpp's convert_lora_to_gguf.py)")
    a = p.parse_args(argv)
    serve(str(resolve_gguf(a.model)), a.host, a.port, a.alias, a.ctx, a.threads, a.lora)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
