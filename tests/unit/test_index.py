"""Index build, versions, incremental update, integrity checks, locking and approximate search."""
from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.embed.hashing import HashingEmbedder
from assistant.errors import IndexError_, IndexLocked
from assistant.index import NoIndex, build_index, dense, manifest, open_index, read_manifest, update_index
from assistant.index.lock import writer_lock
from assistant.index.manifest import Manifest
from assistant.index.text import index_text
from assistant.types import Filters
from tests.conftest import make_passage


class CountingEmbedder(HashingEmbedder):
    """The hashing embedder, remembering every passage text it embedded."""

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []

    def embed_passages(self, texts):
        self.texts.extend(texts)
        return super().embed_passages(texts)


class FailingEmbedder(HashingEmbedder):
    def embed_passages(self, texts):
        raise RuntimeError("embedding backend crashed")


class VectorEmbedder:
    """Serves fixed vectors: the passage text "v<i>" embeds to row i of the table (after its header line)."""

    name, max_tokens = "vectors", 16

    def __init__(self, table: np.ndarray):
        self.table, self.dim = table, table.shape[1]

    def embed_passages(self, texts):
        return self.table[[int(t.rsplit("\n", 1)[-1][1:]) for t in texts]]


def clustered(n: int, dim: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(40, dim))
    x = centres[rng.integers(0, 40, n)] + 0.6 * rng.normal(size=(n, dim))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def extra(text: str, ordinal: int = 9):
    return make_passage("in/extra", ordinal, f"s. {ordinal}", text)


# ---- build and read -----------------------------------------------------------------------------


def test_layout_and_manifest(tmp_index, tiny_passages):
    version = (tmp_index / "CURRENT").read_text().strip()
    folder = tmp_index / "versions" / version
    assert sorted(p.name for p in folder.iterdir()) == ["faiss.index", "manifest.json", "passages.sqlite"]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["embedder"] == "hashing" and manifest["dim"] == 384
    assert manifest["count"] == len(tiny_passages) and manifest["documents"] == 4
    assert manifest["chunker_version"] == "test" and manifest["faiss_type"] == "flat"
    assert set(manifest["files"]) == {"faiss.index", "passages.sqlite"}
    typed = read_manifest(tmp_index)
    assert isinstance(typed, Manifest) and typed.raw == manifest and typed == Manifest.from_dict(manifest)
    assert (typed.version, typed.embedder, typed.dim, typed.count, typed.documents) == (version, "hashing", 384, 10, 4)
    assert (typed.chunker_version, typed.faiss_type, typed.built_at) == ("test", "flat", manifest["built_at"])
    assert typed.raw["faiss_type"] == "flat"
    assert not list(tmp_index.rglob("*.pkl")) and not list(tmp_index.rglob("*.pickle"))


def test_get_returns_passages_in_asked_order(tmp_index, tiny_passages):
    index = open_index(tmp_index, "hashing")
    wanted = [tiny_passages[3].id, "unknown", tiny_passages[0].id]
    assert index.get(wanted) == [tiny_passages[3], tiny_passages[0]]
    assert index.count == len(tiny_passages)
    assert set(index.all_ids()) == {p.id for p in tiny_passages}


def test_dense_search_finds_a_passage_from_its_own_text(tmp_index, tiny_passages, hashing_embedder):
    index = open_index(tmp_index)
    queries = hashing_embedder.embed_queries([index_text(tiny_passages[2]), index_text(tiny_passages[7])])
    found = index.dense_search(queries, k=3)
    assert [hits[0][0] for hits in found] == [tiny_passages[2].id, tiny_passages[7].id]
    assert found[0][0][1] == pytest.approx(1.0, abs=1e-5)


def test_dense_search_respects_allowed(tmp_index, tiny_passages, hashing_embedder):
    index = open_index(tmp_index)
    allowed = {tiny_passages[0].id, tiny_passages[6].id}
    found = index.dense_search(hashing_embedder.embed_queries([tiny_passages[2].text]), k=5, allowed=allowed)
    assert {pid for pid, _ in found[0]} == allowed
    assert index.dense_search(hashing_embedder.embed_queries(["x"]), k=5, allowed=set()) == [[]]


def test_lexical_search_english_and_chinese(tmp_index, tiny_passages):
    index = open_index(tmp_index)
    assert index.lexical_search("personal liberty", k=5)[0][0] in {tiny_passages[2].id, tiny_passages[5].id}
    assert index.lexical_search("试用期多长", k=3)[0][0] == tiny_passages[7].id
    only = index.lexical_search("liberty", k=5, allowed={tiny_passages[5].id, tiny_passages[0].id})
    assert [pid for pid, _ in only] == [tiny_passages[5].id]
    # "personal" meets Art. 14's "person" by their stem
    assert tiny_passages[0].id in {pid for pid, _ in index.lexical_search("personal", k=10)}


