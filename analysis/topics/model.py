"""The topic model: NMF on TF-IDF or LDA on counts, behind one estimator-style class.

Five essays are too few to model directly, so the model is fitted on
smaller units (paragraphs, or sections) and the unit-level topic shares are
aggregated, weighted by length, into document shares (see
:mod:`analysis.topics.frames`).
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import NMF, LatentDirichletAllocation
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfTransformer

from ..errors import InputError
from .nmf import AVAILABLE as _LAYOUT_NMF, LayoutNMF
from .vocab import Vocabulary


def factorize(counts: sp.csr_matrix, n_topics: int, method: str = "nmf", random_state: int = 0,
              max_iter: int = 400, tfidf: TfidfTransformer | None = None):
    """Fit one NMF or LDA model on a count matrix.

    Parameters
    ----------
    counts : scipy.sparse matrix
        Units x terms counts.
    n_topics : int
    method : {"nmf", "lda"}
    random_state : int
    max_iter : int
    tfidf : TfidfTransformer, optional
        A fitted transformer (NMF only); fitted here when omitted.

    Returns
    -------
    (estimator, ndarray, ndarray, TfidfTransformer or None)
        The fitted scikit-learn estimator, the unit x topic weights and the
        topic x term weights.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if method == "nmf":
            if tfidf is None:
                tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)
            X = tfidf.transform(counts)
            # LayoutNMF is sklearn's NMF with the same results, twice as fast at scale
            est = (LayoutNMF(n_components=n_topics, random_state=random_state, max_iter=max_iter,
                             tol=1e-4) if _LAYOUT_NMF else
                   NMF(n_components=n_topics, init="random", random_state=random_state,
                       max_iter=max_iter, tol=1e-4))
            W = est.fit_transform(X)
        elif method == "lda":
            est = LatentDirichletAllocation(n_components=n_topics, learning_method="batch",
                                            max_iter=max_iter, random_state=random_state)
            W = est.fit_transform(counts)
        else:
            raise InputError(f"method '{method}' is unknown: use nmf or lda")
    return est, W, est.components_, tfidf


def iterations(settings: dict, method: str | None = None) -> int:
    """The iteration limit the settings give `method` (``max_iter`` or ``lda_max_iter``)."""
    method = method or settings["method"]
    return int(settings["lda_max_iter"] if method == "lda" else settings["max_iter"])


def normalize_rows(m: np.ndarray) -> np.ndarray:
    """Rows scaled to sum to 1; all-zero rows become NaN."""
    m = np.asarray(m, dtype=float)
    s = m.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = m / s
    out[(s == 0).ravel()] = np.nan
    return out


