"""The build ratio compares build_index with a raw encode of the very strings the index embeds."""
from bench import Context, speed


class Recording:
    """Stands in for a model or embedder and keeps every list of texts it was asked to encode."""

    def __init__(self, inner=None):
        self.inner, self.seen = inner, []

    def encode(self, texts, **_):
        self.seen.append(list(texts))

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def embed_passages(self, texts):
        self.seen.append(list(texts))
        return self.inner.embed_passages(texts)


def test_raw_encode_gets_the_same_texts_as_build_index(tmp_path, monkeypatch, tiny_passages, hashing_embedder):
    raw, embedder = Recording(), Recording(hashing_embedder)
    monkeypatch.setattr(speed, "raw_encoder", lambda: raw)
    ctx = Context(quick=True, scratch=tmp_path, log=lambda _: None)
    rows, _ = speed.build_ratio(ctx, [], tiny_passages, embedder, runs=1, subset="tiny")
    built = sorted(text for batch in embedder.seen[1:] for text in batch)  # [0] is the warm-up
    assert sorted(raw.seen[-1]) == built
    assert any(text not in {p.text for p in tiny_passages} for text in built)  # headers are embedded too
    assert rows[2]["measure"] == "build_index / raw encode throughput"