def test_neighbours_are_adjacent_passages_of_the_same_document(tmp_index, tiny_passages):
    index = open_index(tmp_index)
    assert index.neighbours(tiny_passages[2].id) == [tiny_passages[1], tiny_passages[3]]
    assert index.neighbours(tiny_passages[0].id, n=2) == [tiny_passages[1], tiny_passages[2]]
    assert index.neighbours(tiny_passages[9].id) == []


def test_filter_ids(tmp_index, tiny_passages):
    index = open_index(tmp_index)
    ids = lambda *numbers: {tiny_passages[i].id for i in numbers}  # noqa: E731
    assert index.filter_ids(None) is None and index.filter_ids(Filters()) is None
    assert index.filter_ids(Filters(jurisdiction=("CN",))) == ids(6, 7, 8, 9)
    assert index.filter_ids(Filters(kind=("case",))) == ids(5)
    assert index.filter_ids(Filters(date_from="2000")) == ids(3, 6, 7, 8)  # the undated one is excluded
    assert index.filter_ids(Filters(date_to="1950-01-26")) == ids(0, 1, 2, 4)
    assert index.filter_ids(Filters(date_from="1978-01", date_to="1978")) == ids(5)
    assert index.filter_ids(Filters(in_force=False)) == ids(9)
    assert index.filter_ids(Filters(title="maneka GANDHI")) == ids(5)
    assert index.filter_ids(Filters(jurisdiction=("IN",), in_force=True, title="constitution")) == ids(0, 1, 2, 3, 4)


def test_duplicate_ids_are_indexed_once(tmp_path, tiny_passages, hashing_embedder):
    report = build_index(tmp_path / "ix", tiny_passages + tiny_passages[:2], hashing_embedder)
    assert report.added == len(tiny_passages) and open_index(tmp_path / "ix").count == len(tiny_passages)


def test_progress_is_reported(tmp_path, tiny_passages, hashing_embedder):
    calls = []
    build_index(tmp_path / "ix", tiny_passages, hashing_embedder, progress=lambda *args: calls.append(args))
    assert calls[-1] == (len(tiny_passages), len(tiny_passages))


def test_extra_fields_are_kept_in_the_manifest(tmp_path, tiny_passages, hashing_embedder):
    build_index(tmp_path / "ix", tiny_passages, hashing_embedder, extra={"sources": ["india"]})
    update_index(tmp_path / "ix", tiny_passages[:3], hashing_embedder)
    assert read_manifest(tmp_path / "ix").sources == ("india",)


def test_files_are_written_inside_their_version_and_checksummed(tmp_path, tiny_passages, hashing_embedder):
    folder = tmp_path / "ix"
    build_index(folder, tiny_passages, hashing_embedder, files={"validity.json": '{"v": 1}', "graph.json": "{}"})
    first = live(folder)
    assert set(read_manifest(folder).files) == {"faiss.index", "passages.sqlite", "validity.json", "graph.json"}
    assert (first / "validity.json").read_text() == '{"v": 1}' and not (folder / "validity.json").exists()
    update_index(folder, tiny_passages, hashing_embedder, files={"validity.json": '{"v": 2}'})
    second = live(folder)  # holds only the files it was given; the first version keeps its own
    assert set(read_manifest(folder).files) == {"faiss.index", "passages.sqlite", "validity.json"}
    assert (second / "validity.json").read_text() == '{"v": 2}' and not (second / "graph.json").exists()
    assert (first / "validity.json").read_text() == '{"v": 1}'
    (second / "validity.json").write_text('{"v": 3}')
    with pytest.raises(IndexError_, match="validity.json is damaged.*rebuild"):
        open_index(folder)


# ---- incremental update ------------------------------------------------------------------------


def test_update_embeds_only_new_passages(tmp_path, tiny_passages):
    embedder = CountingEmbedder()
    build_index(tmp_path / "ix", tiny_passages, embedder, corpus_hashes={"a": "1"})
    embedder.texts.clear()
    new = [extra("Every person arrested shall be produced before the nearest magistrate.")]
    report = update_index(tmp_path / "ix", tiny_passages[2:] + new, embedder, corpus_hashes={"a": "2"})
    assert (report.added, report.removed, report.kept, report.embedded) == (1, 2, 8, 1)
    assert embedder.texts == [index_text(new[0])]
    index = open_index(tmp_path / "ix")
    assert set(index.all_ids()) == {p.id for p in tiny_passages[2:] + new}
    assert index.manifest.raw["corpus_hashes"] == {"a": "2"} and index.manifest.version == report.version
    assert index.lexical_search("magistrate", k=3)[0][0] == new[0].id
    assert index.lexical_search("equality", k=3) == []
    query = embedder.embed_queries([new[0].text])
    assert index.dense_search(query, k=1)[0][0][0] == new[0].id


