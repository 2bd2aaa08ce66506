"""Append-only audit log: one JSON object per answered question in `<settings.home>/audit.jsonl`.

Each record holds the question, the passages given to the model (id, cite, scores), the answer text,
its citations, refusal and reason, model/adapter, timings, the index name and a UTC timestamp.
A record is one `os.write` of one line to a file opened with O_APPEND, under a lock, so concurrent
asks (threads, and processes appending to the same file) never interleave lines.
`settings.audit_log = False` turns it off.
"""
from __future__ import annotations

import json
import os
import threading
from datetime import datetime, timezone
from pathlib import Path

from assistant.settings import Settings
from assistant.types import Answer

FILE_NAME = "audit.jsonl"


def entry(answer: Answer, settings: Settings) -> dict:
    """The JSON-ready record for one answer."""
    return {
        "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
        "index": settings.index,
        "question": answer.question,
        "answer": answer.text,
        "refused": answer.refused,
        "reason": answer.reason,
        "passages": [{"n": i, "id": h.passage.id, "cite": h.passage.cite, "score": h.score, "dense": h.dense,
                      "lexical": h.lexical} for i, h in enumerate(answer.hits, start=1)],
        "citations": [{"n": c.n, "passage_id": c.passage_id, "cite": c.cite, "supported": c.supported}
                      for c in answer.citations],
        "model": answer.model,
        "adapter": answer.adapter,
        "timings": answer.timings,
    }


class AuditLog:
    _locks: dict[str, threading.Lock] = {}  # one lock per file, shared by every AuditLog on it
    _guard = threading.Lock()

    def __init__(self, path: str | Path):
        self.path = Path(path)
        with AuditLog._guard:
            self._lock = AuditLog._locks.setdefault(str(self.path.resolve()), threading.Lock())

    @classmethod
    def for_settings(cls, settings: Settings) -> AuditLog:
        return cls(Path(settings.home) / FILE_NAME)

    def record(self, answer: Answer, settings: Settings) -> dict | None:
        """Append one line for `answer` (nothing when settings.audit_log is off); returns what was written."""
        if not settings.audit_log:
            return None
        data = entry(answer, settings)
        line = (json.dumps(data, ensure_ascii=False, default=str) + "\n").encode("utf-8")
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                written = os.write(fd, line)
                while written < len(line):  # only on a full disk or a signal; never observed on local files
                    written += os.write(fd, line[written:])
            finally:
                os.close(fd)
        return data

    def read(self) -> list[dict]:
        """Every record, oldest first (empty when the log does not exist yet)."""
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line.strip()]
