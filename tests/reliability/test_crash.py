"""kill -9 during `index build` / `index update`: the previous version still loads and answers, a rerun completes.

A writer subprocess (see conftest) is killed at named steps of the write path, and after fixed delays.
Steps before the CURRENT swap must leave the old version live; after it, the new one. Either way the
validity.json and graph.json served are those of the version served, never the other one's.
"""
from __future__ import annotations

import time

import pytest

from assistant.errors import AssistantError
from assistant.index import NoIndex, build_index, open_index, update_index, versions
from tests.reliability.conftest import (
    NEW,
    OLD,
    count,
    kill9,
    passages,
    search_count,
    served_signals,
    signal_files,
    start_writer,
    wait_for,
)

# (stage the writer is paused at, is the new version live when it dies there?)
STAGES = [("STAGE embed", False), ("STAGE insert", False), ("STAGE save", False), ("STAGE write", False),
          ("STAGE fsync:versions", False), ("STAGE fsync:CURRENT", False), ("STAGE prune", True)]
BUILD_STAGES = {"STAGE embed", "STAGE write", "STAGE fsync:CURRENT", "STAGE prune"}
DELAYS_MS = [0, 40, 120, 250, 500]


def assert_clean_rerun(folder, embedder, mode: str) -> None:
    """A rerun after the crash completes, leaves no staging folder and publishes NEW."""
    rerun = update_index if mode == "update" else build_index
    rerun(folder, passages(NEW), embedder, files=signal_files(NEW))
    assert search_count(folder) == count(NEW) and served_signals(folder) == signal_files(NEW)
    assert not list((folder / "versions").glob(".staging-*"))


CASES = [("update", *s) for s in STAGES] + [("build", *s) for s in STAGES if s[0] in BUILD_STAGES]


@pytest.mark.parametrize("mode,stage,new_live", CASES, ids=[f"{m}-{s.split()[1]}" for m, s, _ in CASES])
def test_kill_at_each_write_step(old_index, embedder, mode, stage, new_live):
    proc = start_writer(old_index, mode, NEW, pause_at=stage.split()[1])
    wait_for(proc, stage)
    assert kill9(proc) == -9
    assert search_count(old_index) == count(NEW if new_live else OLD)
    assert served_signals(old_index) == signal_files(NEW if new_live else OLD)
    assert_clean_rerun(old_index, embedder, mode)


def test_update_killed_before_the_swap_serves_the_old_versions_own_signal_files(old_index):
    """The new version folder is complete, its own validity.json and graph.json inside it, when the writer dies
    before CURRENT is swapped: the old version is still served, with the files it was published with."""
    proc = start_writer(old_index, "update", NEW, pause_at="fsync:CURRENT")
    wait_for(proc, "STAGE fsync:CURRENT")
    kill9(proc)
    old, new = versions.published(old_index)
    assert versions.current(old_index) == old
    assert {name: (new / name).read_text(encoding="utf-8") for name in signal_files(NEW)} == signal_files(NEW)
    assert served_signals(old_index) == signal_files(OLD) != signal_files(NEW)
    assert not [name for name in signal_files(OLD) if (old_index / name).exists()]  # nothing beside the versions


@pytest.mark.parametrize("delay_ms", DELAYS_MS)
def test_kill_after_delay(old_index, embedder, delay_ms):
    proc = start_writer(old_index, "update", NEW, batch_delay=0.01)
    wait_for(proc, "STAGE start")
    time.sleep(delay_ms / 1000)
    finished = proc.poll() == 0
    kill9(proc)
    served = search_count(old_index)
    assert served in ({count(NEW)} if finished else {count(OLD), count(NEW)})
    assert served_signals(old_index) == signal_files(NEW if served == count(NEW) else OLD)
    assert_clean_rerun(old_index, embedder, "update")


@pytest.mark.parametrize("stage", ["STAGE embed", "STAGE save", "STAGE fsync:CURRENT"])
def test_first_build_killed_leaves_no_index_error(tmp_path, embedder, stage):
    folder = tmp_path / "home" / "fresh"
    proc = start_writer(folder, "build", OLD, pause_at=stage.split()[1])
    wait_for(proc, stage)
    kill9(proc)
    with pytest.raises(NoIndex) as caught:
        open_index(folder)
    assert isinstance(caught.value, AssistantError) and "no index" in str(caught.value)
    build_index(folder, passages(OLD), embedder)
    assert search_count(folder) == count(OLD)


def test_cli_without_index_is_one_clear_line(tmp_path, capsys):
    from assistant.cli import main

    (tmp_path / "idx" / "versions" / ".staging-dead").mkdir(parents=True)  # what a killed first build leaves
    code = main(["search", "liberty", "--home", str(tmp_path), "--index", "idx", "--embedder", "hashing"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: no index") and "Traceback" not in err and err.count("\n") == 1


def test_cli_without_index_names_the_build_command(tmp_path, capsys):
    from assistant.cli import main

    (tmp_path / "idx" / "versions" / ".staging-dead").mkdir(parents=True)  # what a killed first build leaves
    code = main(["search", "liberty", "--home", str(tmp_path), "--index", "idx", "--embedder", "hashing"])
    assert code == 2 and "index build" in capsys.readouterr().err
