"""Local Hugging Face backend: a packaged GGUF model (cached as an HF folder), optional peft adapter.

Generation runs `model.generate` greedily in a worker thread; a small streamer hands back one text piece
per generated token (the piece is "" while a multi-byte character is still incomplete), so the number of
pieces is the number of tokens. An adapter with a `scope.json` (assistant/generate/scope.py) answers only
questions in its languages; for the others the adapter is switched off for that answer. One answer is
generated at a time (a lock): switching is safe under concurrent asks, and on a small CPU parallel
generations only split the same cores.

Speed (profiled in issue 22; figures in docs/RESULTS.md, "Speed"): the model answers in bf16 where the CPU
multiplies bf16 natively, else fp32 (`loading.answering_dtype`); each answer runs on the physical cores
that other work leaves free (`assistant.cores.spare_cores`), because torch's threads wait for each other after every
operation and one stalled thread stalls the answer; `load` runs a short warm-up generation.
"""
from __future__ import annotations

import queue
import threading
from contextlib import nullcontext
from pathlib import Path
from typing import Iterator

from transformers import StoppingCriteria
from transformers.generation.streamers import BaseStreamer

from assistant.cores import spare_cores
from assistant.generate import scope
from assistant.generate.base import END, Draft, drain
from assistant.generate.loading import answering_dtype, fold_head_input, generation_call, load_model


class _TokenPieces(BaseStreamer):
    """Receives token ids from `generate` and queues the new text each token adds."""

    def __init__(self, tokenizer):
        self.tokenizer, self.queue = tokenizer, queue.Queue()
        self.ids: list[int] = []
        self.text, self.prompt_seen = "", False

    def put(self, value) -> None:
        if not self.prompt_seen:  # generate() first passes the prompt
            self.prompt_seen = True
            return
        self.ids.extend(value.reshape(-1).tolist())
        text = self.tokenizer.decode(self.ids, skip_special_tokens=True)
        if text.endswith("\ufffd"):  # half a character: wait for the next token
            self.queue.put("")
            return
        self.queue.put(text[len(self.text) :])
        self.text = text

    def end(self) -> None:
        self.queue.put(END)


class _StopWhen(StoppingCriteria):
    """Ends generation early once the reader has gone away (the stream was closed)."""

    def __init__(self, event: threading.Event):
        self.event = event

    def __call__(self, input_ids, scores, **kwargs):
        import torch

        return torch.full((input_ids.shape[0],), self.event.is_set(), dtype=torch.bool)


def _ids(value) -> list[int]:
    """A token id setting (None, one id, or a list of them) as a list."""
    return [] if value is None else [value] if isinstance(value, int) else list(value)


