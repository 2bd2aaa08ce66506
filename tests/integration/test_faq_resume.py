"""answer_file against the real pipeline: a tiny folder index (hashing embedder) and the scripted generator."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

pytest.importorskip("assistant.pipeline")
pytest.importorskip("assistant.retrieve")

from assistant.faq import answer_file  # noqa: E402
from assistant.ingest import ingest  # noqa: E402
from assistant.pipeline import Assistant  # noqa: E402
from assistant.settings import Settings  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[2] / "corpus" / "faq" / "sample_faq.csv"
ARTICLES = """Article 14. Equality before law.
The State shall not deny to any person equality before the law or the equal protection of the laws within the territory of India.

Article 19. Protection of certain rights regarding freedom of speech, etc.
All citizens shall have the right to freedom of speech and expression, to assemble peaceably and without arms, and to form associations or unions.

Article 21. Protection of life and personal liberty.
No person shall be deprived of his life or personal liberty except according to procedure established by law.

Article 32. Remedies for enforcement of rights conferred by this Part.
The right to move the Supreme Court by appropriate proceedings for the enforcement of the rights conferred by this Part is guaranteed.
"""


@pytest.fixture(scope="module")
def assistant(tmp_path_factory) -> Assistant:
    home = tmp_path_factory.mktemp("home")
    folder = home / "constitution"
    folder.mkdir()
    (folder / "constitution.txt").write_text(ARTICLES, encoding="utf-8")
    settings = Settings(home=home, index="constitution", embedder="hashing", model="scripted",
                        min_dense_score=0.1, audit_log=False)
    ingest([str(folder)], settings, name="constitution")
    return Assistant(settings)


def test_sample_file_is_answered_in_two_runs_without_duplicates(tmp_path, assistant):
    output, report = tmp_path / "answers.csv", tmp_path / "report.html"
    first = answer_file(SAMPLE, output, assistant, limit=6)
    second = answer_file(SAMPLE, output, assistant, limit=4, report=report)
    rows = list(csv.DictReader(output.open(encoding="utf-8-sig")))
    assert (first.failed, second.failed, second.skipped) == (0, 0, 6)
    assert first.answered + first.refused == 6 and second.answered + second.refused == 4
    assert len({r["key"] for r in rows}) == len(rows) == 10
    assert all(r["model"] == "scripted" and not r["error"] for r in rows)
    cited = [r["citations"] for r in rows if r["refused"] == "False"]
    assert cited and all(" (p:" in c for c in cited)
    assert "10 questions" in report.read_text(encoding="utf-8")
