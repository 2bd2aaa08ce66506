"""OpenAI-compatible HTTP backend (vLLM with multi-LoRA, llama.cpp server), standard library only.

`POST {base_url}/chat/completions` with stream=true; the reply is server-sent events, one
`data: {json}` line per chunk, ending with `data: [DONE]`.
"""
from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from typing import Iterator

from assistant.errors import GenerationError
from assistant.generate.base import Draft, one_by_one


class OpenAIGenerator:
    def __init__(self, base_url: str, model: str, timeout: float = 120.0):
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.name, self.adapter = model, ""
        self.timeout = timeout

    def _request(self, messages: list[dict], max_new_tokens: int) -> urllib.request.Request:
        body = {"model": self.name, "messages": messages, "max_tokens": max_new_tokens,
                "temperature": 0, "stream": True}
        headers = {"Content-Type": "application/json", "Accept": "text/event-stream"}
        return urllib.request.Request(self.url, json.dumps(body).encode(), headers, method="POST")

    def _open(self, request: urllib.request.Request):
        try:
            return urllib.request.urlopen(request, timeout=self.timeout)
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:300]
            raise GenerationError(f"The server at {self.url} answered {exc.code}: {detail}") from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise GenerationError(
                f"Cannot reach the OpenAI-compatible server at {self.url} ({reason}). "
                "Start it (vLLM, llama.cpp server) or set openai_base_url."
            ) from exc

    def adapter_for(self, messages: list[dict]) -> str:
        return self.adapter

    def stream(self, messages: list[dict], max_new_tokens: int) -> Iterator[str]:
        with self._open(self._request(messages, max_new_tokens)) as reply:
            try:
                yield from _events(reply)
            except (OSError, http.client.HTTPException) as exc:
                raise GenerationError(f"The connection to {self.url} broke mid-answer: {exc}") from exc

    def draft_many(self, batch: list[list[dict]], max_new_tokens: int) -> list[Draft]:
        return one_by_one(self, batch, max_new_tokens)


def _events(reply) -> Iterator[str]:
    """Text of each `data:` event until [DONE]; role-only and empty chunks are skipped."""
    for raw in reply:
        line = raw.decode("utf-8").strip()
        if not line.startswith("data:"):
            continue
        data = line[len("data:") :].strip()
        if data == "[DONE]":
            return
        if text := _delta_text(data):
            yield text


def _delta_text(data: str) -> str:
    try:
        choices = json.loads(data).get("choices") or [{}]
        return choices[0].get("delta", {}).get("content") or ""
    except (json.JSONDecodeError, AttributeError) as exc:
        raise GenerationError(f"Bad event from the generation server: {data[:200]}") from exc
