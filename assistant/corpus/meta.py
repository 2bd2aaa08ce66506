"""Metadata for user files: a sidecar `<file>.meta.json`, or front-matter at the top of .md/.txt
(`---` / `key: value` lines / `---`), plus language and kind detection when the user gave none."""
from __future__ import annotations

import json
import re
from pathlib import Path

from assistant.errors import InputError

FIELDS = ("title", "kind", "jurisdiction", "date", "citation", "language", "in_force")
KINDS = ("statute", "case", "other")
_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)


def front_matter(text: str) -> tuple[dict, str]:
    """({field: value}, text without the block). Unknown keys are ignored."""
    match = _FRONT.match(text)
    if not match:
        return {}, text
    values = {}
    for line in match.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() in FIELDS:
            values[key.strip().lower()] = value.strip().strip("\"'")
    return values, text[match.end():]


def sidecar(path: Path, shown: str) -> dict:
    """Fields from `<file>.meta.json` (or `<stem>.meta.json`) next to the file; {} when there is none."""
    meta_path = next((p for p in sidecar_paths(path) if p.is_file()), None)
    if meta_path is None:
        return {}
    try:
        values = json.loads(meta_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise InputError(f"{meta_path.name} is not valid JSON ({error}); fix it or delete it", shown) from None
    if not isinstance(values, dict):
        raise InputError(f"{meta_path.name} must hold one JSON object of fields {', '.join(FIELDS)}", shown)
    return {k: v for k, v in values.items() if k in FIELDS}


def sidecar_paths(path: Path) -> tuple[Path, Path]:
    """Where a file's sidecar may lie: `law.md.meta.json` first, then `law.meta.json`."""
    return path.with_name(path.name + ".meta.json"), path.with_name(path.stem + ".meta.json")


def checked(values: dict, shown: str) -> dict:
    """Validated metadata: kind one of KINDS, in_force a bool, strings stripped."""
    values = {k: v for k, v in values.items() if v not in (None, "")}
    if "kind" in values and str(values["kind"]).lower() not in KINDS:
        raise InputError(f"kind {values['kind']!r} is not one of {', '.join(KINDS)}; fix its metadata", shown)
    if "in_force" in values:
        values["in_force"] = _boolean(values["in_force"], shown)
    return {k: v if k == "in_force" else str(v).strip() for k, v in values.items()}


def detect_kind(title: str, text: str) -> str:
    """case when the title names parties or a judgment, statute when it has two article headings."""
    from assistant.chunking import heading_units

    head = f"{title}\n{text[:300]}"
    if re.search(r"\b(?:v|vs|versus)\.?\s|判决|判決|판결", head):
        return "case"
    articles = sum(1 for unit in heading_units(text[:200000]) if unit.label)
    return "statute" if articles >= 2 else "other"


def _boolean(value, shown: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    raise InputError(f"in_force {value!r} must be true or false; fix its metadata", shown)
