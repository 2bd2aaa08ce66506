"""Readers keep answering while an update runs; a second writer is refused with IndexLocked."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections import Counter

import pytest

from assistant.errors import IndexLocked
from assistant.index import build_index, manifest, open_index, update_index
from assistant.retrieve import Retriever
from tests.reliability.conftest import (
    NEW,
    OLD,
    ROOT,
    count,
    kill9,
    passages,
    search_count,
    settings_for,
    start_writer,
    wait_for,
)

READER = """
import json, sys, time
from pathlib import Path
from tests.reliability.conftest import search_count
folder, until, seen, errors = Path(sys.argv[1]), time.monotonic() + float(sys.argv[2]), {}, []
while time.monotonic() < until:
    try:
        n = search_count(folder)
        seen[n] = seen.get(n, 0) + 1
    except Exception as exc:
        errors.append(repr(exc))
print(json.dumps({"seen": seen, "errors": errors[:5], "n_errors": len(errors)}))
"""


def reader_loop(folder, stop: threading.Event, seen: Counter, errors: list) -> None:
    while not stop.is_set():
        try:
            seen[search_count(folder)] += 1
        except Exception as exc:  # any error at all is a failure of the test
            errors.append(repr(exc))


def test_thread_readers_see_old_or_new_during_updates(old_index, embedder):
    stop, seen, errors = threading.Event(), Counter(), []
    readers = [threading.Thread(target=reader_loop, args=(old_index, stop, seen, errors)) for _ in range(3)]
    for t in readers:
        t.start()
    try:
        for span in [NEW, OLD, NEW, OLD, NEW]:  # five swaps: the first versions get pruned under the readers
            update_index(old_index, passages(span), embedder)
    finally:
        stop.set()
        for t in readers:
            t.join()
    assert errors == []
    assert set(seen) <= {count(OLD), count(NEW)} and sum(seen.values()) >= 3
    assert search_count(old_index) == count(NEW)


def test_process_reader_during_update(old_index, embedder):
    reader = subprocess.Popen([sys.executable, "-c", READER, str(old_index), "4"], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for span in [NEW, OLD, NEW]:
            update_index(old_index, passages(span), embedder)
        out, err = reader.communicate(timeout=60)
    finally:
        if reader.poll() is None:
            reader.kill()
    result = json.loads(out.strip().splitlines()[-1])
    assert result["n_errors"] == 0, result["errors"]
    assert {int(n) for n in result["seen"]} <= {count(OLD), count(NEW)} and result["seen"]


def test_open_retriever_outlives_pruned_version(old_index, embedder):
    index = open_index(old_index)
    retriever = Retriever(index, embedder, settings_for(old_index))
    for span in [NEW, OLD, NEW]:  # KEEP=2: the version this reader holds is deleted from disk
        update_index(old_index, passages(span), embedder)
    assert not index.folder.exists()
    hits = retriever.search("freedom of speech", k=5)
    assert len(hits) == 5 and index.count == count(OLD)


@pytest.mark.parametrize("second", ["update", "build"])
def test_second_writer_refused_nothing_corrupted(old_index, embedder, second):
    first = start_writer(old_index, "update", NEW, pause_at="embed", pause_s=1.5)
    wait_for(first, "STAGE embed")  # the first writer holds the lock while it embeds
    write = update_index if second == "update" else build_index
    with pytest.raises(IndexLocked) as refused:
        write(old_index, passages((0, 10)), embedder)
    message = str(refused.value)
    assert "another process" in message and str(old_index) in message and "retry" in message
    wait_for(first, "DONE")
    first.wait(timeout=60)
    kill9(first)
    assert first.returncode == 0
    assert search_count(old_index) == count(NEW)  # the first writer's version, checksums verified
    update_index(old_index, passages(OLD), embedder)  # the lock was released
    assert search_count(old_index) == count(OLD)


def test_killed_writer_releases_lock(old_index, embedder):
    first = start_writer(old_index, "update", NEW, pause_at="embed")
    wait_for(first, "STAGE embed")
    with pytest.raises(IndexLocked):
        update_index(old_index, passages(NEW), embedder)
    kill9(first)
    update_index(old_index, passages(NEW), embedder)
    assert search_count(old_index) == count(NEW)
    data = open_index(old_index).manifest
    manifest.verify(old_index / "versions" / data.version, data)