class HFGenerator:
    def __init__(self, model, tokenizer, name: str, adapter: str = "", languages: frozenset[str] | None = None,
                 threads: int | None = None, quotes: bool = False):
        self.model, self.tokenizer = model, tokenizer
        self.threads = threads  # torch threads per answer; None: the physical cores not busy at its start
        self.name, self.adapter = name, adapter
        self.languages = languages  # the adapter's scope; None: every question
        self.quotes = quotes  # quote-only decoding where no adapter answers (assistant/generate/copying.py)
        self._lock = threading.Lock()

    @classmethod
    def load(cls, name: str, cache_dir: Path, adapter: Path | None = None, dtype: str | None = None,
             quotes: bool = False) -> "HFGenerator":
        """The model in `dtype` (default: bf16 where the CPU has bf16 instructions, else fp32), warmed up."""
        model, tokenizer = load_model(name, cache_dir, adapter, dtype or answering_dtype())
        fold_head_input(model)
        generator = cls(model, tokenizer, name, str(adapter) if adapter else "", scope.languages(adapter), quotes=quotes)
        generator.warm_up()
        return generator

    def warm_up(self) -> None:
        """One short generation, so that torch's lazy set-up is paid at load, not by the first answer."""
        list(self.stream([{"role": "user", "content": "Hello"}], 2))

    def adapter_for(self, messages: list[dict]) -> str:
        """The adapter that answers these messages: "" when their question is outside its languages."""
        return scope.answering(self.adapter, self.languages, messages)

    def _quoting(self, batch: list[list[dict]], inputs: dict) -> list:
        """[QuoteOnly] over the passages' bodies (a heading names the provision and states nothing, so it is
        never quoted) where `quotes` is on, no adapter answers these conversations and each holds passages
        (assistant/generate/copying.py); else [] (free decoding)."""
        if not self.quotes or any(self.adapter_for(m) for m in batch):
            return []
        from assistant.generate.copying import QuoteOnly
        from assistant.prompts import passages_of
        from assistant.verify.anchor import body

        passages = [[body(text) for text in passages_of(m)] for m in batch]
        if not all(passages) or "inputs_embeds" in inputs:
            return []
        ends = set(_ids(self.model.generation_config.eos_token_id)) | set(_ids(self.tokenizer.eos_token_id))
        return [QuoteOnly(self.tokenizer, passages, inputs["input_ids"].shape[1], sorted(ends))]

    def _inputs(self, messages: list[dict]) -> dict:
        return self.tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
        )

    def _run(self, messages: list[dict], max_new_tokens: int, pieces: _TokenPieces, stop: threading.Event) -> None:
        import torch

        try:
            plain = bool(self.adapter) and not self.adapter_for(messages)  # the base model answers this one
            inputs = self._inputs(messages)
            with self._lock, self.model.disable_adapter() if plain else nullcontext(), torch.inference_mode():
                torch.set_num_threads(self.threads or spare_cores())
                runner, inputs, _ = (self.model.get_base_model(), inputs, 0) if plain else generation_call(self.model, inputs)
                runner.generate(
                    **inputs, max_new_tokens=max_new_tokens, do_sample=False, streamer=pieces,
                    stopping_criteria=[_StopWhen(stop)], logits_processor=self._quoting([messages], inputs),
                    pad_token_id=self.tokenizer.pad_token_id or self.tokenizer.eos_token_id,
                )
        except Exception as exc:  # handed to the reading thread, which raises it
            pieces.queue.put(exc)
            pieces.end()

    def draft_many(self, batch: list[list[dict]], max_new_tokens: int) -> list[Draft]:
        """Drafts for several conversations, decoded together: prompts padded on the left, one `generate` per
        adapter choice. On 2 cores a pair decodes in little more time than one (FAQ throughput: 17.0 questions
        a minute in pairs, 10.3 one at a time; docs/RESULTS.md); greedy tokens can differ from a lone answer's where two
        candidates are within bf16 rounding of each other."""
        drafts: list[Draft | None] = [None] * len(batch)
        groups: dict[str, list[int]] = {}
        for i, messages in enumerate(batch):
            groups.setdefault(self.adapter_for(messages), []).append(i)
        for adapter, indexes in groups.items():
            for i, draft in zip(indexes, self._draft_group([batch[i] for i in indexes], max_new_tokens, adapter)):
                drafts[i] = draft
        return drafts

    def _draft_group(self, batch: list[list[dict]], max_new_tokens: int, adapter: str) -> list[Draft]:
        import torch

        plain = bool(self.adapter) and not adapter
        texts = [self.tokenizer.apply_chat_template(m, add_generation_prompt=True, tokenize=False) for m in batch]
        inputs = self.tokenizer(texts, return_tensors="pt", padding=True, padding_side="left", add_special_tokens=False)
        stops = set(_ids(self.model.generation_config.eos_token_id)) | set(_ids(self.tokenizer.pad_token_id))
        with self._lock, self.model.disable_adapter() if plain else nullcontext(), torch.inference_mode():
            torch.set_num_threads(self.threads or spare_cores())
            runner, inputs, skip = (self.model.get_base_model(), inputs, inputs["input_ids"].shape[1]) if plain \
                else generation_call(self.model, inputs)
            out = runner.generate(**inputs, max_new_tokens=max_new_tokens, do_sample=False,
                                  logits_processor=self._quoting(batch, inputs),
                                  pad_token_id=self.tokenizer.pad_token_id or self.tokenizer.eos_token_id)
        drafts = []
        for row in out[:, skip:].tolist():
            end = next((i for i, t in enumerate(row) if t in stops), None)  # padding follows an early end
            text = self.tokenizer.decode(row[:end], skip_special_tokens=True)
            drafts.append(Draft(text, len(row) if end is None else end + 1))  # the end token counted, as streamed
        return drafts

    def stream(self, messages: list[dict], max_new_tokens: int) -> Iterator[str]:
        pieces, stop = _TokenPieces(self.tokenizer), threading.Event()
        args = (messages, max_new_tokens, pieces, stop)
        worker = threading.Thread(target=self._run, args=args, daemon=True)
        yield from drain(pieces.queue, stop, worker, f"Local generation with {self.name}")
