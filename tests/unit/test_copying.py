"""Quote-only decoding's pure parts (assistant/generate/copying.py): the passages read back from a prompt, where
a quote may start, and the mask that keeps a draft on one passage's own tokens."""
import torch

from assistant.generate.copying import MIN_TOKENS, QuoteOnly, starts
from assistant.prompts import build_messages, passages_of
from assistant.types import Hit
from tests.conftest import make_passage


def test_the_passages_of_a_prompt_come_back_as_they_were_given():
    texts = ["No person shall be deprived of his life.", "(1) All citizens shall have the right—\n\n(a) to speech;"]
    hits = [Hit(make_passage("in/coi", i, f"Art. {i}", t), 1.0) for i, t in enumerate(texts, start=1)]
    assert passages_of(build_messages("What does Article 21 protect?", hits)) == texts
    assert passages_of([{"role": "user", "content": "Hello"}]) == []


def test_a_quote_starts_at_a_sentence_or_a_clause():
    assert starts(["No", " person", " shall", ".", " The", " State", " (", "a", ")"]) == [0, 4, 6]
    assert starts(["Article", " 8", "(", "1", ")", " applies", " (", "b", ")"]) == [0, 6]  # "8(1)" opens no clause


class Letters:
    """One token per character; token 0 ends a draft."""

    eos_token_id = 0

    def encode(self, text, add_special_tokens=False):
        return [ord(c) for c in text]

    def decode(self, ids):
        return "".join(chr(i) for i in ids)


def allowed(processor, written: str, prompt=(1, 1)) -> set[str]:
    ids = torch.tensor([[*prompt, *map(ord, written)]])
    scores = processor(ids, torch.zeros((1, 200)))
    return {("END" if i == 0 else chr(i)) for i in torch.nonzero(scores[0] > float("-inf")).flatten().tolist()}


def test_the_draft_may_only_continue_a_run_of_a_passage():
    quote = QuoteOnly(Letters(), [["ab. cd", "ax"]], prompt_length=2, ends=[0])
    assert allowed(quote, "") == {"a", " "}  # a passage's start, or the token after "."
    quote = QuoteOnly(Letters(), [["ab. cd", "ax"]], prompt_length=2, ends=[0])
    allowed(quote, "")
    assert allowed(quote, "a") == {"b", "x"}  # either passage that starts "a"
    assert allowed(quote, "ab") == {"."}
    assert MIN_TOKENS == 4
    assert allowed(quote, "ab.") == {" "}  # 3 tokens written: too soon to end
    assert allowed(quote, "ab. ") == {"END"}  # a sentence finished: the quote ends there
    assert allowed(walked(["abcd e. f"], "abcd e"), "abcd e") == {"END", "."}
    assert allowed(walked(["abcd e. f"], "abcd e."), "abcd e.") == {"END"}
    assert allowed(walked(["see Art. 5 now. x"], "see Art."), "see Art.") == {"END", " "}  # an abbreviation
    assert allowed(walked(["ab cd"], "ab cd"), "ab cd") == {"END"}  # nothing left to copy: it may only end


def walked(passages: list[str], written: str) -> QuoteOnly:
    """A processor that has seen `written` but its last letter, one step at a time, as generation does."""
    quote = QuoteOnly(Letters(), [passages], prompt_length=2, ends=[0])
    for i in range(len(written)):
        allowed(quote, written[:i])
    return quote
