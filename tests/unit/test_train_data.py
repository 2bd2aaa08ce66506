"""Training example builder: hashed dev split, citation markers, refusal examples, prompts = app prompts."""
import re

import pytest
import torch

from assistant.prompts import build_messages, refusal_for
from assistant.train import data as d
from assistant.train.corpus import ArticleSet, make_passage
from assistant.train.lora import Recipe, collate, encode, encode_all, lr_at, micro_batches, step_loss

LAW = "中华人民共和国劳动合同法"
TEXTS = {
    "第十条": "建立劳动关系，应当订立书面劳动合同。",
    "第十九条": "劳动合同期限三个月以上不满一年的，试用期不得超过一个月。",
    "第三十八条": "用人单位未及时足额支付劳动报酬的，劳动者可以解除劳动合同。",
    "第四十七条": "经济补偿按劳动者在本单位工作的年限，每满一年支付一个月工资的标准向劳动者支付。",
    "第八十二条": "用人单位自用工之日起超过一个月不满一年未与劳动者订立书面劳动合同的，应当向劳动者每月支付二倍的工资。",
}


@pytest.fixture(scope="module")
def articles():
    passages = [make_passage(f"{LAW} {a}", t, LAW, (LAW, a), language="zh", jurisdiction="CN", doc_id="prc:lcl")
                for a, t in TEXTS.items()]
    return ArticleSet(passages, "zh")


def record(qid, question="公司不签劳动合同怎么办？", answer="您好，公司应当与您订立书面劳动合同。超过一个月不签的，应当支付二倍工资。"):
    return {"query_id": qid, "问题": question, "答案文本": answer,
            "相关法规": {"劳动合同法第八十二条": "（inline）", "劳动合同法第十条": "（inline）"}}


def test_dev_split_is_deterministic_disjoint_and_sized():
    records = [record(i) for i in range(300)]
    train, dev = d.split_dev(records, 60)
    again = d.split_dev(list(reversed(records)), 60)[1]
    assert len(dev) == 60 and len(train) == 240
    assert {r["query_id"] for r in dev} == {r["query_id"] for r in again}
    assert not {r["query_id"] for r in dev} & {r["query_id"] for r in train}


def test_sentences_keep_every_character():
    text = "第一句。第二句！\n第三句没有句号"
    assert "".join(d.sentences(text, "zh")) == text
    en = "Art. 21 protects life. It binds the State! Ends here"
    assert "".join(d.sentences(en, "en")) == en
    assert d.sentences(en, "en")[0] == "Art. 21 protects life."


def test_gold_keys_resolve_to_pack_articles_else_inline_text(articles):
    found = articles.gold("中华人民共和国劳动合同法第十条", "ignored", 200)
    assert found.cite == f"{LAW} 第十条" and found.text == TEXTS["第十条"]
    missing = articles.gold("物业管理条例第七条", "业主应当按时交纳物业服务费用。", 200)
    assert missing.cite == "物业管理条例 第七条" and missing.text.startswith("业主")


def test_answer_example_puts_markers_on_gold_passages_only(articles):
    [ex] = d.lecoqa_examples([record(7)], articles, k=4, refusal_rate=0.0)
    numbers = {int(n) for n in re.findall(r"\[(\d)\]", ex.target)}
    gold_numbers = {i for i, h in enumerate(ex.hits, 1) if h.passage.cite in ex.gold}
    assert ex.kind == "answer" and len(ex.hits) == 4
    assert numbers == gold_numbers == {i for i, h in enumerate(ex.hits, 1) if "第十条" in h.passage.cite
                                       or "第八十二条" in h.passage.cite}
    assert re.sub(r"\[\d\]", "", ex.target) == record(7)["答案文本"]
    assert "二倍工资[" in ex.target  # the sentence about double wages cites article 82


def test_prompt_is_exactly_the_app_prompt(articles):
    [ex] = d.lecoqa_examples([record(8)], articles, k=3, refusal_rate=0.0)
    assert ex.messages() == build_messages(ex.question, ex.hits)


