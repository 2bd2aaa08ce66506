"""The passage index: FAISS vectors + SQLite passages/BM25 + manifest, versioned with atomic swaps.

Layout of an index folder:
    CURRENT                      name of the live version, replaced atomically
    .lock                        writer lock
    versions/<vNNNNNN>/          faiss.index, passages.sqlite, validity.json and graph.json (from ingest),
                                 manifest.json (written last, with the checksums of the others)
"""
from assistant.index.build import IndexReport, build_index, update_index
from assistant.index.store import Index, NoIndex, open_index, read_manifest

__all__ = ["Index", "IndexReport", "NoIndex", "build_index", "open_index", "read_manifest", "update_index"]
