"""The faithful-answers bench: its frozen split, question files and scoring rules, on hand-made records."""
from bench.faithful import load_questions, model_lead_wrong, objective, score, split_of


def record(qid, answerable=True, refused=False, polarity=None, lead="", gold_cited=True, served=("s",), draft="d",
           pack="india"):
    cites = [{"cite": "X, Art. 1", "quote": "q", "retrieved": True, "gold": gold_cited}] if not refused else []
    return {"id": qid, "pack": pack, "answerable": answerable, "refused": refused, "polarity": polarity, "lead": lead,
            "citations": cites, "served": [] if refused else list(served), "seconds": 1.0, "draft": draft}


def test_the_split_is_frozen_by_a_hash_of_the_id_and_halves_the_questions():
    items = load_questions()
    assert len(items) == 130 and len({i["id"] for i in items}) == 130
    assert all(i["split"] == split_of(i["id"]) for i in items) and split_of("in-001") == split_of("in-001")
    test = sum(i["split"] == "test" for i in items)
    assert 50 <= test <= 80
    assert sum(not i["answerable"] for i in items) >= 40 and sum(bool(i.get("polarity")) for i in items) >= 40


def test_score_counts_leads_against_the_gold_and_wrong_labels():
    records = [record("a", polarity="yes", lead="yes"), record("b", polarity="no", lead="yes"),
               record("c", polarity="no", lead=""), record("d", answerable=False, refused=True),
               record("e", answerable=False, served=("invented",)), record("f", gold_cited=False)]
    rows = score(records, {"invented": "wrong", "s": "right"})
    assert rows["served polarity errors (yes/no)"].startswith("1/3")  # "b"; no lead ("c") is not an error
    assert rows["polarity accuracy (yes/no, lead settled and right)"].startswith("1/3")
    assert rows["answer rate (answerable)"].startswith("4/4") and rows["gold pinpoint cited (answerable)"].startswith("3/4")
    assert rows["refusal accuracy (unanswerable)"].startswith("1/2")
    assert rows["served sentences hand-labelled wrong"] == "1 of 5 (0 unlabelled)"
    assert objective(records) == (3 - 1) / 4 + 1 / 2  # a wrong pinpoint served counts against


def test_the_models_own_lead_is_scored_apart():
    records = [record("a", polarity="no", draft="Yes, it can [1]."), record("b", polarity="yes", draft="Yes [1]."),
               record("c", polarity="yes", draft="It may [1].")]
    assert model_lead_wrong(records).startswith("1/3")


def test_tuning_questions_are_their_own_split_and_answerable_only_within_the_scope():
    from bench.faithful import load_questions, tuning_questions

    tuning = tuning_questions()
    assert {q["split"] for q in tuning} == {"tune"} and {q["pack"] for q in tuning} == {"india", "eu", "taiwan"}
    assert not {q["question"] for q in tuning} & {q["question"] for q in load_questions()}  # never a scored one
    taiwan = [q for q in tuning if q["pack"] == "taiwan"]
    assert 0 < sum(q["answerable"] for q in taiwan) < len(taiwan)  # rulings outside the index are unanswerable
    assert all(q["gold"] for q in tuning if q["answerable"]) and not any(q["gold"] for q in tuning if not q["answerable"])


def test_relabel_reads_each_variant_rows_records_from_its_own_folder(tmp_path, monkeypatch):
    import json

    import bench.faithful as faithful

    folder = tmp_path / "faithful"
    (folder / "quality").mkdir(parents=True)
    (folder / "no-adapter").mkdir()
    default = [dict(record("a", served=("right one",)), split="test"),
               dict(record("b", served=("bad zh",), pack="prc"), split="test")]
    (folder / "india.json").write_text(json.dumps(default))
    (folder / "quality" / "india.json").write_text(json.dumps([dict(record("a", served=("bad one",)), split="test")]))
    (folder / "no-adapter" / "prc.json").write_text(json.dumps([dict(record("b", served=("right zh",), pack="prc"),
                                                                    split="test")]))
    section = tmp_path / "faithful.json"
    tags = ("test", "test, quality preset", "test, adapter, prc+taiwan", "test, no adapter")
    section.write_text(json.dumps({"rows": [{"measure": f"served sentences hand-labelled wrong [{t}]", "value": ""}
                                            for t in tags]}))
    monkeypatch.setattr(faithful, "load_labels", lambda: {"right one": "right", "bad one": "wrong", "bad zh": "wrong",
                                                          "right zh": "right"})
    faithful.relabel(section)
    values = [r["value"] for r in json.loads(section.read_text())["rows"]]
    assert values == ["1 of 2 (0 unlabelled)", "1 of 1 (0 unlabelled)", "1 of 1 (0 unlabelled)", "0 of 1 (0 unlabelled)"]