def test_refusal_examples_withhold_gold_and_target_the_refusal(articles):
    [ex] = d.lecoqa_examples([record(9)], articles, k=3, refusal_rate=1.0)
    assert ex.kind == "refusal" and ex.target == refusal_for(ex.question)
    assert not any("第十条" in h.passage.cite or "第八十二条" in h.passage.cite for h in ex.hits)


def test_other_question_refusals_show_the_decoys_passages(articles):
    wages = "试用期最长可以约定多久？"
    ex = d.build_example("lecoqa:x", "公司不签劳动合同怎么办？", "", [], articles, "zh", k=1, refusal=True,
                         max_answer_chars=100, decoy=wages)
    near = d.build_example("lecoqa:x", "公司不签劳动合同怎么办？", "", [], articles, "zh", k=1, refusal=True,
                           max_answer_chars=100)
    assert (ex.withheld, near.withheld) == ("other", "nearest")
    assert ex.hits[0].passage.cite.endswith("第十九条") and not near.hits[0].passage.cite.endswith("第十九条")


def test_paired_refusal_cases_keep_their_answerable_example_too(articles):
    answer, refusal = d.lecoqa_examples([record(9)], articles, k=3, refusal_rate=1.0, paired=True)
    assert (answer.kind, refusal.kind) == ("answer", "refusal")
    assert answer.question == refusal.question and answer.gold and not refusal.gold
    [only] = d.lecoqa_examples([record(9)], articles, k=3, refusal_rate=0.0, paired=True)
    assert only.kind == "answer"


def test_refusal_variants_split_about_half_and_decoys_are_other_questions():
    share = sum(d.withheld_variant(f"lecoqa:{i}") == "other" for i in range(2000)) / 2000
    assert 0.45 < share < 0.55
    questions = ["a", "b", "c"]
    assert all(d.decoy_question(f"q{i}", questions, "b") in {"a", "c"} for i in range(20))


def test_refusal_share_is_about_the_rate():
    share = sum(d.is_refusal_case(f"lecoqa:{i}", 0.2) for i in range(2000)) / 2000
    assert 0.17 < share < 0.23


def test_markers_go_before_final_punctuation():
    assert d._mark("应当订立合同。", [2, 1], "zh") == "应当订立合同[1][2]。"
    assert d._mark("It is void.\n", [3], "en") == "It is void [3].\n"


class _CharTokenizer:
    """Just enough of a chat tokenizer for `encode`: one id per character."""

    def apply_chat_template(self, messages, add_generation_prompt=False, tokenize=False):
        text = "".join(f"<{m['role']}>{m['content']}</s>\n" for m in messages)
        return text + ("<assistant>" if add_generation_prompt else "")

    def __call__(self, text, add_special_tokens=False):
        return {"input_ids": [ord(c) for c in text]}


def test_encode_masks_the_prompt_and_truncates_long_targets():
    tok = _CharTokenizer()
    item = encode([{"role": "user", "content": "问"}], "答[1]。", tok, 100)
    prompt_len = len("<user>问</s>\n<assistant>")
    assert item["labels"][:prompt_len] == [-100] * prompt_len
    assert "".join(chr(i) for i in item["labels"][prompt_len:]) == "答[1]。</s>"
    assert encode([{"role": "user", "content": "问" * 200}], "答", tok, 100) is None
    short = encode([{"role": "user", "content": "问"}], "答" * 200, tok, 60)
    assert len(short["input_ids"]) == 60


def test_refusal_items_carry_the_refusal_weight(articles):
    examples = d.lecoqa_examples([record(9)], articles, k=3, refusal_rate=1.0, paired=True)
    items, dropped = encode_all(examples, _CharTokenizer(), 2000, refusal_weight=4.0)
    assert dropped == 0 and [i["weight"] for i in items] == [1.0, 4.0]


