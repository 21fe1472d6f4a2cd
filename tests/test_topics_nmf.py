"""LayoutNMF gives scikit-learn's NMF results bit for bit, in both of its products' layouts."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfTransformer

from analysis.topics import nmf as N
from analysis.topics.model import factorize

pytestmark = pytest.mark.skipif(not N.AVAILABLE, reason="scikit-learn moved _update_cdnmf_fast")


def _tfidf(n_rows: int, n_terms: int, density: float, seed: int) -> sp.csr_matrix:
    rng = np.random.default_rng(seed)
    counts = sp.random(n_rows, n_terms, density=density, random_state=rng, format="csr",
                       data_rvs=lambda size: rng.integers(1, 6, size)).astype(float)
    keep = np.ones(n_rows)
    keep[3] = 0                          # an empty unit, as a document with no kept word
    counts = (sp.diags(keep) @ counts).tocsr()
    counts.eliminate_zeros()
    return TfidfTransformer(sublinear_tf=True).fit_transform(counts).tocsr()


def _sklearn(X, k, seed, max_iter):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = NMF(n_components=k, init="random", random_state=seed, max_iter=max_iter, tol=1e-4)
        return est, est.fit_transform(X)


@pytest.mark.parametrize("shape,k,seed,max_iter", [
    ((60, 400, 0.05), 4, 0, 400),        # converges before max_iter
    ((200, 3000, 0.01), 7, 42, 25),      # stopped by max_iter
    ((30, 50, 0.3), 1, 3, 100),          # a single topic
])
def test_fit_and_transform_equal_sklearn_bit_for_bit(shape, k, seed, max_iter):
    X = _tfidf(*shape, seed=seed)
    ref, W_ref = _sklearn(X, k, seed, max_iter)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = N.LayoutNMF(n_components=k, random_state=seed, max_iter=max_iter, tol=1e-4)
        W = est.fit_transform(X)
        new = _tfidf(40, shape[1], shape[2], seed=seed + 1)
        placed, placed_ref = est.transform(new), ref.transform(new)
    assert est.n_iter_ == ref.n_iter_
    assert np.array_equal(W, W_ref)
    assert np.array_equal(est.components_, ref.components_)
    assert est.reconstruction_err_ == ref.reconstruction_err_
    assert np.array_equal(placed, placed_ref)
    assert W.min() >= 0 and np.abs(W).sum() > 0


def test_first_case_converges_and_second_hits_the_limit():
    # the parametrised cases above cover both ways the loop ends
    est = N.LayoutNMF(4, random_state=0, max_iter=400).fit(_tfidf(60, 400, 0.05, seed=0))
    assert est.n_iter_ < 400
    with pytest.warns(ConvergenceWarning):
        N.LayoutNMF(7, random_state=42, max_iter=25).fit(_tfidf(200, 3000, 0.01, seed=42))


def test_factorize_uses_it_and_rejects_bad_input():
    X = _tfidf(50, 300, 0.05, seed=1)
    est, W, H, _ = factorize(sp.csr_matrix((X > 0).astype(float)), 3, "nmf", 5, 50)
    assert isinstance(est, N.LayoutNMF) and W.shape == (50, 3) and H.shape == (3, 300)
    with pytest.raises(ValueError, match="Negative"):
        N.LayoutNMF(2).fit(-X)
    with pytest.raises(ValueError, match="features"):
        est.transform(X[:, :10])
