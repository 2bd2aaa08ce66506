"""As-of-date restriction: statute versions in force, rulings decided by then, undated documents flagged."""
import pytest

from assistant.asof import (
    FILE,
    AsOfIndex,
    as_of_filter,
    as_of_retriever,
    describe_versions,
    load_validity,
    status,
    validity_json,
    validity_table,
)
from assistant.errors import InputError
from assistant.index import build_index, open_index, update_index
from assistant.types import Document, Hit, Unit
from tests.conftest import make_passage


def table():
    constitution = Document("in/coi", "statute", "IN", "en", "Constitution of India", "Constitution of India", units=(
        Unit("Art. 21A", "Free and compulsory education."),
        Unit("Art. 31", "Rep. by the Constitution (Forty-fourth Amendment) Act, 1978, s. 6 (w.e.f. 20-6-1979)."),
    ), date="1950-01-26", meta={"commenced": "1950-01-26"})
    constitution = Document(**{**constitution.__dict__, "id": "india:constitution"})
    amendment = Document("india:amendment:86th", "statute", "IN", "en", "86th Amendment Act", "86th",
                         units=(Unit("", "Inserted Article 21A making education a Fundamental Right."),), date="2002")
    old = Document("cn/old-v", "statute", "CN", "zh", "仲裁法", "仲裁法（2017）", in_force=False,
                   meta={"status": "历史版本", "effective_date": "1995-09-01", "version_date": "2017-09-01"})
    new = Document("cn/new-v", "statute", "CN", "zh", "仲裁法", "仲裁法", in_force=True,
                   meta={"status": "现行有效", "effective_date": "2026-03-01", "version_date": "2025-09-12"})
    return validity_table([constitution, amendment, old, new])


def passage(doc_id, label, date=None, in_force=None, kind="statute"):
    return make_passage(doc_id, 0, label, f"text of {doc_id} {label}", date=date, in_force=in_force, kind=kind)


def test_versions_by_date():
    t = table()
    assert t["cn/old-v"]["end"] == "2026-03-01" and t["cn/old-v"]["start"] == "2017-09-01"
    old, new = passage("cn/old-v", "第一条", in_force=False), passage("cn/new-v", "第一条", in_force=True)
    assert status(old, "2020-01-01", t).verdict == "ok" and status(new, "2020-01-01", t).verdict == "out"
    assert status(old, "2026-05-01", t).verdict == "out" and status(new, "2026-05-01", t).verdict == "ok"


def test_articles_inserted_and_repealed_by_amendments():
    t = table()
    art21a = passage("india:constitution", "Art. 21A", "1950-01-26")
    art31 = passage("india:constitution", "Art. 31", "1950-01-26")
    assert status(art21a, "1990-01-01", t).verdict == "out" and status(art21a, "2010", t).verdict == "ok"
    assert status(art31, "1970-01-01", t).verdict == "ok" and status(art31, "1980-01-01", t).verdict == "out"


def test_rulings_by_decision_date_and_undated_flagged():
    ruling = passage("in/maneka", "para 5", "1978", kind="case")
    assert status(ruling, "1977-12-31").verdict == "out" and status(ruling, "1978-06-01").verdict == "ok"
    undated = passage("memo", "para 1")
    assert status(undated, "2000-01-01").verdict == "flag"
    repealed = passage("cn/gone", "第一条", "2001-01-01", in_force=False)
    assert status(repealed, "2020-01-01").note == "repealed, repeal date unknown"


def test_as_of_index_restricts_search(tmp_index, hashing_embedder):
    from assistant.retrieve import Retriever
    from assistant.settings import Settings

    index = open_index(tmp_index)
    retriever = Retriever(AsOfIndex(index, "2000-01-01"), hashing_embedder, Settings(embedder="hashing"))
    hits = retriever.search("free and compulsory education to all children", k=10)
    cites = [h.passage.cite for h in hits]
    assert not any(c.endswith("Art. 21A") for c in cites)  # dated 2002-12-12
    assert not any(h.passage.title == "中华人民共和国劳动合同法" for h in hits)  # 2008
    assert any(h.passage.doc_id == "cn/old" for h in retriever.search("本条例 废止", k=10))  # undated: kept, flagged


def test_describe_versions_and_filter_and_persistence(tmp_path):
    t = table()
    hits = [Hit(passage("cn/old-v", "第一条", in_force=False), 1.0), Hit(passage("memo", "para 1"), 0.5)]
    text = describe_versions(hits, "2020-01-01", t)
    assert text.startswith("Versions used (as of 2020-01-01):")
    assert "仲裁法: in force from 2017-09-01 until 2026-03-01" in text and "undated" in text
    assert as_of_filter("2020-01-01").date_to == "2020-01-01"
    with pytest.raises(InputError):
        as_of_filter("01/02/2020")
    (tmp_path / FILE).write_text(validity_json(t), encoding="utf-8")
    assert load_validity(tmp_path) == t and load_validity(tmp_path / "none") == {}


def test_as_of_retriever_reads_the_table_of_the_version_it_searches(tmp_path, tiny_passages, hashing_embedder):
    """validity.json is read from the served version (Index.folder), never from beside the versions."""
    from assistant.retrieve import Retriever
    from assistant.settings import Settings

    def retriever():
        return Retriever(open_index(folder), hashing_embedder, Settings(embedder="hashing"))

    folder, first, second = tmp_path / "ix", {"cn/old": {"start": "1990"}}, {"cn/old": {"start": "1995", "end": "1999"}}
    build_index(folder, tiny_passages, hashing_embedder, files={FILE: validity_json(first)})
    old = retriever()
    update_index(folder, tiny_passages, hashing_embedder, files={FILE: validity_json(second)})
    (folder / FILE).write_text(validity_json({"cn/old": {"start": "2090"}}), encoding="utf-8")  # where format 1 kept it
    assert as_of_retriever(retriever(), "2000-01-01").index.table == second
    assert as_of_retriever(old, "2000-01-01").index.table == first  # a reader still on v000001 keeps its table