def test_update_refreshes_metadata_of_kept_passages(tmp_index, tiny_passages, hashing_embedder):
    from dataclasses import replace

    repealed = replace(tiny_passages[8], in_force=False)
    update_index(tmp_index, tiny_passages[:8] + [repealed, tiny_passages[9]], hashing_embedder)
    index = open_index(tmp_index)
    assert index.get([repealed.id]) == [repealed]
    assert repealed.id in index.filter_ids(Filters(in_force=False))


def test_update_of_a_missing_index_builds_it(tmp_path, tiny_passages, hashing_embedder):
    report = update_index(tmp_path / "new", tiny_passages, hashing_embedder)
    assert report.added == len(tiny_passages) and open_index(tmp_path / "new").count == len(tiny_passages)


def test_old_readers_keep_working_and_two_versions_are_kept(tmp_index, tiny_passages, hashing_embedder):
    old = open_index(tmp_index)
    for i in range(3):
        update_index(tmp_index, tiny_passages[i + 1 :], hashing_embedder)
    assert sorted(p.name for p in (tmp_index / "versions").iterdir()) == ["v000003", "v000004"]
    assert old.get([tiny_passages[0].id]) == [tiny_passages[0]]
    assert old.lexical_search("equality", k=1)[0][0] == tiny_passages[0].id
    assert open_index(tmp_index).count == len(tiny_passages) - 3


# ---- failures leave the live version alone -----------------------------------------------------


def test_failing_update_leaves_current_untouched(tmp_index, tiny_passages):
    before = (tmp_index / "CURRENT").read_text()
    with pytest.raises(RuntimeError, match="crashed"):
        update_index(tmp_index, tiny_passages + [extra("new text")], FailingEmbedder())
    assert (tmp_index / "CURRENT").read_text() == before
    assert open_index(tmp_index).count == len(tiny_passages)


def test_crash_while_writing_a_version_leaves_current_untouched(tmp_index, tiny_passages, hashing_embedder,
                                                                monkeypatch):
    before = (tmp_index / "CURRENT").read_text()

    def broken(*args):
        raise OSError("disk full")

    monkeypatch.setattr(dense, "save", broken)
    with pytest.raises(OSError, match="disk full"):
        update_index(tmp_index, tiny_passages + [extra("new text")], hashing_embedder)
    assert (tmp_index / "CURRENT").read_text() == before
    assert [p.name for p in (tmp_index / "versions").iterdir()] == ["v000001"]


def test_second_writer_is_refused(tmp_index, tiny_passages, hashing_embedder):
    with writer_lock(tmp_index):
        with pytest.raises(IndexLocked, match="another process"):
            update_index(tmp_index, tiny_passages, hashing_embedder)
    update_index(tmp_index, tiny_passages, hashing_embedder)  # released afterwards


# ---- refusing incompatible or damaged indexes --------------------------------------------------


def test_embedder_mismatch_is_refused(tmp_index, tiny_passages):
    with pytest.raises(IndexError_, match="built with the 'hashing' embedder.*rebuild"):
        open_index(tmp_index, "minilm")
    other = HashingEmbedder(dim=128)
    with pytest.raises(IndexError_, match="rebuild"):
        update_index(tmp_index, tiny_passages, other)


def test_chunker_mismatch_is_refused(tmp_index):
    with pytest.raises(IndexError_, match="chunker version test"):
        open_index(tmp_index, chunker_version="2")
    assert open_index(tmp_index, chunker_version="test").count == 10


def live(folder):
    return folder / "versions" / (folder / "CURRENT").read_text().strip()


def test_damaged_file_is_refused(tmp_index):
    path = live(tmp_index) / "passages.sqlite"
    data = bytearray(path.read_bytes())
    data[-100] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(IndexError_, match="passages.sqlite is damaged.*rebuild"):
        open_index(tmp_index)


def test_missing_file_is_refused(tmp_index):
    (live(tmp_index) / "faiss.index").unlink()
    with pytest.raises(IndexError_, match="faiss.index is missing"):
        open_index(tmp_index)


def test_missing_or_unreadable_manifest_is_refused(tmp_index):
    (live(tmp_index) / "manifest.json").write_text("{not json")
    with pytest.raises(IndexError_, match="cannot read"):
        open_index(tmp_index)
    (live(tmp_index) / "manifest.json").unlink()
    with pytest.raises(IndexError_, match="no manifest.json"):
        open_index(tmp_index)


