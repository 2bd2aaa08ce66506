"""AuditLog: one complete JSON line per answer, never interleaved, off when settings.audit_log is False."""
from __future__ import annotations

import json
import subprocess
import sys
import threading

from assistant.audit import AuditLog
from assistant.settings import Settings
from assistant.types import Answer, Citation, Hit, Passage


def answer(question: str = "What does Art. 21 protect?", text: str = "Life and liberty [1].") -> Answer:
    p = Passage(id="p21", doc_id="coi", text="No person shall be deprived of his life.", cite="COI, Art. 21",
                path=("COI", "Art. 21"), kind="statute", jurisdiction="IN", language="en", title="COI")
    return Answer(question=question, text=text, citations=[Citation(1, "p21", "COI, Art. 21", "No person...")],
                  hits=[Hit(p, 0.03, dense=0.71, lexical=4.2, rank=1)], model="scripted", adapter="lora-x",
                  timings={"retrieve_s": 0.01, "generate_s": 0.2})


def test_record_has_every_field(tmp_path):
    settings = Settings(home=tmp_path, index="india")
    log = AuditLog.for_settings(settings)
    written = log.record(answer(), settings)
    assert log.path == tmp_path / "audit.jsonl"
    lines = log.path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and json.loads(lines[0]) == written
    assert written["question"] == "What does Art. 21 protect?" and written["answer"] == "Life and liberty [1]."
    assert written["passages"] == [{"n": 1, "id": "p21", "cite": "COI, Art. 21", "score": 0.03, "dense": 0.71,
                                    "lexical": 4.2}]
    assert written["citations"] == [{"n": 1, "passage_id": "p21", "cite": "COI, Art. 21", "supported": True}]
    assert (written["model"], written["adapter"], written["index"]) == ("scripted", "lora-x", "india")
    assert written["timings"]["generate_s"] == 0.2 and written["time"].endswith("+00:00")
    assert (log.path.stat().st_mode & 0o077) == 0  # questions may be confidential: owner-only


def test_appends_and_keeps_unicode(tmp_path):
    settings = Settings(home=tmp_path)
    log = AuditLog(tmp_path / "logs" / "audit.jsonl")
    log.record(answer("劳动合同第十条？", "应当订立书面劳动合同 [1]。\nsecond line"), settings)
    log.record(answer(), settings)
    records = log.read()
    assert [r["question"] for r in records] == ["劳动合同第十条？", "What does Art. 21 protect?"]
    assert "劳动合同" in log.path.read_text(encoding="utf-8") and len(log.path.read_text().splitlines()) == 2


def test_disabled_writes_nothing(tmp_path):
    settings = Settings(home=tmp_path, audit_log=False)
    log = AuditLog.for_settings(settings)
    assert log.record(answer(), settings) is None
    assert not log.path.exists() and log.read() == []


def test_concurrent_records_never_interleave(tmp_path):
    settings = Settings(home=tmp_path)
    big = "x" * 200_000  # far over any pipe or stdio buffer

    def worker(i: int) -> None:
        log = AuditLog.for_settings(settings)  # a fresh instance per thread still shares the file's lock
        for j in range(5):
            log.record(answer(f"q{i}-{j}", f"{i}:{j}:" + big), settings)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    records = AuditLog.for_settings(settings).read()  # json.loads fails on any torn line
    assert sorted(r["question"] for r in records) == sorted(f"q{i}-{j}" for i in range(20) for j in range(5))
    assert all(r["answer"] == r["question"][1:].replace("-", ":") + ":" + big for r in records)


APPEND = """
import sys
from assistant.audit import AuditLog
from assistant.settings import Settings
from assistant.types import Answer
home, tag = sys.argv[1], sys.argv[2]
settings = Settings(home=home)
for j in range(20):
    AuditLog.for_settings(settings).record(Answer(f"{tag}{j}", tag * 100_000, [], []), settings)
"""


def test_processes_appending_together(tmp_path):
    procs = [subprocess.Popen([sys.executable, "-c", APPEND, str(tmp_path), tag]) for tag in "ab"]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    records = AuditLog(tmp_path / "audit.jsonl").read()
    assert len(records) == 40 and all(r["answer"] == r["question"][0] * 100_000 for r in records)
