"""manifest.json: what a version was built with, and sha256 checksums of its other files.

It is written last, so a version folder with a valid manifest is complete. `read` gives a `Manifest`.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import IndexError_

NAME = "manifest.json"
FORMAT_VERSION = 2  # 2: validity.json and graph.json live in the version folder (1 kept them beside it)
REBUILD = "rebuild it with `legal-assistant index build`"


@dataclass(frozen=True)
class Manifest:
    """A version's manifest.json as read: the fields the code uses, and the whole JSON object as `raw`."""

    version: str  # the version folder's name: v000001, v000002, ...
    embedder: str
    dim: int
    files: dict[str, dict]  # file name -> {"sha256", "bytes"}: every file of the version but the manifest
    text_format: str | None
    chunker_version: str | None
    index_type: str  # flat, ivf, ivfpq or hnsw, as asked for
    faiss_type: str  # as built (a small corpus falls back to flat)
    count: int  # passages
    documents: int
    built_at: str | None  # ISO time the version was written (build or update)
    notes: tuple[str, ...]
    extra: dict  # the caller's fields (ingest: sources, language), also copied to the top level
    sources: tuple[str, ...]  # packs and folders ingest built the index from
    language: str | None  # the corpus's main language, recorded by ingest
    raw: dict

    @classmethod
    def from_dict(cls, data: dict) -> Manifest:
        """The typed view of a manifest's JSON. KeyError when a field every version has is missing; the
        others (absent from a hand-made manifest, or an index built without ingest's extras) get defaults."""
        return cls(
            version=data["version"], embedder=data["embedder"], dim=data["dim"], files=data["files"],
            text_format=data.get("text_format"), chunker_version=data.get("chunker_version"),
            index_type=data.get("index_type", "flat"),
            faiss_type=data.get("faiss_type", "flat"), count=data.get("count", 0),
            documents=data.get("documents", 0), built_at=data.get("built_at"), notes=tuple(data.get("notes", ())),
            extra=data.get("extra", {}), sources=tuple(data.get("sources") or ()), language=data.get("language"),
            raw=data,
        )


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


SELF = "manifest_sha256"


def own_checksum(manifest: dict) -> str:
    """sha256 of the manifest's canonical JSON without this field: any edit to the file shows."""
    body = {k: v for k, v in manifest.items() if k != SELF}
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def write(folder: Path, data: dict, files: list[str]) -> Manifest:
    """Add checksums of `files` and the format version, write manifest.json durably, return it."""
    manifest = {"format_version": FORMAT_VERSION, **data}
    manifest["files"] = {n: {"sha256": sha256(folder / n), "bytes": (folder / n).stat().st_size} for n in files}
    manifest[SELF] = own_checksum(manifest)
    path = folder / NAME
    with open(path, "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=2, sort_keys=True)
        f.flush()
        os.fsync(f.fileno())
    return Manifest.from_dict(manifest)


def read(folder: Path) -> Manifest:
    """The manifest of a version folder, or IndexError_ if it is missing, unreadable or too new/old."""
    try:
        manifest = json.loads((folder / NAME).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise IndexError_(f"index version {folder} has no {NAME} (incomplete or damaged): {REBUILD}") from exc
    except (OSError, ValueError) as exc:
        raise IndexError_(f"cannot read {folder / NAME} ({exc}): {REBUILD}") from exc
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexError_(
            f"index at {folder} has format {manifest.get('format_version')!r}, this version reads "
            f"{FORMAT_VERSION}: {REBUILD}"
        )
    if manifest.get(SELF) != own_checksum(manifest):
        raise IndexError_(f"{folder / NAME} was edited or damaged (its own checksum does not match): {REBUILD}")
    try:
        return Manifest.from_dict(manifest)
    except KeyError as exc:
        raise IndexError_(f"{folder / NAME} has no {exc} field: {REBUILD}") from exc


def verify(folder: Path, manifest: Manifest) -> None:
    """IndexError_ unless every file listed in the manifest exists with its recorded checksum."""
    for name, expected in manifest.files.items():
        path = folder / name
        if not path.exists():
            raise IndexError_(f"index file {path} is missing: {REBUILD}")
        if sha256(path) != expected["sha256"]:
            raise IndexError_(f"index file {path} is damaged (checksum mismatch): {REBUILD}")


def check_text_format(manifest: Manifest) -> None:
    """IndexError_ unless the index embedded and tokenised passages as `index_text` does now."""
    from assistant.index.text import TEXT_FORMAT

    built = manifest.text_format
    if built != TEXT_FORMAT:
        raise IndexError_(
            f"this index was built with passage text format {built!r}, the code now indexes {TEXT_FORMAT!r} "
            f"(law title and chapter headers): {REBUILD}"
        )


def check_compatible(manifest: Manifest, embedder_name: str | None, chunker_version: str | None = None,
                     dim: int | None = None) -> None:
    """IndexError_ if the index was built with another embedder, dimension or chunker than asked for."""
    check_text_format(manifest)
    built_with = manifest.embedder
    if (embedder_name is not None and embedder_name != built_with) or (dim is not None and dim != manifest.dim):
        wanted = f"'{embedder_name or built_with}'" + (f" ({dim}-d)" if dim else "")
        raise IndexError_(
            f"this index was built with the '{built_with}' embedder ({manifest.dim}-d) but {wanted} was asked "
            f"for: search with --embedder {built_with}, or rebuild with `legal-assistant index build --embedder "
            f"{embedder_name or built_with}`"
        )
    built_chunker = manifest.chunker_version
    if chunker_version is not None and built_chunker is not None and chunker_version != built_chunker:
        raise IndexError_(
            f"this index was chunked with chunker version {built_chunker}, the code now chunks with "
            f"{chunker_version}: {REBUILD}"
        )