def test_an_index_of_the_previous_format_asks_for_a_rebuild(tmp_index, tiny_passages, hashing_embedder):
    """Format 1 kept validity.json and graph.json beside the versions, where they could describe another one."""
    path = live(tmp_index) / manifest.NAME
    data = json.loads(path.read_text())
    data["format_version"] = 1
    data[manifest.SELF] = manifest.own_checksum(data)
    path.write_text(json.dumps(data))
    for attempt in (lambda: open_index(tmp_index), lambda: update_index(tmp_index, tiny_passages, hashing_embedder)):
        with pytest.raises(IndexError_) as caught:
            attempt()
        assert str(live(tmp_index)) in str(caught.value) and "format 1" in str(caught.value)
        assert "rebuild it with `legal-assistant index build`" in str(caught.value)


def test_current_naming_a_missing_version_is_refused(tmp_index):
    (tmp_index / "CURRENT").write_text("v000042\n")
    with pytest.raises(IndexError_, match="v000042"):
        open_index(tmp_index)


def test_no_index_is_a_clear_error(tmp_path):
    with pytest.raises(NoIndex, match="no index at"):
        open_index(tmp_path / "nothing")
    with pytest.raises(FileNotFoundError):
        read_manifest(tmp_path / "nothing")


# ---- index types -------------------------------------------------------------------------------


def recall(found: np.ndarray, truth: np.ndarray, k: int) -> float:
    return float(np.mean([len(set(f[:k]) & set(t[:k])) / k for f, t in zip(found, truth)]))


@pytest.mark.parametrize("index_type", ["ivf", "hnsw"])
def test_approximate_indexes_recall_flat_results(index_type):
    vectors, rows = clustered(3000, 32), np.arange(1, 3001, dtype=np.int64)
    queries = clustered(50, 32, seed=1)
    _, truth = dense.search(dense.build(vectors, rows, "flat")[0], queries, 10, None)
    index, info = dense.build(vectors, rows, index_type)
    assert info["faiss_type"] == index_type
    _, found = dense.search(index, queries, 10, None)
    assert recall(found, truth, 10) >= 0.9
    allowed = rows[::3]
    _, filtered = dense.search(index, queries, 10, allowed)
    assert set(filtered.ravel()) - {-1} <= set(allowed.tolist())


def test_small_corpora_fall_back_to_flat_with_a_note(tmp_path, tiny_passages, hashing_embedder):
    report = build_index(tmp_path / "ix", tiny_passages, hashing_embedder, index_type="ivf")
    manifest = read_manifest(tmp_path / "ix")
    assert manifest.index_type == "ivf" and manifest.faiss_type == "flat"
    assert "ivf needs at least" in manifest.notes[0] and report.notes == manifest.notes


def test_ivfpq_index_reranks_with_exact_scores(tmp_path):
    vectors = clustered(dense.PQ_MIN, 32)
    embedder = VectorEmbedder(vectors)
    passages = [make_passage("doc", i, str(i), f"v{i}") for i in range(len(vectors))]
    build_index(tmp_path / "pq", passages, embedder, index_type="ivfpq")
    index = open_index(tmp_path / "pq")
    assert index.manifest.faiss_type == "ivfpq"
    queries = clustered(30, 32, seed=2)
    exact = queries @ vectors.T
    position = {p.id: i for i, p in enumerate(passages)}
    found = index.dense_search(queries, k=10)
    truth = np.argsort(-exact, axis=1)[:, :10]
    got = np.array([[position[pid] for pid, _ in hits] for hits in found])
    assert recall(got, truth, 10) >= 0.6
    for q, hits in enumerate(found):
        assert [s for _, s in hits] == pytest.approx([exact[q, position[pid]] for pid, _ in hits], abs=1e-5)
    allowed = {p.id for p in passages[:50]}
    small = index.dense_search(queries[:1], k=5, allowed=allowed)[0]
    assert [pid for pid, _ in small] == [passages[i].id for i in np.argsort(-exact[0, :50])[:5]]


def test_one_question_is_searched_on_one_thread_and_a_batch_on_all(tmp_index, hashing_embedder):
    import faiss

    index = open_index(tmp_index)
    one = index.dense_search(hashing_embedder.embed_queries(["personal liberty"]), k=3)
    assert faiss.omp_get_max_threads() == 1
    batch = index.dense_search(hashing_embedder.embed_queries(["personal liberty"] * dense.SERIAL_BELOW), k=3)
    assert faiss.omp_get_max_threads() == dense.THREADS
    assert batch[0] == one[0]
