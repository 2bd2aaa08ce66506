"""Quote-only decoding (issue 21, item 3): the model may write only a run of the retrieved passages' own
tokens, starting where a sentence or clause of a passage starts, so every draft it writes is a quote of one
passage, and it ends with the first sentence it finishes (a quote the token limit cuts loses its unfinished
sentence, as any draft does). Verification (assistant/verify/) then checks it as any draft, and the
on-point gate decides whether it is served. On llama.cpp the same rule is a grammar (`quote_grammar`). The
model still chooses which passage and where; it can no longer write "Yes, ... can ..." over a clause that
says "shall not".

Measured on the 89 English dev + tuning questions (docs/RESULTS.md): the same answers given (45 of 67), gold
pinpoint cited in 40 against 35 with free drafts, every unanswerable one still refused. Applied where the
base model answers (outside the adapter's languages); the Chinese adapter drafts freely (quoting there cost
one gold pinpoint of 27 on the Chinese dev + tuning questions).
"""
from __future__ import annotations

import json
import re
from typing import Sequence

from transformers import LogitsProcessor

from assistant.text import ends_sentence
from assistant.verify.anchor import spans

MIN_TOKENS = 4  # the draft may end (end-of-sequence) only after this many tokens


def starts(pieces: Sequence[str]) -> list[int]:
    """Token positions where a quote may start: the passage's first token, a token after one ending a sentence
    or clause (. ; : — or a line break), and a token opening a clause label " (a)" after a space (the "(1)"
    of "Article 8(1) applies" opens no clause)."""
    return [j for j, piece in enumerate(pieces)
            if j == 0 or re.search(r"[.;:—\n]\s*$", pieces[j - 1])
            or (piece.lstrip().startswith("(") and (piece[0].isspace() or pieces[j - 1][-1:].isspace()))]


class QuoteOnly(LogitsProcessor):
    """Masks every token that would not continue a run of some passage's tokens; one state per batch row (a
    row's prompt may hold other passages). A row with nothing left to copy, or that has finished a sentence,
    may only end."""

    def __init__(self, tokenizer, passages: Sequence[Sequence[str]], prompt_length: int, ends: Sequence[int]):
        self.tokenizer = tokenizer
        self.ends = set(ends)  # the tokens that end a draft
        self.prompt_length = prompt_length
        self.tokens, self.states = [], []
        for row in passages:
            ids = [tokenizer.encode(text, add_special_tokens=False) for text in row]
            self.tokens.append(ids)
            self.states.append([(p, j) for p, seq in enumerate(ids)
                                for j in starts([tokenizer.decode([t]) for t in seq])])

    def __call__(self, input_ids, scores):
        import torch

        written = input_ids.shape[1] - self.prompt_length
        mask = torch.full_like(scores, float("-inf"))
        for row in range(input_ids.shape[0]):
            seqs = self.tokens[row]
            if written > 0:
                last = int(input_ids[row, -1])
                self.states[row] = [(p, j + 1) for p, j in self.states[row] if j < len(seqs[p]) and seqs[p][j] == last]
            allowed = {seqs[p][j] for p, j in self.states[row] if j < len(seqs[p])}
            written_text = self.tokenizer.decode(input_ids[row, self.prompt_length:].tolist())
            if written >= MIN_TOKENS and ends_sentence(written_text):
                allowed = set()
            if written >= MIN_TOKENS or not allowed:
                allowed |= self.ends
            mask[row, sorted(allowed)] = 0
        return scores + mask


def quote_grammar(passages: Sequence[str]) -> str:
    """Quote-only decoding on llama.cpp: a GBNF grammar whose only sentences are the passages' spans (their
    sentences and the parts between semicolons or colons, headings left out), each word for word; a JSON
    string literal is a GBNF one. "" when the passages hold no span (only orders to the model, say): nothing to quote."""
    choices = dict.fromkeys(span for text in passages for span in spans(text))
    if not choices:
        return ""
    return "root ::= " + " | ".join(json.dumps(span, ensure_ascii=False) for span in choices) + "\n"