class _FixedLogits(torch.nn.Module):
    """Uniform logits over 4 words whatever the input: every target token costs log 4."""

    def forward(self, input_ids, attention_mask, logits_to_keep, **_):
        return type("Out", (), {"logits": torch.zeros(input_ids.shape[0], input_ids.shape[1], 4)})()


def test_step_loss_scales_each_sequence_by_its_weight():
    items = [{"input_ids": [0, 1, 2], "labels": [-100, 1, 2], "weight": 1.0},
             {"input_ids": [0, 3], "labels": [-100, 3], "weight": 4.0}]
    loss, tokens = step_loss(_FixedLogits(), items, pad_id=0)
    assert tokens == 3
    assert loss.item() == pytest.approx((2 * 1.0 + 1 * 4.0) * torch.log(torch.tensor(4.0)).item())


def test_collate_left_pads_so_targets_end_together():
    batch = collate([{"input_ids": [5, 6, 7], "labels": [-100, 6, 7]}, {"input_ids": [8], "labels": [8]}], 0)
    assert batch["input_ids"].tolist() == [[5, 6, 7], [0, 0, 8]]
    assert batch["labels"].tolist() == [[-100, 6, 7], [-100, -100, 8]]
    assert batch["attention_mask"].tolist() == [[1, 1, 1], [0, 0, 1]]


def test_micro_batch_plan_is_reproducible_and_covers_each_epoch():
    plan = micro_batches(5, 2, 5, seed=3)
    assert plan == micro_batches(5, 2, 5, seed=3)
    assert sorted(sum(plan, [])[:5]) == [0, 1, 2, 3, 4]


def test_learning_rate_warms_up_then_decays():
    r = Recipe(lr=1e-3, warmup_steps=2)
    rates = [lr_at(s, r, 10) for s in range(10)]
    assert rates[0] < rates[1] == pytest.approx(1e-3) and rates[-1] < rates[2]
    assert min(rates[2:]) >= 1e-4 - 1e-12


def test_log_stats_counts_a_step_rerun_after_resume_once(tmp_path):
    import json

    from assistant.train.card import log_stats

    steps = [(1, 3.0, 40.0), (2, 2.5, 38.0), (3, 9.9, 60.0), (3, 2.0, 39.0), (4, 1.5, 41.0)]  # step 3 logged twice
    (tmp_path / "train_log.jsonl").write_text(
        "".join(json.dumps({"step": s, "loss": loss, "seconds": t}) + "\n" for s, loss, t in steps), encoding="utf-8")
    stats = log_stats(tmp_path)
    assert stats["steps"] == 4 and stats["losses"] == [3.0, 2.5, 2.0, 1.5] and stats["s_per_step"] == 40.0
    assert log_stats(tmp_path, upto=2)["losses"] == [3.0, 2.5]


def test_second_stage_card_describes_the_first_stage_it_started_from(tmp_path):
    import json
    from dataclasses import asdict

    from assistant.train.card import card_text, first_stage

    stage_one = tmp_path / "one"
    stage_one.mkdir()
    (stage_one / "recipe.json").write_text(json.dumps(asdict(Recipe(max_steps=2, refusal_rate=0.2))), encoding="utf-8")
    (stage_one / "train_log.jsonl").write_text(
        "".join(json.dumps({"step": s, "loss": 2.0 / s, "seconds": 30.0}) + "\n" for s in (1, 2)), encoding="utf-8")
    second = asdict(Recipe(paired=True, refusal_weight=4.0, refusal_rate=0.4, init_adapter=str(stage_one / "adapter")))
    first = first_stage(second)
    assert first is not None and first[1]["steps"] == 2
    card = card_text(second, {"steps": 5, "losses": [1.0] * 5}, "", first)
    assert "## First stage" in card and "refusal sequences weigh 4.0x" in card
    assert card.index("## First stage") < card.index("## Hyper-parameters")
    assert "## First stage" not in card_text(asdict(Recipe()), {"steps": 1}, "", first_stage(asdict(Recipe())))
