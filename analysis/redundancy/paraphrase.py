"""Paraphrase layer: embedding retrieval, then a verifier that decides "same point".

Retrieval keeps, for each sentence, its `top_k` nearest neighbours at or above
a cosine floor (chunked, never an n x n matrix). The verifier is a logistic
regression over features that tell a repeated *claim* from a shared *topic*:

- ``cosine`` and its hubness-corrected form ``csls`` (cosine minus the mean
  similarity of each side to its own neighbours, as in CSLS);
- how generic each side is: its mean similarity to its own `top_k`
  neighbours (a sentence close to many others says little of its own), and
  the mutual rank of the two sides in each other's neighbour lists;
- lexical overlap: content-word Jaccard, the share of content words that only
  one side has (a substantive addition), shingle containment, length ratio;
- mismatches a paraphrase must not have: negation, numbers, named entities.

It is trained on the project's labelled pairs (three labels; only "same"
counts as positive) and its threshold is chosen by cross-validation
(:mod:`analysis.redundancy.calibration`).
"""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from typing import NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from .. import text as T
from ..background import in_row_blocks
from .shingles import binary_matrix, pair_overlap
from .shingles import shingle_matrix as as_matrix

FEATURES = ["cosine", "csls", "generic_max", "generic_min", "rank_max", "content_jaccard", "extra_max",
            "extra_min", "length_ratio", "shingle_containment", "negation_mismatch",
            "number_mismatch", "entity_jaccard"]

_NEGATION = frozenset("not no never without lack lacks lacking neither nor cannot fail fails "
                      "failed failure absence absent insufficient".split())
_NUMBER = re.compile(r"\d[\d,.]*")
_ENTITY = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][A-Za-z]+|\b[A-Z]{2,}\b")


def neighbours(vectors: np.ndarray, k: int, floor: float, batch_size: int = 512,
               exact_max: int | None = None, random_state: int = 42, ivf=None, threads=None):
    """Top-`k` neighbours of every row, and how generic each row is.

    Up to `exact_max` rows the search is exact: each chunk of rows against all
    of them (never an n x n matrix). Above it, an approximate inverted-file
    index (faiss ``IndexIVFScalarQuantizer`` on inner products, :func:`_approximate_search`)
    searches only the clusters nearest each row, so the cost grows about as
    n^1.5 instead of n^2.

    Parameters
    ----------
    vectors : ndarray of shape (n, dim)
        Unit rows.
    k : int
    floor : float
        Cosine at or above which a neighbour becomes a candidate pair.
    batch_size : int
        Rows per chunk: memory is ``batch_size x n``.
    exact_max : int, optional
        Largest n searched exactly (None: always exact).
    random_state : int
        Seeds the index's clustering (approximate search only).
    ivf : AnnIndex, optional
        :func:`ann_index` of these vectors, when already built (approximate
        search only; built here when omitted).
    threads : callable, optional
        Approximate search only: asked before each chunk of rows searched
        for the number of threads faiss may use on it; None, or a return of
        None, uses faiss's default. The neighbours do not depend on it.

    Returns
    -------
    dict
        ``index`` (n, k) neighbour rows sorted by similarity, ``sims`` (n, k),
        ``mean_top`` (n,) mean similarity to the k neighbours (for CSLS),
        ``hub`` (n,) number of rows at or above `floor` (approximate search:
        among the k neighbours only), ``exact`` (bool), and ``pairs``: a
        DataFrame of candidate pairs ``i < j`` with their ``cosine``.
    """
    V = np.ascontiguousarray(vectors, dtype=np.float32)
    n = len(V)
    kk = max(min(k, n - 1), 0)
    exact = not is_approximate(n, k, exact_max)
    if exact:
        index, sims, hub = _exact_search(V, kk, floor, batch_size)
    else:
        index, sims = _approximate_search(V, kk, ivf if ivf is not None else
                                          ann_index(V, random_state), threads)
        hub = (sims >= floor).sum(axis=1).astype(np.int64)
    mean_top = sims.mean(axis=1) if kk else np.zeros(n, dtype=np.float32)
    r, c = np.nonzero(sims >= floor)
    i, j = np.minimum(r, index[r, c]), np.maximum(r, index[r, c])
    # Each pair once (its first listing, as drop_duplicates keeps), ordered by (i, j): one
    # stable sort of integer keys, not a frame's (4.6 s at 5,000 documents).
    key = i * max(n, 1) + j
    order = np.argsort(key, kind="stable")
    first = order[np.r_[True, key[order[1:]] != key[order[:-1]]]] if len(key) else order
    pairs = pd.DataFrame({"i": i[first], "j": j[first],
                          "cosine": np.clip(sims[r[first], c[first]], -1, 1).astype(float)})
    return {"index": index, "sims": sims, "mean_top": mean_top, "hub": hub, "pairs": pairs,
            "exact": exact}


