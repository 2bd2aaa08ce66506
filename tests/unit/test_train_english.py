"""Grounded English training examples (assistant/train/english.py): rule questions, clause choice, targets
that quote the clause and cite the passage the prompt numbers, refusals without the clause's passage."""
import json
import re
from pathlib import Path

from assistant.prompts import REFUSAL
from assistant.train import english
from assistant.train.english import QUESTIONS, clauses, examples, rule_question
from assistant.types import Hit
from tests.conftest import make_passage


def test_rule_questions_turn_a_prohibition_or_a_permission_into_a_yes_no_question():
    assert rule_question("No person shall be deprived of his life or personal liberty except according to "
                         "procedure established by law.") == ("Can a person be deprived of his life or personal "
                                                              "liberty except according to procedure established by law?")
    assert rule_question("(2) The State shall not discriminate against any citizen on grounds only of religion.") == (
        "Can the State discriminate against any citizen on grounds only of religion?")
    assert rule_question("Parliament may by law regulate the right of citizenship.") == (
        "May Parliament by law regulate the right of citizenship?")
    assert rule_question("The executive power of the Union shall be vested in the President.") is None


def test_clauses_are_whole_statements_short_enough_to_quote():
    text = ("Art. 72 Power of President to grant pardons\n(1) The President shall have the power to grant pardons, "
            "reprieves, respites or remissions of punishment to any person convicted of any offence—\n"
            "(c) in all cases where the sentence is a sentence of death.\n(2) Nothing in sub-clause (a) of clause (1) "
            "shall affect the power conferred by law on any officer of the Armed Forces of the Union.")
    found = clauses(text)
    assert found == ["(2) Nothing in sub-clause (a) of clause (1) shall affect the power conferred by law on any "
                     "officer of the Armed Forces of the Union."]  # the heading, a clause ending in a dash, a list item: not


def hit(passage, rank):
    return Hit(passage=passage, score=1.0 / rank, rank=rank)


PASSAGES = [make_passage("in/coi", i, f"Art. {n}", t) for i, (n, t) in enumerate([
    ("21", "No person shall be deprived of his life or personal liberty except according to procedure established by law."),
    ("22", "No person who is arrested shall be detained in custody without being informed of the grounds."),
    ("20", "No person shall be prosecuted and punished for the same offence more than once."),
    ("19", "All citizens shall have the right to freedom of speech and expression."),
    ("14", "The State shall not deny to any person equality before the law."),
    ("32", "The right to move the Supreme Court for the enforcement of these rights is guaranteed."),
])]


def row(question, passage):
    return {"pack": "india", "cite": passage.cite, "passage": passage.id, "clause": passage.text,
            "question": question, "source": "model"}


def fake_search(pack, question, n):
    return [hit(p, i) for i, p in enumerate(PASSAGES[:n], start=1)]


def test_answer_examples_quote_the_clause_and_cite_the_passage_as_numbered_in_the_prompt():
    rows = [row(f"Can I be jailed without a trial, question {i}?", PASSAGES[1]) for i in range(12)]
    made = examples(rows, fake_search, k=4, refusal_rate=0.0)
    assert len(made) == 12 and {e.kind for e in made} == {"answer"}
    for e in made:
        n = int(re.search(r"\[(\d)\]\.$", e.target).group(1))
        assert e.hits[n - 1].passage.id == PASSAGES[1].id and [h.rank for h in e.hits] == [1, 2, 3, 4]
        assert e.target.startswith(PASSAGES[1].text.rstrip("."))
        assert f"[{n}] {PASSAGES[1].cite}" in e.messages()[-1]["content"]
    assert len({e.target for e in made}) > 1  # the passages are shuffled, so the gold is not always [1]


def test_refusal_examples_never_show_the_clause_and_a_clause_outside_the_prompt_makes_no_example():
    rows = [row(f"What about detention {i}?", PASSAGES[1]) for i in range(40)]
    made = examples(rows, fake_search, k=4, refusal_rate=0.5)
    refusals = [e for e in made if e.kind == "refusal"]
    assert 5 < len(refusals) < 35
    assert all(e.target == REFUSAL and PASSAGES[1].id not in {h.passage.id for h in e.hits} and len(e.hits) == 4
               for e in refusals)
    beyond = row("Can I go to the Supreme Court?", PASSAGES[5])  # sixth: not among the prompt's four
    assert [e for e in examples([beyond], fake_search, k=4, refusal_rate=0.0)] == []


def test_the_shipped_questions_file_is_grounded_in_the_packs():
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 100 and {r["pack"] for r in rows} == set(english.PACKS)
    assert {r["source"] for r in rows} == {"rule", "model"}
    assert all(r["question"].endswith("?") and r["clause"] and r["cite"] for r in rows)


def test_the_english_recipe_is_a_second_stage_on_the_shipped_adapter_with_the_grounded_examples():
    from assistant.generate import ADAPTERS_DIR
    from assistant.train.lora import RECIPES, Recipe

    recipe = Recipe.load(RECIPES / "lora-qwen-0.5b-en.json")
    assert recipe.grounded and recipe.limit and recipe.base == "qwen-0.5b"
    assert (Path(recipe.init_adapter).resolve() == (ADAPTERS_DIR / "qwen-0.5b").resolve())
    assert "NOT shipped" in json.loads((RECIPES / "lora-qwen-0.5b-en.json").read_text(encoding="utf-8"))["description"]
