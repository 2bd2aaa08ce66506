"""The per-pack retrieval section's hit rules (bench/retrieval_packs.py, bench/baselines.py) on hand-made data."""
from types import SimpleNamespace

from bench import BENCH_DIR
from bench.baselines import covers
from bench.retrieval import Question
from bench.retrieval_packs import (
    PLANS,
    baseline_rankings,
    cited_docs,
    gold_in,
    project_rankings,
    read_questions,
    unresolved,
)

Q = Question(0, "What does Article 21 protect?", frozenset({"Art. 21"}))


def test_english_heading_is_not_a_prefix_of_a_longer_label():
    articles = {"Art. 2": "Parliament may by law admit new States.", "Art. 21": "No person shall be deprived.",
                "Art. 21A": "Free and compulsory education."}
    assert covers("Art. 21\u3000No person shall be deprived.", articles) == {"Art. 21"}
    assert covers("Art. 21A\u3000Free and compulsory education.", articles) == {"Art. 21A"}
    assert covers("Art. 210\u3000Language to be used in the Legislature.", articles) == set()


def test_gold_in_uses_the_answers_pinpoint_rule():
    assert gold_in(["Constitution of India, Art. 21"], Q) == {"Art. 21"}
    assert gold_in(["Constitution of India, Art. 21A", "Maneka Gandhi, para 5"], Q) == set()


def _hit(cite, text="x" * 10):
    return SimpleNamespace(passage=SimpleNamespace(cite=cite, text=text))


def test_project_rankings_mark_the_gold_passage_per_question():
    other = Question(1, "Is untouchability abolished?", frozenset({"Art. 17"}))
    rows = [[_hit("Constitution of India, Art. 14"), _hit("Constitution of India, Art. 21")],
            [_hit("Constitution of India, Art. 21")]]
    retriever = SimpleNamespace(search_many=lambda texts, k, mode: rows)
    ranking, sizes = project_rankings(retriever, [Q, other], "hybrid")
    assert ranking == [[set(), {"Art. 21"}], [set()]]
    assert sizes == [[10, 10], [10]]


def test_baseline_chunk_counts_only_for_the_document_it_came_from():
    constitution = SimpleNamespace(id="c", title="Constitution of India",
                                   units=[SimpleNamespace(label="Art. 21", text="No person shall be deprived.")])
    case = SimpleNamespace(id="k", title="Maneka Gandhi v Union of India",
                           units=[SimpleNamespace(label="para 1", text="Art. 21 was read widely.")])
    chunk = lambda doc, text: SimpleNamespace(metadata={"doc_id": doc}, page_content=text)  # noqa: E731
    store = SimpleNamespace(search_many=lambda texts, k: [[chunk("k", "Art. 21 was read widely."),
                                                           chunk("c", "Art. 21\u3000No person shall be deprived.")]])
    ranking, _ = baseline_rankings(store, [constitution, case], [Q])
    assert ranking == [[set(), {"Art. 21"}]]


def test_question_files_have_gold_for_every_question():
    asked = {p.pack: read_questions(BENCH_DIR / "data" / p.questions) for p in PLANS}
    assert len(asked["india"]) == 20  # the answerable ones; the unanswerable have no gold
    assert len(asked["eu"]) == 22
    assert len(asked["taiwan"]) == 29
    assert all(q.gold for qs in asked.values() for q in qs)


def test_unresolved_names_gold_that_no_cite_matches():
    asked = [Q, Question(1, "Breach notice?", frozenset({"GDPR, Art. 33"}))]
    assert unresolved(asked, ["Constitution of India, Art. 21", "GDPR, Art. 3"]) == ["GDPR, Art. 33"]
    assert unresolved(asked, ["Constitution of India, Art. 21", "GDPR, Art. 33"]) == []


def test_cited_docs_keeps_every_gold_document_and_a_seeded_sample():
    docs = [SimpleNamespace(title=f"釋字第{n}號") for n in range(1, 60)]
    asked = [Question(0, "q", frozenset({"釋字第5號", "釋字第50號"}))]
    picked = cited_docs(docs, asked, 10)
    assert [d.title for d in picked[:2]] == ["釋字第5號", "釋字第50號"] and len(picked) == 12
    assert picked == cited_docs(docs, asked, 10)  # the same draw every run
    assert cited_docs(docs, asked, None) is docs
