"""Citation graph from document metadata and text; JSON save/load; cited-by counts and flags."""
from assistant.graph import FILE, CitationGraph, build_graph, parse_citations, zh_number
from assistant.types import Document, Unit

COI = "Constitution of India"


def docs():
    constitution = Document("india:constitution", "statute", "IN", "en", COI, COI, units=(
        Unit("Art. 21", "No person shall be deprived of his life or personal liberty."),
        Unit("Art. 31", "[Compulsory acquisition of property.] Rep. by the Constitution (Forty-fourth Amendment) "
                        "Act, 1978, s. 6 (w.e.f. 20-6-1979)."),
    ), date="1950-01-26")
    amendment = Document("india:amendment:44th", "statute", "IN", "en", f"{COI}, 44th Amendment Act",
                         f"{COI}, 44th Amendment Act", units=(Unit("", "Omitted Article 31 (Right to Property)."),),
                         date="1978", meta={"articles": ["31"]})
    gopalan = Document("india:case:gopalan", "case", "IN", "en", "A.K. Gopalan v. State of Madras", "Gopalan",
                       units=(Unit("para 1", "Narrow reading of Article 21."),), date="1950",
                       meta={"reporter": "AIR 1950 SC 27", "articles": ["21"]})
    maneka = Document("india:case:maneka", "case", "IN", "en", "Maneka Gandhi v. Union of India", "Maneka",
                      units=(Unit("para 1", "Departing from AIR 1950 SC 27, procedure under Art. 21 must be fair."),),
                      date="1978", meta={"reporter": "AIR 1978 SC 597", "articles": ["21"]})
    memo = Document("memo.txt", "other", "IN", "en", "Memo", "Memo",
                    text="See AIR 1978 SC 597 and Article 21 of the Constitution.", date="2020")
    taiwan = Document("taiwan:new:111_1", "case", "TW", "zh", "111年憲判字第1號", "111年憲判字第1號",
                      units=(Unit("主文", "牴觸憲法第8條、第22條之意旨。"),), date="2022-02-25",
                      meta={"cited": ["中華民國憲法第8條、第22條", "司法院釋字第384號解釋", "道路交通管理處罰條例第35條(102.1.30)"]})
    return [constitution, amendment, gopalan, maneka, memo, taiwan]


def test_edges_from_meta_and_text_and_cited_by():
    graph = build_graph(docs())
    assert graph.cited_by(f"{COI}, Art. 21") == 2  # two rulings; the memo is not a ruling
    assert "memo.txt" in graph.citing(f"{COI}, Art. 21")
    assert graph.resolve("AIR 1950 SC 27") == "india:case:gopalan"
    assert graph.cited_by("AIR 1950 SC 27") == 1  # Maneka, decided later
    assert graph.cited_by("india:case:maneka") == 0  # the memo is not a ruling
    assert set(graph.cites("taiwan:new:111_1")) >= {"憲法第8條", "憲法第22條", "釋字第384號", "道路交通管理處罰條例第35條"}


def test_amended_and_repealed_flags():
    graph = build_graph(docs())
    flags = graph.flags(f"{COI}, Art. 31")
    assert flags["amended_by"] == ["india:amendment:44th"] and flags["repealed"] is True
    assert "repealed" in graph.describe(f"{COI}, Art. 31")
    assert graph.describe(f"{COI}, Art. 21") == "cited by 2 rulings"


def test_prc_versions_are_flagged():
    old = Document("prc:a", "statute", "CN", "zh", "仲裁法", "仲裁法（2017-09-01）", in_force=False,
                   meta={"status": "历史版本", "version_date": "2017-09-01"})
    new = Document("prc:b", "statute", "CN", "zh", "仲裁法", "仲裁法", in_force=True,
                   meta={"status": "现行有效", "version_date": "2025-09-12"})
    gone = Document("prc:c", "statute", "CN", "zh", "乡镇企业法", "乡镇企业法", in_force=False, meta={"status": "已废止"})
    graph = build_graph([old, new, gone])
    assert graph.flags("prc:a") == {"superseded_by": "prc:b"} and graph.flags("prc:c") == {"repealed": True}


def test_save_and_load_round_trip(tmp_path):
    graph = build_graph(docs())
    text = graph.to_json()
    assert FILE == "graph.json" and text.lstrip().startswith("{")
    (tmp_path / FILE).write_text(text, encoding="utf-8")
    again = CitationGraph.load(tmp_path)
    assert again.to_dict() == graph.to_dict() and again.cited_by("AIR 1950 SC 27") == 1


def test_parse_citations_in_user_text():
    text = ("Relying on AIR 1973 SC 1461 and (2017) 10 SCC 1, Article 21 of the Constitution and Art. 14 apply; "
            "see § 5, 中华人民共和国劳动合同法第十条 and 釋字第 384 號.")
    found = parse_citations(text, "IN")
    for cite in ("AIR 1973 SC 1461", "(2017) 10 SCC 1", f"{COI}, Art. 21", f"{COI}, Art. 14", "§ 5",
                 "中华人民共和国劳动合同法第十条", "釋字第384號"):
        assert cite in found
    assert zh_number("一百二十三") == "123" and zh_number("十") == "10"