class TopicModel:
    """NMF-on-TF-IDF or LDA-on-counts topic model with explicit vocabulary rules.

    Parameters
    ----------
    n_topics : int
    method : {"nmf", "lda"}
    min_df, max_df, ngram_max, fold_plurals, stop_words
        Vocabulary rules, see :class:`Vocabulary`.
    max_iter : int
    random_state : int

    Attributes
    ----------
    vocabulary_ : Vocabulary
    terms_ : ndarray of str
    components_ : ndarray, shape (n_topics, n_terms)
        Topic-term weights; topics are ordered by prevalence (topic 0 first).
    unit_topics_ : ndarray, shape (n_units, n_topics)
        Topic shares of each training unit; rows sum to 1 (NaN for a unit
        with no kept term).
    prevalence_ : ndarray, shape (n_topics,)
        Length-weighted mean share of each topic over the units; sums to 1.
    unit_lengths_ : ndarray, shape (n_units,)
        The weights: kept single-word tokens per unit.
    fit_seconds_ : float
    n_topics_ : int
        The number of topics actually fitted (`n_topics` clipped to what
        the data can support).
    """

    def __init__(self, n_topics: int = 5, method: str = "nmf", min_df: int = 2,
                 max_df: float = 0.4, ngram_max: int = 2, fold_plurals: bool = True,
                 stop_words=(), max_iter: int = 400, random_state: int = 0):
        self.n_topics = n_topics
        self.method = method
        self.min_df = min_df
        self.max_df = max_df
        self.ngram_max = ngram_max
        self.fold_plurals = fold_plurals
        self.stop_words = stop_words
        self.max_iter = max_iter
        self.random_state = random_state

    @classmethod
    def from_settings(cls, settings: dict, n_topics: int, random_state: int | None = None):
        """A model built from :func:`topic_settings` output."""
        return cls(n_topics=n_topics, method=settings["method"], min_df=settings["min_df"],
                   max_df=settings["max_df"], ngram_max=settings["ngram_max"],
                   fold_plurals=settings["fold_plurals"],
                   stop_words=tuple(settings["extra_stop_words"] or ()),
                   max_iter=iterations(settings),
                   random_state=settings["seed"] if random_state is None else random_state)

    def _vocabulary(self) -> Vocabulary:
        return Vocabulary(min_df=self.min_df, max_df=self.max_df, ngram_max=self.ngram_max,
                          fold_plurals=self.fold_plurals, stop_words=self.stop_words)

    def fit(self, texts, counts: sp.csr_matrix | None = None, vocabulary: Vocabulary | None = None):
        """Fit the vocabulary and the model.

        Parameters
        ----------
        texts : sequence of str
            The units.
        counts, vocabulary : optional
            A count matrix and the fitted :class:`Vocabulary` that made it,
            to skip re-tokenising (the k-scan reuses them).

        Returns
        -------
        self

        Raises
        ------
        InputError
            When the texts hold no usable word or fewer than two units.
        """
        t0 = time.perf_counter()
        texts = list(texts)
        if counts is None or vocabulary is None:
            vocabulary = self._vocabulary()
            counts = vocabulary.fit_transform(texts)
        self.vocabulary_ = vocabulary
        self.terms_ = vocabulary.terms_
        n_units, n_terms = counts.shape
        usable = int((np.asarray(counts.sum(axis=1)).ravel() > 0).sum())
        if usable < 2 or n_terms < 2:
            raise InputError("not enough text for topic modelling: need at least two units "
                             "with words outside the stop-word list")
        self.n_topics_ = int(max(1, min(self.n_topics, usable - 1 if usable > 2 else 2, n_terms)))
        est, W, H, tfidf = factorize(counts, self.n_topics_, self.method, self.random_state,
                                     self.max_iter)
        self.estimator_ = est
        self.tfidf_ = tfidf
        shares = normalize_rows(W)
        # weights: kept single words (phrase counts would favour repetitive units)
        unigrams = np.flatnonzero(~vocabulary.is_bigram_)
        lengths = np.asarray(counts[:, unigrams].sum(axis=1)).ravel()
        lengths = np.where(lengths > 0, lengths, np.asarray(counts.sum(axis=1)).ravel())
        prevalence = np.nansum(shares * lengths[:, None], axis=0)
        prevalence = prevalence / prevalence.sum() if prevalence.sum() > 0 else prevalence
        order = np.argsort(-prevalence, kind="stable")
        self.order_ = order
        self.components_ = np.asarray(H)[order]
        self.unit_weights_ = np.asarray(W)[:, order]
        self.unit_topics_ = shares[:, order]
        self.prevalence_ = prevalence[order]
        self.unit_lengths_ = lengths
        self.counts_ = counts
        self.fit_seconds_ = time.perf_counter() - t0
        return self

    def _weights(self, counts):
        """The model's input for `counts` (TF-IDF for NMF) and its topic weights, in topic order."""
        X = self.tfidf_.transform(counts) if self.method == "nmf" else counts
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            W = np.asarray(self.estimator_.transform(X))[:, self.order_]
        return X, W

    def _shares(self, counts, W) -> np.ndarray:
        W = W.copy()
        if self.method == "lda":  # LDA gives the prior for an empty text; call it unknown
            W[np.asarray(counts.sum(axis=1)).ravel() == 0] = 0
        return normalize_rows(W)

    def transform(self, texts=None, counts=None) -> np.ndarray:
        """Topic shares of new texts (rows sum to 1; NaN for a text with no known term).

        Parameters
        ----------
        texts : sequence of str
        counts : sparse matrix, optional
            ``vocabulary_.transform(texts)``, when already computed (then `texts` is not read).
        """
        counts = self.vocabulary_.transform(list(texts)) if counts is None else counts
        return self._shares(counts, self._weights(counts)[1])

    def transform_with_quality(self, texts=None, counts=None) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`transform` and :meth:`fit_quality` of new texts, from one pass of the model."""
        counts = self.vocabulary_.transform(list(texts)) if counts is None else counts
        X, W = self._weights(counts)
        return self._shares(counts, W), self._quality(X, W)

    def fit_quality(self, texts=None) -> np.ndarray:
        """How well the model reproduces each text: cosine of its term vector and its reconstruction.

        A text made of the topics' own words scores near 1; one whose words
        no topic holds scores near 0, however its topic shares fall. The term
        vector is what the model was fitted on (TF-IDF for NMF, counts for LDA).

        Parameters
        ----------
        texts : sequence of str, optional
            Defaults to the training units.

        Returns
        -------
        ndarray
            One value per text in [0, 1]; 0 for a text with no known term.
        """
        if texts is None:
            counts = self.counts_
            X = self.tfidf_.transform(counts) if self.method == "nmf" else counts
            return self._quality(X, self.unit_weights_)
        return self._quality(*self._weights(self.vocabulary_.transform(list(texts))))

    def _quality(self, X, W) -> np.ndarray:
        X = sp.csr_matrix(X)
        W = np.asarray(W)
        # LDA topics are distributions; raw pseudo-counts would weigh large topics up
        H = self.components_ if self.method == "nmf" else self.topic_term_distributions()
        # The reconstruction R = W H is never formed (units x terms, dense):
        # x.r = (x H^T).w and |r|^2 = w (H H^T) w, so the cost is nnz(X) k + n k^2.
        dots = np.einsum("ij,ij->i", np.asarray(X @ H.T), W)
        r_norm = np.sqrt(np.maximum(np.einsum("ij,ij->i", W @ (H @ H.T), W), 0.0))
        norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel()) * r_norm
        return np.clip(np.where(norms > 0, dots / np.where(norms > 0, norms, 1), 0.0), 0.0, 1.0)

    def topic_term_distributions(self) -> np.ndarray:
        """Topic-term weights scaled so each topic sums to 1."""
        return normalize_rows(self.components_)

    def top_terms(self, n: int = 10, kind: str = "all") -> list[list[tuple[str, float]]]:
        """The `n` heaviest terms of each topic as ``(term, weight)`` pairs.

        Parameters
        ----------
        n : int
        kind : {"all", "unigram", "bigram"}
        """
        mask = {"all": np.ones(len(self.terms_), bool), "unigram": ~self.vocabulary_.is_bigram_,
                "bigram": self.vocabulary_.is_bigram_}[kind]
        cols = np.flatnonzero(mask)
        out = []
        for row in self.components_:
            w = row[cols]
            idx = cols[np.argsort(-w, kind="stable")[:n]]
            out.append([(str(self.terms_[j]), float(row[j])) for j in idx if row[j] > 0])
        return out

