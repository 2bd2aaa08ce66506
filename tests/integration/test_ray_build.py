"""`build_with_ray` gives the same index as the single-process `ingest` on the same input.

Same passage ids in the same order, same passages, allclose vectors and the same top-k for a few
queries; the hashing embedder on the `india` pack, plus one MiniLM check on the fixture folder.
One local Ray session (2 CPUs) is shared by the module. Run:
    .venv/bin/python -m pytest -q tests/integration/test_ray_build.py
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("ray", reason="optional extra 'scale' not installed: pip install 'ray[data]==2.60.0'")

from assistant.asof import FILE as VALIDITY  # noqa: E402
from assistant.graph import FILE as GRAPH  # noqa: E402
from assistant.index import db, open_index  # noqa: E402
from assistant.ingest import ingest  # noqa: E402
from assistant.scale import ray_build  # noqa: E402
from assistant.settings import Settings  # noqa: E402

FOLDER = Path(__file__).resolve().parents[1] / "fixtures" / "corpus" / "folder"
QUERIES = ["What does Article 21 protect?", "freedom of speech and expression",
           "abolition of untouchability", "processing of personal data"]


@pytest.fixture(scope="module")
def ray_session():
    import ray

    started = ray_build.connect(None, num_cpus=2)
    yield
    if started:
        ray.shutdown()


def vectors_by_id(index) -> dict[str, np.ndarray]:
    conn = db.open_read(index.folder / db.NAME)
    try:
        ids = dict(db.row_ids(conn))
        rows, vectors = db.load_vectors(conn, index.dim)
    finally:
        conn.close()
    return {ids[int(r)]: v for r, v in zip(rows, vectors)}


def assert_same_index(settings: Settings, single: str, ray: str, atol: float) -> None:
    a, b = open_index(settings.index_dir(single)), open_index(settings.index_dir(ray))
    try:
        assert a.count == b.count > 0
        assert a.all_ids() == b.all_ids()
        assert a.get(a.all_ids()) == b.get(b.all_ids())
        va, vb = vectors_by_id(a), vectors_by_id(b)
        for pid in va:
            np.testing.assert_allclose(va[pid], vb[pid], atol=atol)
        from assistant.embed import get_embedder

        q = get_embedder(a.manifest.embedder).embed_queries(QUERIES)
        for hits_a, hits_b in zip(a.dense_search(q, 5), b.dense_search(q, 5)):
            assert [i for i, _ in hits_a] == [i for i, _ in hits_b]
            np.testing.assert_allclose([s for _, s in hits_a], [s for _, s in hits_b], atol=atol)
        assert b.manifest.embedder == a.manifest.embedder
        for name in (VALIDITY, GRAPH):  # written into the Ray-built version too, the same as single-process
            assert name in b.manifest.files and (b.folder / name).read_text() == (a.folder / name).read_text()
    finally:
        a.close()
        b.close()


def test_ray_build_matches_single_process_hashing(tmp_path, ray_session):
    settings = Settings(home=tmp_path, embedder="hashing", audit_log=False)
    single = ingest(["india"], settings, name="single")
    result = ray_build.build_with_ray(["india"], settings, "ray", num_workers=2)
    assert (result.documents, result.passages) == (single.documents, single.passages)
    assert result.report.added == single.report.added
    assert set(result.timings) >= {"ray_s", "index_s", "total_s"}
    assert_same_index(settings, "single", "ray", atol=1e-6)
    assert not list(tmp_path.glob(".ray-shards-*")), "shard folder left behind"


def test_ray_build_matches_single_process_minilm(tmp_path, ray_session):
    pytest.importorskip("sentence_transformers")
    settings = Settings(home=tmp_path, embedder="minilm", audit_log=False)
    ingest([str(FOLDER)], settings, name="single")
    result = ray_build.build_with_ray([str(FOLDER)], settings, "ray", num_workers=2, docs_per_batch=2,
                                      keep_shards=True, shard_dir=tmp_path / "shards")
    assert sorted(p.name for p in (tmp_path / "shards").iterdir())[:2] == ["shard-00000.jsonl", "shard-00000.npy"]
    assert result.passages > 0
    assert_same_index(settings, "single", "ray", atol=1e-5)


def test_precomputed_embedder_refuses_unknown_text():
    from assistant.embed import get_embedder

    base = get_embedder("hashing")
    pre = ray_build.PrecomputedEmbedder(base, ["a b c", "d e f"], base.embed_passages(["a b c", "d e f"]))
    np.testing.assert_array_equal(pre.embed_passages(["d e f"]), base.embed_passages(["d e f"]))
    with pytest.raises(KeyError):
        pre.embed_passages(["never embedded"])
