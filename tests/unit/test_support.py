"""Sentence-level support labels on real statute text (conftest passages), hashing embedder for the dense side."""
from assistant.support import (FLAG, SentenceSupport, apply_support, bigrams, groundedness, label_sentences,
                               lexical_score)
from assistant.types import Answer, Citation, Hit


def hits_of(passages, *suffixes):
    return [Hit(next(p for p in passages if p.cite.endswith(s)), 1.0) for s in suffixes]


def test_faithful_sentence_is_supported_and_wrong_one_is_not(tiny_passages):
    hits = hits_of(tiny_passages, "Art. 21", "Art. 14")
    text = ("No person shall be deprived of his life or personal liberty except according to procedure "
            "established by law [1]. Article 21 guarantees every citizen the right to vote in elections [1].")
    labels = label_sentences(text, hits)
    assert [x.label for x in labels] == ["supported", "unsupported"]
    assert labels[0].cited == (1,) and labels[0].score > labels[1].score and labels[0].dense is None


def test_embedder_adds_a_dense_score(tiny_passages, hashing_embedder):
    hits = hits_of(tiny_passages, "Art. 14")
    [label] = label_sentences("The State shall not deny equality before the law to any person [1].", hits,
                              hashing_embedder)
    assert label.dense is not None and 0 < label.dense <= 1.0001 and label.label in ("supported", "partly")


def test_uncited_sentence_is_at_most_partly_and_empty_claim_is_supported(tiny_passages):
    hits = hits_of(tiny_passages, "Art. 21")
    labels = label_sentences("No person shall be deprived of his life or personal liberty except according to "
                             "procedure established by law. Yes [1].", hits)
    assert labels[0].label == "partly" and labels[0].cited == ()
    assert labels[1].label == "supported"


def test_out_of_range_marker_counts_as_uncited(tiny_passages):
    [label] = label_sentences("Personal liberty is protected [7].", hits_of(tiny_passages, "Art. 21"))
    assert label.cited == ()


def test_chinese_sentence_uses_bigrams(tiny_passages):
    hits = hits_of(tiny_passages, "第三十八条")
    [label] = label_sentences("用人单位未及时足额支付劳动报酬的，劳动者可以解除劳动合同[1]。", hits)
    assert label.label == "supported"
    assert lexical_score("完全无关的内容", hits[0].passage.text) < 0.3


def test_groundedness_credits():
    make = lambda label: SentenceSupport("s", (1,), label, 0.5)
    assert groundedness([make("supported"), make("partly"), make("unsupported"), make("supported")]) == 0.625
    assert groundedness([]) == 1.0


def test_apply_support_flags_or_drops_and_prunes_citations(tiny_passages):
    hits = hits_of(tiny_passages, "Art. 21", "Art. 14")
    text = ("No person shall be deprived of his life or personal liberty except according to procedure "
            "established by law [1]. Article 14 guarantees every citizen the right to vote in elections [2].")
    answer = Answer("q", text, [Citation(1, hits[0].passage.id, "a", "q"), Citation(2, hits[1].passage.id, "b", "q")],
                    hits)
    labels = label_sentences(text, hits)
    flagged = apply_support(answer, labels)
    assert flagged.text.endswith(FLAG) and len(flagged.citations) == 2 and "1 unsupported" in flagged.reason
    dropped = apply_support(answer, labels, mode="drop")
    assert "vote" not in dropped.text and [c.n for c in dropped.citations] == [1]
    assert answer.text == text  # the original is untouched


def test_bigrams_are_per_word():
    assert bigrams("ab cd") == {"ab", "cd"}


def test_a_sentence_negating_its_passage_is_unsupported(tiny_passages):
    hits = hits_of(tiny_passages, "Art. 21")
    text = ("Every person may be deprived of his life or personal liberty except according to procedure "
            "established by law [1].")
    assert [x.label for x in label_sentences(text, hits)] == ["unsupported"]
    assert [x.label for x in label_sentences(text.replace("Every person may", "No person shall"), hits)] == ["supported"]
