"""Shared pieces of the reliability suite: a synthetic corpus, a small index, and a writer process to kill.

The writer (`writer_main`, run as a subprocess by `start_writer`) builds or updates an index with the
hashing embedder, handing it the span's validity.json and graph.json as ingest does (`signal_files`), and
prints a `STAGE <name>` line before each step of the write path (every embedding batch, the SQLite insert,
the FAISS save, the manifest, each fsync of the publish, the prune). With `pause_at` it sleeps at the first
stage starting with that text, so a test can kill -9 it exactly there.
"""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.types import Passage

ROOT = Path(__file__).resolve().parents[2]
OLD = (0, 300)  # passage range of the index every crash/concurrency test starts from
NEW = (50, 400)  # the update: drops 50, keeps 250, adds 100
SUBJECTS = ["personal liberty", "freedom of speech", "equality before the law", "right to education",
            "labour contract", "trial period", "wages", "property", "privacy", "assembly"]


def passage(i: int) -> Passage:
    subject = SUBJECTS[i % len(SUBJECTS)]
    text = (f"Article {i}. Every person has the right to {subject} in matter {i}; the State shall "
            f"respect provision {i} and no law shall abridge it except by fair procedure (rule {i * 7}).")
    return Passage(id=hashlib.sha256(text.encode()).hexdigest()[:24], doc_id=f"doc{i // 20}", text=text,
                   cite=f"Test Act, Art. {i}", path=("Test Act", f"Art. {i}"), kind="statute", jurisdiction="IN",
                   language="en", title="Test Act", date="2001-01-01", in_force=True, ordinal=i % 20)


def passages(span: tuple[int, int]) -> list[Passage]:
    return [passage(i) for i in range(*span)]


def count(span: tuple[int, int]) -> int:
    return span[1] - span[0]


def signal_files(span: tuple[int, int]) -> dict[str, str]:
    """validity.json and graph.json naming the documents of `span` (OLD and NEW differ), as ingest makes them."""
    from assistant.asof import FILE as VALIDITY
    from assistant.asof import validity_json
    from assistant.graph import FILE as GRAPH
    from assistant.graph import CitationGraph

    docs = sorted({p.doc_id for p in passages(span)})
    table = {d: {"kind": "statute", "title": "Test Act", "start": "2001-01-01"} for d in docs}
    graph = CitationGraph(nodes={d: {"type": "document", "kind": "statute", "title": "Test Act"} for d in docs})
    return {VALIDITY: validity_json(table), GRAPH: graph.to_json()}


def served_signals(folder: Path) -> dict[str, str]:
    """validity.json and graph.json of the version being served, read the way the readers do (from
    `Index.folder`) after `open_index` checked them against its manifest."""
    from assistant.index import open_index

    index = open_index(folder)
    try:
        return {name: (index.folder / name).read_text(encoding="utf-8") for name in signal_files(OLD)}
    finally:
        index.close()


@pytest.fixture
def embedder():
    from assistant.embed.hashing import HashingEmbedder

    return HashingEmbedder()


@pytest.fixture
def old_index(tmp_path, embedder) -> Path:
    """An index of OLD passages at tmp_path/home/idx (the home holds nothing else)."""
    from assistant.index import build_index

    folder = tmp_path / "home" / "idx"
    build_index(folder, passages(OLD), embedder, chunker_version="test", files=signal_files(OLD))
    return folder


def settings_for(folder: Path, **extra):
    from assistant.settings import Settings

    values = {"home": folder.parent, "index": folder.name, "embedder": "hashing", "model": "scripted"}
    return Settings(**{**values, **extra})


def search_count(folder: Path, query: str = "right to personal liberty") -> int:
    """Open the live version, run one hybrid search that must find something, return the passage count."""
    from assistant.embed.hashing import HashingEmbedder
    from assistant.index import manifest, open_index
    from assistant.retrieve import Retriever

    index = open_index(folder)
    try:
        manifest.verify(index.folder, index.manifest)
        hits = Retriever(index, HashingEmbedder(), settings_for(folder)).search(query, k=5)
        assert len(hits) == 5 and all(h.passage.id in set(index.all_ids()) for h in hits)
        return index.count
    finally:
        index.close()


# ---- the writer process ---------------------------------------------------------------------


def start_writer(folder: Path, mode: str, span: tuple[int, int], pause_at: str = "", pause_s: float = 30.0,
                 batch_delay: float = 0.0) -> subprocess.Popen:
    args = json.dumps({"folder": str(folder), "mode": mode, "span": list(span), "pause_at": pause_at,
                       "pause_s": pause_s, "batch_delay": batch_delay})
    code = "import sys; from tests.reliability.conftest import writer_main; writer_main(sys.argv[1])"
    return subprocess.Popen([sys.executable, "-c", code, args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_for(proc: subprocess.Popen, prefix: str, timeout: float = 60.0) -> list[str]:
    """Read the writer's lines until one starts with `prefix`; the lines read so far."""
    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise AssertionError(f"writer ended before {prefix!r}: {seen[-5:]} {proc.stderr.read()[-2000:]}")
        seen.append(line.strip())
        if line.startswith(prefix):
            return seen
    raise AssertionError(f"no {prefix!r} within {timeout}s: {seen[-5:]}")


def kill9(proc: subprocess.Popen) -> int:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    proc.stderr.close()
    return proc.returncode


def writer_main(raw: str) -> None:
    """Subprocess body: build or update `folder` with a slowed, stage-announcing write path."""
    from assistant.embed.hashing import HashingEmbedder
    from assistant.index import build, build_index, db, dense, manifest, update_index, versions

    args = json.loads(raw)
    paused = []

    def stage(name: str) -> None:
        print(f"STAGE {name}", flush=True)
        if args["pause_at"] and name.startswith(args["pause_at"]) and not paused:
            paused.append(name)
            time.sleep(args["pause_s"])

    def hooked(module, attr, label=lambda *a: ""):
        original = getattr(module, attr)

        def wrapper(*a, **kw):
            stage(f"{attr}{label(*a)}")
            return original(*a, **kw)

        setattr(module, attr, wrapper)

    class Slow(HashingEmbedder):
        def embed_passages(self, texts):
            stage("embed")
            time.sleep(args["batch_delay"])
            return super().embed_passages(texts)

    build.BATCH = 16
    hooked(db, "insert")
    hooked(dense, "save")
    hooked(manifest, "write")
    hooked(versions, "fsync", lambda path: ":" + Path(path).name.split(".")[0])
    hooked(versions, "prune")
    folder, span = Path(args["folder"]), tuple(args["span"])
    stage("start")
    if args["mode"] == "build":
        report = build_index(folder, passages(span), Slow(), chunker_version="test", files=signal_files(span))
    else:
        report = update_index(folder, passages(span), Slow(), files=signal_files(span))
    print(f"DONE {report.version}", flush=True)
