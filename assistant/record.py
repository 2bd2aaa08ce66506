"""Reproducible answer records: everything needed to re-run an answer bit for bit, and `replay`.

A record stores the index version id (the folder under <index>/versions/), the embedder, the model id,
the engine that ran it (torch or llamacpp) and a sha256 of the adapter's files, the retrieved passage ids
and scores, a sha256 of the exact chat messages, the generation settings (greedy, max_new_tokens) and the retrieval settings. `replay` opens
that index version (even if it is no longer the live one), retrieves again, rebuilds the prompt and
generates greedily, then reports whether passages, prompt and answer text are identical.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import IndexError_
from assistant.types import Answer, Filters

if TYPE_CHECKING:
    from assistant.index.manifest import Manifest
    from assistant.protocols import Answerer, Embedder, Index

FORMAT = 1
RETRIEVAL_FIELDS = ("k", "candidates", "dense_weight", "lexical_weight", "rrf_k", "min_dense_score", "max_new_tokens",
                    "query_adapter", "expansion")


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def prompt_hash(messages: list[dict]) -> str:
    """sha256 of the messages as canonical JSON (sorted keys, UTF-8)."""
    return sha256_text(json.dumps(messages, ensure_ascii=False, sort_keys=True, separators=(",", ":")))


def adapter_hash(adapter: str | Path | None) -> str | None:
    """sha256 over the adapter folder's files (relative name + bytes, in name order); None without one."""
    if not adapter:
        return None
    folder = Path(adapter)
    if not folder.exists():
        return None
    files = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else [folder]
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(folder) if folder.is_dir() else path.name).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def messages_for(answer: Answer, history: list[dict] | None = None) -> list[dict]:
    """The messages the pipeline sends for this answer (rebuilt the way `Assistant` builds them)."""
    from assistant.prompts import build_messages

    return build_messages(answer.question, answer.hits, history)


def make_record(answer: Answer, settings, index_manifest: Manifest, prompt_messages: list[dict] | None = None,
                generation_settings: dict | None = None, *, filters: Filters | None = None,
                history: list[dict] | None = None) -> dict:
    """A JSON-ready record of one answer (see the module docstring)."""
    messages = prompt_messages if prompt_messages is not None else messages_for(answer, history)
    generation = {"greedy": True, "do_sample": False, "max_new_tokens": settings.max_new_tokens,
                  **(generation_settings or {})}
    return {
        "format": FORMAT, "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "question": answer.question, "history": list(history or []),
        "filters": None if filters is None else _filters_dict(filters),
        "answer": answer.text, "answer_sha256": sha256_text(answer.text), "refused": answer.refused,
        "draft_sha256": sha256_text(answer.draft),  # the model's own text, before verification
        "index": {"name": settings.index, "version": index_manifest.version,
                  "built_at": index_manifest.built_at, "count": index_manifest.count},
        "embedder": index_manifest.embedder, "model": answer.model,
        "engine": settings.engine,  # how a packaged model ran: torch or llamacpp (greedy text may differ)
        "adapter": answer.adapter,
        "adapter_sha256": adapter_hash(answer.adapter),
        "passages": [{"n": i, "id": h.passage.id, "cite": h.passage.cite, "score": h.score, "dense": h.dense,
                      "lexical": h.lexical} for i, h in enumerate(answer.hits, 1)],
        "prompt_sha256": prompt_hash(messages), "generation": generation,
        "retrieval": {f: getattr(settings, f) for f in RETRIEVAL_FIELDS},
    }


def _filters_dict(filters: Filters) -> dict:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(filters).items()}


# ---- replay -----------------------------------------------------------------------------------------


def version_folder(settings, record: dict) -> Path:
    """The recorded index version's folder; IndexError_ naming the versions that remain if it is gone."""
    root = settings.index_dir(record["index"]["name"])
    folder = root / "versions" / record["index"]["version"]
    if not (folder / "manifest.json").exists():
        kept = sorted(p.name for p in (root / "versions").glob("v*")) if (root / "versions").is_dir() else []
        raise IndexError_(
            f"index version {record['index']['version']} of '{record['index']['name']}' no longer exists under {root} "
            f"(versions kept: {', '.join(kept) or 'none'}); this answer cannot be replayed bit for bit. "
            "Re-ask the question on the current index, or keep old versions before updating the index."
        )
    return folder


def open_version(folder: Path):
    """An Index over one published version folder, live or not (checksums verified)."""
    from assistant.index import db, dense, manifest
    from assistant.index.store import Index

    data = manifest.read(folder)
    manifest.verify(folder, data)
    return Index(folder, data, dense.load(folder / dense.NAME), db.open_read(folder / db.NAME))


def _index_for(assistant: Answerer, record: dict, folder: Path) -> tuple[Index, Embedder]:
    retriever = assistant.loaded_retriever  # reuse the live index when it is the recorded version
    if retriever is not None and Path(retriever.index.folder).resolve() == folder.resolve():
        return retriever.index, retriever.embedder
    from assistant.embed import get_embedder

    return open_version(folder), get_embedder(record["embedder"])


def replay(record: dict, assistant: Answerer) -> tuple[Answer, bool]:
    """Re-run a recorded answer on its index version with greedy decoding; (new Answer, identical?)."""
    from assistant.pipeline import Assistant
    from assistant.retrieve import configured

    folder = version_folder(assistant.settings, record)
    settings = assistant.settings.model_copy(update={"index": record["index"]["name"], **record["retrieval"],
                                                     "max_new_tokens": record["generation"]["max_new_tokens"]})
    index, embedder = _index_for(assistant, record, folder)
    rerun = Assistant(settings, retriever=configured(index, embedder, settings), generator=assistant.generator)
    filters = Filters(**{k: tuple(v) if isinstance(v, list) else v for k, v in record["filters"].items()}) \
        if record.get("filters") else None
    answer = rerun.ask(record["question"], filters=filters, history=record.get("history") or None)
    return answer, not differences(record, answer)


def differences(record: dict, answer: Answer) -> list[str]:
    """What differs between a record and a re-run answer (empty: identical)."""
    found = []
    old = [(p["id"], p["score"]) for p in record["passages"]]
    if old != [(h.passage.id, h.score) for h in answer.hits]:
        found.append("retrieved passages or scores")
    if prompt_hash(messages_for(answer, record.get("history"))) != record["prompt_sha256"]:
        found.append("prompt")
    if (answer.model, adapter_hash(answer.adapter)) != (record["model"], record["adapter_sha256"]):
        found.append("model or adapter")
    if sha256_text(answer.text) != record["answer_sha256"]:
        found.append("answer text")
    if "draft_sha256" in record and sha256_text(answer.draft) != record["draft_sha256"]:
        found.append("model draft")  # the served text may agree while the model wrote something else
    return found


def save_record(path, record: dict) -> Path:
    path = Path(path)
    path.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def load_record(path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))
