"""One writer at a time per index folder: a file lock on `<dir>/.lock`. Readers never lock."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from assistant.errors import IndexLocked

LOCK_NAME = ".lock"
TIMEOUT_S = 1.0


@contextmanager
def writer_lock(root: Path, timeout: float = TIMEOUT_S) -> Iterator[None]:
    """Hold the index's writer lock, or raise IndexLocked if another writer keeps it past `timeout`."""
    root.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(root / LOCK_NAME), timeout=timeout)
    try:
        lock.acquire()
    except Timeout as exc:
        raise IndexLocked(
            f"another process is building or updating the index at {root}; wait for it to finish and retry "
            f"(if none is running, the lock file {root / LOCK_NAME} is stale and may be deleted)"
        ) from exc
    try:
        yield
    finally:
        lock.release()