def _exact_search(V: np.ndarray, kk: int, floor: float, batch_size: int):
    n = len(V)
    index = np.zeros((n, kk), dtype=np.int64)
    sims = np.zeros((n, kk), dtype=np.float32)
    hub = np.zeros(n, dtype=np.int64)
    for start in range(0, n if kk else 0, batch_size):
        block = V[start:start + batch_size] @ V.T
        rows = np.arange(block.shape[0])
        block[rows, rows + start] = -np.inf
        hub[start:start + len(rows)] = (block >= floor).sum(axis=1)
        idx = np.argpartition(-block, kk - 1, axis=1)[:, :kk]
        part = block[rows[:, None], idx]
        order = np.argsort(-part, axis=1, kind="stable")
        index[start:start + len(rows)] = np.take_along_axis(idx, order, axis=1)
        sims[start:start + len(rows)] = np.take_along_axis(part, order, axis=1)
    return index, sims, hub


#: Clusters the approximate index searches per row (of about 4 sqrt(n)) at ANN_PROBE_SIZE rows;
#: above, fewer in proportion to 1 / sqrt(n), so each row is compared with about the same number
#: of others (about 5,000) and the search grows as n rather than n^1.5.
ANN_PROBES = 64
ANN_PROBE_SIZE = 100_000
ANN_MIN_PROBES = 16


def ann_probes(n: int, nlist: int) -> int:
    """Clusters searched per row by the approximate index over `n` rows in `nlist` clusters."""
    scaled = int(round(ANN_PROBES * np.sqrt(ANN_PROBE_SIZE / max(n, 1))))
    return int(min(nlist, max(ANN_MIN_PROBES, min(ANN_PROBES, scaled))))


def is_approximate(n: int, k: int, exact_max: int | None) -> bool:
    """Whether :func:`neighbours` searches `n` rows for `k` neighbours with the approximate index."""
    return exact_max is not None and n > exact_max and min(k, n - 1) > 0


