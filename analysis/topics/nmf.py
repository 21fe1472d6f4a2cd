"""scikit-learn's NMF solver, bit for bit, with its two sparse products laid out for the cache.

Each coordinate-descent iteration multiplies the TF-IDF matrix X by the
topic-term weights (``X @ H.T``) and its transpose by the unit-topic weights
(``X.T @ W``). scikit-learn keeps X in CSR, so the first product gathers rows
of the large ``H.T`` in random order and the second scatters into the large
output: at 5,000 documents x 149,000 terms each takes about 55 ms. With X in
CSC the first scatters into the small output and the second (CSR of X.T)
gathers from the small W: 11 and 15 ms. Every output element still adds the
same terms in the same order (ascending term index, as X's indices are
sorted), so the weights, the iteration count and the error are identical
to scikit-learn's; ``tests/test_topics_nmf.py`` checks this.

The per-coordinate update is scikit-learn's own compiled
``_update_cdnmf_fast``. It is private: when a scikit-learn release moves it,
:data:`AVAILABLE` is False and :func:`analysis.topics.model.factorize` falls
back to ``sklearn.decomposition.NMF``, which gives the same results slower.
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state

try:
    from sklearn.decomposition._cdnmf_fast import _update_cdnmf_fast
except ImportError:  # a scikit-learn release that moved it: factorize uses sklearn's NMF
    _update_cdnmf_fast = None

#: Whether :class:`LayoutNMF` can run (scikit-learn's compiled update was found).
AVAILABLE = _update_cdnmf_fast is not None


def _checked(X):
    """`X` as scikit-learn's NMF takes it: sparse (CSR or CSC as given), float, non-negative."""
    if not (sp.issparse(X) and X.format in ("csr", "csc")):
        X = sp.csr_matrix(X)
    if X.dtype not in (np.float32, np.float64):
        X = X.astype(np.float64)
    if X.nnz and X.data.min() < 0:
        raise ValueError("Negative values in data passed to LayoutNMF")
    return X


def _coordinate_descent(Xc, W: np.ndarray, Ht: np.ndarray, tol: float, max_iter: int,
                        update_H: bool) -> int:
    """scikit-learn's ``_fit_coordinate_descent`` without penalties or shuffling; updates in place.

    `Xc` is X in CSC, so ``Xc @ Ht`` and ``Xc.T @ W`` (a CSR product) both
    run in the fast layout. Returns the number of iterations.
    """
    Xt = Xc.T
    order = np.arange(W.shape[1], dtype=np.intp)
    violation_init = 0.0
    for n_iter in range(1, max_iter + 1):
        violation = _update_cdnmf_fast(W, np.dot(Ht.T, Ht), Xc @ Ht, order)
        if update_H:
            violation += _update_cdnmf_fast(Ht, np.dot(W.T, W), Xt @ W, order)
        if n_iter == 1:
            violation_init = violation
        if violation_init == 0 or violation / violation_init <= tol:
            break
    return n_iter


class LayoutNMF(TransformerMixin, BaseEstimator):
    """NMF with scikit-learn's defaults (``solver="cd"``, Frobenius loss, no penalty), random init.

    Gives the same ``W``, ``components_``, ``n_iter_`` and
    ``reconstruction_err_`` as ``sklearn.decomposition.NMF(n_components,
    init="random", random_state, max_iter, tol)`` on sparse input, about
    twice as fast on a large corpus (see the module docstring).

    Parameters
    ----------
    n_components : int
    random_state : int, RandomState or None
    max_iter : int
    tol : float
        Stop once an iteration's projected-gradient violation is at most
        `tol` times the first iteration's.

    Attributes
    ----------
    components_ : ndarray of shape (n_components, n_features)
    n_components_ : int
    n_iter_ : int
    reconstruction_err_ : float
        Frobenius norm of ``X - W @ components_``.
    n_features_in_ : int
    """

    def __init__(self, n_components: int = 2, random_state=None, max_iter: int = 200,
                 tol: float = 1e-4):
        self.n_components = n_components
        self.random_state = random_state
        self.max_iter = max_iter
        self.tol = tol

    def fit(self, X, y=None):
        """Fit the factorisation to sparse non-negative `X`; returns self."""
        self.fit_transform(X)
        return self

    def fit_transform(self, X, y=None) -> np.ndarray:
        """Fit the factorisation and return the unit-topic weights W.

        Parameters
        ----------
        X : sparse matrix of shape (n_samples, n_features), non-negative

        Returns
        -------
        ndarray of shape (n_samples, n_components)
        """
        X = _checked(X)
        n, m = X.shape
        k = int(self.n_components)
        # sklearn's init="random": H first, then W, from one generator. Sums over X's
        # stored values (mean, norm) use X's own layout: their order of addition is sklearn's.
        avg = np.sqrt(X.mean() / k)
        rng = check_random_state(self.random_state)
        H = avg * rng.standard_normal(size=(k, m)).astype(X.dtype, copy=False)
        W = avg * rng.standard_normal(size=(n, k)).astype(X.dtype, copy=False)
        np.abs(H, out=H)
        np.abs(W, out=W)
        W, Ht = np.ascontiguousarray(W), np.ascontiguousarray(H.T)
        self.n_iter_ = _coordinate_descent(X.tocsc(), W, Ht, self.tol, self.max_iter, update_H=True)
        self._warn_if_stopped(self.n_iter_)
        H = Ht.T
        self.components_ = H
        self.n_components_ = k
        self.n_features_in_ = m
        # sklearn's _beta_divergence(X, W, H, "frobenius", square_root=True) for sparse X
        norm_x = np.dot(X.data, X.data)
        norm_wh = np.dot(np.linalg.multi_dot([W.T, W, H]).ravel(), H.ravel())
        cross = np.dot((X @ H.T).ravel(), W.ravel())
        self.reconstruction_err_ = float(np.sqrt((norm_x + norm_wh - 2.0 * cross) / 2.0 * 2))
        return W

    def transform(self, X) -> np.ndarray:
        """The unit-topic weights of `X` with the fitted topics held fixed.

        Parameters
        ----------
        X : sparse matrix of shape (n_samples, n_features), non-negative

        Returns
        -------
        ndarray of shape (n_samples, n_components)
        """
        Xc = _checked(X).tocsc()
        if Xc.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {Xc.shape[1]} features, but LayoutNMF is expecting "
                             f"{self.n_features_in_} features as input.")
        W = np.zeros((Xc.shape[0], self.n_components_), dtype=Xc.dtype)
        Ht = np.ascontiguousarray(self.components_.T)
        n_iter = _coordinate_descent(Xc, W, Ht, self.tol, self.max_iter, update_H=False)
        self._warn_if_stopped(n_iter)
        return W

    def _warn_if_stopped(self, n_iter: int) -> None:
        if n_iter == self.max_iter and self.tol > 0:
            warnings.warn(f"Maximum number of iterations {self.max_iter} reached. Increase it "
                          "to improve convergence.", ConvergenceWarning)