def ann_index(vectors: np.ndarray, random_state: int = 42):
    """The faiss inverted-file index :func:`neighbours` searches above ``exact_max`` rows.

    About ``4 sqrt(n)`` clusters, trained with a fixed seed on a seeded
    sample of :data:`TRAIN_ROWS_PER_CLUSTER` rows per cluster; the vectors
    are stored as 16-bit floats, which halves the memory each search reads
    and its time (at 107k sentences: 34 s -> 15 s, and 99.99% of the same
    neighbours).

    The trained centroids depend on the number of threads faiss uses: one
    and two gave the same centroids on the 500-document corpus's 107k
    sentences, but not on the 5,000-document corpus's 1.07 M. The index is
    therefore always trained on :data:`TRAIN_THREADS` threads, whatever the
    machine's cores or the caller's setting, so the neighbours do not depend
    on the machine.

    Parameters
    ----------
    vectors : ndarray of shape (n, dim)
        Unit rows.
    random_state : int

    Returns
    -------
    AnnIndex
        ``ivf``, a ``faiss.IndexIVFScalarQuantizer`` holding every row (row
        number as id; its width is `dim` rounded up to a multiple of 16, see
        :func:`_padded`), and each row's ``probes``: the clusters its own
        search visits, found once for both adding and searching it.
    """
    import faiss

    V = np.ascontiguousarray(vectors, dtype=np.float32)
    n, dim = V.shape
    # faiss compares 16-bit codes with SIMD only when the width is a multiple of 16: at 100
    # (the lexical LSA) it is 4x slower than 32-bit floats, at 112 1.6x faster. Zero columns
    # change no inner product.
    width = dim + (-dim) % 16
    nlist = max(1, min(int(4 * np.sqrt(n)), n // 39))
    quantizer = faiss.IndexFlatIP(width)
    ivf = faiss.IndexIVFScalarQuantizer(quantizer, width, nlist, faiss.ScalarQuantizer.QT_fp16,
                                        faiss.METRIC_INNER_PRODUCT)
    ivf.cp.seed = int(random_state)
    sample = np.random.default_rng(random_state).choice(n, size=min(n, TRAIN_ROWS_PER_CLUSTER * nlist),
                                                        replace=False)
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(TRAIN_THREADS)       # binds this thread only
    try:
        ivf.train(_padded(V[np.sort(sample)], width))
    finally:
        faiss.omp_set_num_threads(before)
    ivf.nprobe = ann_probes(n, nlist)
    ivf.parallel_mode = 3        # search_preassigned splits rows over threads only in this mode
    # faiss's add finds each row's nearest cluster and its search the nprobe nearest again (a
    # sixth of the search's time): found once here, the first places the row, all are searched.
    probes = np.empty((n, ivf.nprobe), dtype=np.int32)
    probe_sims = np.empty((n, ivf.nprobe), dtype=np.float32)
    for start in range(0, n, _CHUNK):            # padded copies a chunk at a time
        rows = _padded(V[start:start + _CHUNK], width)
        sims, nearest = ivf.quantizer.search(rows, ivf.nprobe)
        first = np.ascontiguousarray(nearest[:, 0])          # (held: swig_ptr keeps no reference)
        ivf.add_core(len(rows), faiss.swig_ptr(rows), None, faiss.swig_ptr(first))
        probes[start:start + len(rows)], probe_sims[start:start + len(rows)] = nearest, sims
    return AnnIndex(ivf, probes, probe_sims)


class AnnIndex(NamedTuple):
    """:func:`ann_index`: the faiss index, and the clusters each of its rows' searches probes."""

    ivf: object
    probes: np.ndarray        # (n, nprobe) cluster numbers, nearest first
    probe_sims: np.ndarray    # (n, nprobe) the row's inner products with their centroids


#: Rows per cluster the index's k-means trains on (faiss asks for at least 39). At 1.07 M
#: sentences 40 instead of 64 took the training from 26 s to 13 s, and the recall of the true
#: 11 nearest rows of 3,000 sampled rows was the same (0.9272 against 0.9268).
TRAIN_ROWS_PER_CLUSTER = 40

#: Threads the index's k-means always trains on: its centroids depend on the count (two: the
#: development machine's cores, on which every measured table was made).
TRAIN_THREADS = 2

#: Rows padded and added per faiss call (bounds the copies and result buffers).
_CHUNK = 100_000

#: Rows searched per faiss call: each call's thread count is set when it starts, so a search
#: beside other work takes the second core within a few seconds of that work ending.
_SEARCH_CHUNK = 20_000


def _padded(rows: np.ndarray, width: int) -> np.ndarray:
    return rows if rows.shape[1] == width else np.pad(rows, ((0, 0), (0, width - rows.shape[1])))


def _list_order(ivf) -> np.ndarray:
    """Row ids cluster by cluster, as the index holds them."""
    import faiss

    lists = ivf.invlists
    return np.concatenate([np.zeros(0, dtype=np.int64)] + [
        faiss.rev_swig_ptr(lists.get_ids(c), lists.list_size(c)).copy()
        for c in range(ivf.nlist) if lists.list_size(c)])


def _approximate_search(V: np.ndarray, kk: int, index: AnnIndex, threads=None):
    """Top-`kk` neighbours (self excluded) of every row of `V` from its :func:`ann_index` `index`.

    Each row's search is independent of the others, so the order of the
    searches changes no neighbour. Rows are searched cluster by cluster:
    rows of one cluster probe mostly the same clusters, which then stay in
    the processor's cache. At 1.07 M sentences this took the search from
    69 s to 46 s; the faiss distances agreed to 1e-6, and the neighbours of
    all but 3 rows came in the same order (those 3 had the same set). The
    neighbours found are then scored exactly, so no similarity carries the
    16-bit rounding.
    """
    import faiss

    default_threads = faiss.omp_get_max_threads()
    n = len(V)
    sims = np.empty((n, kk + 1), dtype=np.float32)
    found = np.empty((n, kk + 1), dtype=np.int64)
    ivf = index.ivf
    order = _list_order(ivf)
    with _interrupt_checks_off(faiss):
        for start in range(0, n, _SEARCH_CHUNK):
            # omp_set_num_threads binds only the calling thread: a search in a thread of its own
            # can run on one core while the caller works and on all once it waits.
            faiss.omp_set_num_threads((threads() if threads else None) or default_threads)
            rows = order[start:start + _SEARCH_CHUNK]
            sims[rows], found[rows] = ivf.search_preassigned(
                _padded(V[rows], ivf.d), kk + 1, index.probes[rows], index.probe_sims[rows])
    faiss.omp_set_num_threads(default_threads)
    _rescore(V, found, sims)
    # Drop each row itself (or, when an identical row outranks it, the last neighbour).
    rows = np.arange(n)[:, None]
    is_self = found == rows
    drop = np.where(is_self.any(axis=1), is_self.argmax(axis=1), kk)
    keep = np.ones_like(found, dtype=bool)
    keep[np.arange(n), drop] = False
    index = found[keep].reshape(n, kk)
    sims = sims[keep].reshape(n, kk)
    missing = index < 0                          # fewer than kk rows in the searched clusters
    index[missing] = np.broadcast_to(rows, index.shape)[missing]
    sims[missing] = -1.0
    return index, sims


@contextmanager
def _interrupt_checks_off(faiss):
    """faiss's Ctrl-C checks switched off while a thread other than the main one searches.

    faiss's Python module installs a callback that the search calls every few
    queries: it takes the GIL to ask Python for pending signals. Beside a
    main thread running Python, each call waits for the GIL: 40,000 rows took
    204 s instead of 3.8 s (4.0 s without the callback). Only the main thread
    ever sees a signal, so in any other thread the check finds nothing; the
    callback is reinstalled afterwards.
    """
    if threading.current_thread() is threading.main_thread():
        yield
        return
    faiss.InterruptCallback.clear_instance()
    try:
        yield
    finally:
        faiss.PythonInterruptCallback.reset()


def _rescore(V: np.ndarray, found: np.ndarray, sims: np.ndarray, block: int = 10_000) -> None:
    """Exact inner products of each row with its `found` rows, best first, in place.

    A missing neighbour (``-1``) scores ``-inf`` and stays last. Rows of
    `block` at a time, so the gathered vectors stay small, on two threads
    (at 1.07 M sentences 6 s on one core).
    """
    def rescore(lo: int, hi: int) -> None:
        f = found[lo:hi]
        exact = np.einsum("rd,rkd->rk", V[lo:hi], V[np.maximum(f, 0)], optimize=False)
        exact = np.where(f >= 0, np.minimum(exact, np.float32(1.0)), -np.inf).astype(np.float32)
        order = np.argsort(-exact, axis=1, kind="stable")
        found[lo:hi] = np.take_along_axis(f, order, axis=1)
        sims[lo:hi] = np.take_along_axis(exact, order, axis=1)

    in_row_blocks(rescore, len(found), block)


def sentence_tokens(texts, tokens: tuple | None = None) -> dict:
    """Per-sentence token sets the features compare (content words, numbers, entities, negation).

    Each set is a row of a binary sentence x item matrix, built from one
    tokenising pass over all sentences (no Python set per sentence).

    Parameters
    ----------
    texts : sequence of str
        The sentences.
    tokens : tuple, optional
        ``(vocabulary, ids, sentence)`` of the same sentences from
        :func:`analysis.text.tokenize` (e.g. ``Corpus.sentence_tokens``), when
        already computed.

    Returns
    -------
    dict
        ``content`` (words outside the stop list, a final "s" dropped from
        words of more than 4 letters), ``numbers``, ``entities`` (capitalised
        words not at a sentence start, and acronyms; lower-cased): sparse
        matrices; ``negated`` and ``lengths`` (words): arrays.
    """
    texts = [str(t) for t in texts]
    n = len(texts)
    vocab, ids, sent = T.tokenize(texts) if tokens is None else tokens
    stems = pd.Series([x.rstrip("s") if len(x) > 4 else x for x in vocab], dtype=object)
    stem_code = pd.factorize(stems)[0] if len(stems) else np.zeros(0, np.int64)
    stop = T.stop_words()   # bound once: the module attribute costs a call per word
    content = np.array([x not in stop for x in vocab], dtype=bool)
    negation = np.array([x in _NEGATION for x in vocab], dtype=bool)
    use = content[ids] if len(ids) else np.zeros(0, bool)
    negated = np.zeros(n, bool)
    negated[sent[negation[ids]] if len(ids) else []] = True
    return {"content": binary_matrix(sent[use], stem_code[ids[use]] if len(ids) else ids, n),
            "numbers": _regex_matrix(_NUMBER, texts, lambda m: m),
            "entities": _regex_matrix(_ENTITY_JOINED, texts, str.lower),
            "negated": negated, "lengths": np.bincount(sent, minlength=n).astype(float)}


#: _ENTITY on texts joined by NUL: a text's start follows a NUL, so "not at the start" says so.
#: Both branches start with a capital; testing for one first, before the look-behinds, makes
#: the search 4x faster (6.8 s at 5,000 documents) and finds the same matches.
_ENTITY_JOINED = re.compile(r"(?=[A-Z])(?:(?<!^)(?<!\x00)(?<![.!?]\s)\b[A-Z][A-Za-z]+|\b[A-Z]{2,}\b)")


def _regex_matrix(pattern: re.Pattern, texts: list, norm) -> sp.csr_matrix:
    """Binary text x match matrix of `pattern`'s matches (normalised by `norm`), in one pass per chunk."""
    rows, found = [], []
    for lo in range(0, len(texts), 20_000):
        part = [t.replace("\x00", " ") for t in texts[lo:lo + 20_000]]
        joined = "\x00".join(part)
        starts = np.cumsum([0] + [len(t) + 1 for t in part[:-1]])
        hits = [(m.start(), m.group()) for m in pattern.finditer(joined)]
        if hits:
            rows.append(lo + np.searchsorted(starts, [h[0] for h in hits], side="right") - 1)
            found.extend(norm(h[1]) for h in hits)
    codes = pd.factorize(pd.Series(found, dtype=object))[0] if found else np.zeros(0, np.int64)
    return binary_matrix(np.concatenate(rows) if rows else np.zeros(0, np.int64), codes, len(texts))


def pair_features(i, j, vectors, nb: dict, tokens: dict, shingle_sets: list,
                  shingle_matrix: sp.csr_matrix | None = None, shingle_overlap: tuple | None = None
                  ) -> pd.DataFrame:
    """Verifier features of the sentence pairs ``(i[m], j[m])``.

    Parameters
    ----------
    i, j : array-like of int
        Row numbers of the two sides.
    vectors : ndarray
        Unit sentence vectors.
    nb : dict
        :func:`neighbours` of the same vectors.
    tokens : dict
        :func:`sentence_tokens` of the same sentences.
    shingle_sets : list of frozenset or ShingleSets
        Word shingles per sentence.
    shingle_matrix : sparse matrix, optional
        ``incidence(shingle_sets)``, when already built.
    shingle_overlap : tuple of ndarray, optional
        ``(shared, size_i, size_j)`` shingle counts of the pairs, when already
        counted (:func:`pair_overlap`).

    Returns
    -------
    DataFrame
        One row per pair, columns :data:`FEATURES`.
    """
    i = np.asarray(i, dtype=np.int64)
    j = np.asarray(j, dtype=np.int64)
    V = np.asarray(vectors, dtype=np.float32)
    cos = np.empty(len(i))
    for lo in range(0, len(i), 100_000):     # bounded memory: two blocks of rows at a time
        cos[lo:lo + 100_000] = np.einsum("ij,ij->i", V[i[lo:lo + 100_000]], V[j[lo:lo + 100_000]])
    np.clip(cos, -1.0, 1.0, out=cos)          # float32 unit vectors can give 1.0000001
    mt = nb["mean_top"]
    k = nb["index"].shape[1]

    def rank(a, b):  # position of b in a's neighbour list (1 = nearest), k + 1 if absent
        out = np.empty(len(a), dtype=np.int64)
        for lo in range(0, len(a), 100_000):
            hit = nb["index"][a[lo:lo + 100_000]] == b[lo:lo + 100_000, None]
            out[lo:lo + 100_000] = np.where(hit.any(axis=1), hit.argmax(axis=1) + 1, k + 1)
        return out

    r1, r2 = (rank(i, j), rank(j, i)) if k else (np.ones(len(i)), np.ones(len(i)))
    C = as_matrix(tokens["content"])
    inter, na, nb_ = pair_overlap(C, i, j)
    union = na + nb_ - inter
    extra_a = np.where(na > 0, (na - inter) / np.maximum(na, 1), 0.0)
    extra_b = np.where(nb_ > 0, (nb_ - inter) / np.maximum(nb_, 1), 0.0)
    if shingle_overlap is None:
        S = as_matrix(shingle_sets) if shingle_matrix is None else shingle_matrix
        shingle_overlap = pair_overlap(S, i, j)
    sint, sa, sb = shingle_overlap
    N = as_matrix(tokens["numbers"])
    nint, n1, n2 = pair_overlap(N, i, j)
    E = as_matrix(tokens["entities"])
    eint, e1, e2 = pair_overlap(E, i, j)
    eun = e1 + e2 - eint
    L = tokens["lengths"]
    return pd.DataFrame({
        "cosine": cos,
        "csls": 2 * cos - mt[i] - mt[j],
        "generic_max": np.maximum(mt[i], mt[j]),
        "generic_min": np.minimum(mt[i], mt[j]),
        "rank_max": np.log(np.maximum(r1, r2)),
        "content_jaccard": np.where(union > 0, inter / np.maximum(union, 1), 0.0),
        "extra_max": np.maximum(extra_a, extra_b),
        "extra_min": np.minimum(extra_a, extra_b),
        "length_ratio": np.minimum(L[i], L[j]) / np.maximum(np.maximum(L[i], L[j]), 1),
        "shingle_containment": np.where(np.minimum(sa, sb) > 0, sint / np.maximum(np.minimum(sa, sb), 1), 0.0),
        "negation_mismatch": (tokens["negated"][i] != tokens["negated"][j]).astype(float),
        "number_mismatch": ((n1 + n2 - 2 * nint) > 0).astype(float),
        "entity_jaccard": np.where(eun > 0, eint / np.maximum(eun, 1), 1.0),
    }, columns=FEATURES)


class SamePointVerifier:
    """Logistic regression that scores how likely two sentences make the same point.

    Parameters
    ----------
    features : list of str
        Columns of :func:`pair_features` to use.
    C : float
        Inverse regularisation strength.
    threshold : float
        Probability at or above which a pair is "same point" (set from
        cross-validation, :func:`analysis.redundancy.calibration.cross_validate`).
    random_state : int

    Attributes
    ----------
    model_ : Pipeline
        Fitted scaler + logistic regression.
    coef_ : Series
        Standardised coefficient per feature.
    """

    def __init__(self, features=None, C=1.0, threshold=0.5, random_state=42):
        self.features = features
        self.C = C
        self.threshold = threshold
        self.random_state = random_state

    def _columns(self):
        return list(self.features or FEATURES)

    def fit(self, X: pd.DataFrame, y) -> "SamePointVerifier":
        """Fit on feature rows `X` and booleans `y` ("same" = True). Returns self."""
        self.model_ = make_pipeline(
            StandardScaler(),
            LogisticRegression(C=self.C, max_iter=2000, class_weight="balanced",
                               random_state=self.random_state))
        self.model_.fit(X[self._columns()].to_numpy(float), np.asarray(y, bool))
        self.coef_ = pd.Series(self.model_[-1].coef_.ravel(), index=self._columns())
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Probability of "same point" per row."""
        if len(X) == 0:
            return np.zeros(0)
        return self.model_.predict_proba(X[self._columns()].to_numpy(float))[:, 1]

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """True where the probability reaches :attr:`threshold`."""
        return self.predict_proba(X) >= self.threshold
