"""Word shingles, overlap scores and sub-quadratic candidate search.

The verbatim layer of the redundancy analysis: each text becomes the set of
its word k-grams ("shingles"); MinHash-LSH (datasketch) proposes candidate
pairs without comparing every pair, and every candidate is then verified
exactly. :func:`exact_pairs` computes the same answer without LSH (through a
sparse shingle-incidence product) and serves as the reference on small sets.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .. import text as T


def shingles(words: list[str], k: int = 3) -> frozenset[str]:
    """The set of word k-grams of a word list.

    Texts shorter than `k` words give one shingle holding all their words,
    so short sentences can still match; an empty text gives the empty set.

    Parameters
    ----------
    words : list of str
        Lower-cased words, e.g. from :func:`analysis.text.words`.
    k : int
        Shingle length in words.

    Returns
    -------
    frozenset of str
        Shingles as space-joined words.
    """
    if k < 1:
        raise ValueError("shingle size must be at least 1")
    if not words:
        return frozenset()
    if len(words) < k:
        return frozenset([" ".join(words)])
    return frozenset(" ".join(words[i:i + k]) for i in range(len(words) - k + 1))


def text_shingles(texts, k: int = 3) -> list[frozenset[str]]:
    """Shingle sets for many texts, tokenised with :func:`analysis.text.words`."""
    return [shingles(T.words(t), k) for t in texts]


def jaccard(a: frozenset, b: frozenset) -> float:
    """Jaccard similarity ``|a & b| / |a | b|`` (0 for two empty sets)."""
    if not a and not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def containment(a: frozenset, b: frozenset) -> float:
    """Directed containment: the share of `a`'s shingles found in `b` (0 if `a` is empty)."""
    if not a:
        return 0.0
    return len(a & b) / len(a)


def overlap(a: frozenset, b: frozenset) -> float:
    """Symmetric containment ``|a & b| / min(|a|, |b|)``: 1 when one text is inside the other."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _sha1_32(b: bytes) -> int:
    return int.from_bytes(hashlib.sha1(b).digest()[:4], "little")


def _group_pairs(groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair ``(x, y)``, ``x < y``, of row numbers that share a group code."""
    order = np.argsort(groups, kind="stable")
    g = groups[order]
    first = np.r_[0, np.flatnonzero(g[1:] != g[:-1]) + 1]
    size = np.diff(np.r_[first, len(g)])
    end = np.repeat(first + size, size)                  # one past each row's group
    later = end - np.arange(len(g)) - 1                  # partners after each row
    left = np.repeat(np.arange(len(g)), later)
    right = np.arange(len(left)) - np.repeat(np.cumsum(later) - later, later) + left + 1
    x, y = order[left], order[right]
    return np.minimum(x, y), np.maximum(x, y)


def minhash_signatures(sets: list[frozenset], num_perm: int = 128, seed: int = 1) -> np.ndarray | None:
    """datasketch MinHash signatures of many sets at once (rows as ``MinHash.hashvalues``).

    The same hash (SHA-1, 32 bits), the same seeded permutations and the
    same arithmetic as datasketch's default scheme, with the per-set objects
    replaced by array operations: each distinct shingle is hashed once.
    Returns None when the installed datasketch uses another scheme.

    Parameters
    ----------
    sets : list of frozenset
        Non-empty shingle sets.
    """
    from datasketch import MinHash
    from datasketch.minhash import _fmix

    template = MinHash(num_perm=num_perm, seed=seed, hashfunc=_sha1_32)
    if getattr(template, "scheme", None) != "affine32":
        return None
    a, b = (np.asarray(x, dtype=np.uint32) for x in template.permutations)
    sizes = np.fromiter(map(len, sets), dtype=np.int64, count=len(sets))
    flat = [x for st in sets for x in st]
    codes, uniques = pd.factorize(pd.Series(flat, dtype=object))
    hv = np.array([_sha1_32(u.encode("utf-8")) for u in uniques], dtype=np.uint32)
    hv = _fmix(hv, 32)[codes]
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    out = np.empty((len(sets), num_perm), dtype=np.uint32)
    step = max(1, 200_000 // max(int(sizes.max(initial=1)), 1))   # sets per block: bounded memory
    with np.errstate(over="ignore"):
        for lo in range(0, len(sets), step):
            hi = min(lo + step, len(sets))
            seg = hv[starts[lo]:starts[hi - 1] + sizes[hi - 1]]
            phv = seg[:, None] * a + b                   # wraps modulo 2^32, as datasketch's does
            out[lo:hi] = np.minimum.reduceat(phv, starts[lo:hi] - starts[lo], axis=0)
    return out


def minhash_candidates(sets: list[frozenset], num_perm: int = 128, threshold: float = 0.3,
                       seed: int = 1) -> set[tuple[int, int]]:
    """Candidate pairs ``(i, j)``, ``i < j``, likely to have Jaccard >= `threshold`.

    MinHash signatures (:func:`minhash_signatures`) are cut into the bands
    datasketch's MinHashLSH chooses for `threshold`; two texts whose band
    agrees become a candidate. The cost grows with the number of texts and
    candidates, not with the number of pairs. Candidates are not verified
    here: pass them to :func:`verify_pairs`.

    Parameters
    ----------
    sets : list of frozenset
        Shingle sets; empty sets never become candidates.
    num_perm : int
        MinHash permutations (more = fewer missed pairs, slower).
    threshold : float
        The Jaccard level the LSH bands are tuned for.
    seed : int
        MinHash seed, for reproducible candidates.

    Returns
    -------
    set of (int, int)
    """
    from datasketch import MinHash, MinHashLSH

    keep = np.array([i for i, st in enumerate(sets) if st], dtype=np.int64)
    if len(keep) < 2:
        return set()
    kept = [sets[i] for i in keep]
    sig = minhash_signatures(kept, num_perm, seed)
    if sig is None:   # another datasketch scheme: its own objects
        encoded = [[x.encode("utf-8") for x in st] for st in kept]
        sig = np.array([m.hashvalues for m in MinHash.bulk(encoded, num_perm=num_perm, seed=seed,
                                                            hashfunc=_sha1_32)])
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    xs, ys = [], []
    for start, end in lsh.hashranges:
        band = np.ascontiguousarray(sig[:, start:end])
        keys = band.view(np.dtype((np.void, band.dtype.itemsize * (end - start)))).ravel()
        x, y = _group_pairs(np.unique(keys, return_inverse=True)[1].ravel())
        xs.append(x)
        ys.append(y)
    x, y = np.concatenate(xs), np.concatenate(ys)
    key = np.unique(x * len(keep) + y)
    return set(zip(keep[key // len(keep)].tolist(), keep[key % len(keep)].tolist()))


def incidence(sets: list[frozenset]) -> sp.csr_matrix:
    """Binary text x shingle matrix (CSR) of a list of shingle sets."""
    vocab: dict[str, int] = {}
    indptr, indices = [0], []
    for s in sets:
        for x in s:
            indices.append(vocab.setdefault(x, len(vocab)))
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.int32)
    return sp.csr_matrix((data, np.array(indices, dtype=np.int64), np.array(indptr)),
                         shape=(len(sets), max(len(vocab), 1)))


def exact_pairs(sets: list[frozenset], threshold: float) -> dict[tuple[int, int], float]:
    """Every pair with Jaccard >= `threshold`, found without LSH.

    Computes shared-shingle counts through a sparse product, so only pairs
    that share at least one shingle are ever touched. The reference against
    which the LSH path is checked.

    Parameters
    ----------
    sets : list of frozenset
    threshold : float

    Returns
    -------
    dict
        ``(i, j) -> jaccard`` with ``i < j``.
    """
    if len(sets) < 2:
        return {}
    X = incidence(sets)
    inter = sp.triu(X @ X.T, k=1).tocoo()
    sizes = np.array([len(s) for s in sets])
    jac = inter.data / (sizes[inter.row] + sizes[inter.col] - inter.data)
    keep = jac >= threshold
    return {(int(i), int(j)): float(v)
            for i, j, v in zip(inter.row[keep], inter.col[keep], jac[keep])}


def pair_scores(sets: list[frozenset], i, j, X: sp.csr_matrix | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`jaccard` and :func:`overlap` of the set pairs ``(i[m], j[m])``, as arrays.

    Shared shingles are counted by a row-wise product of the binary
    incidence matrix (in blocks), not by intersecting Python sets per pair.

    Parameters
    ----------
    sets : list of frozenset
    i, j : array-like of int
    X : sparse matrix, optional
        ``incidence(sets)``, when already built.
    """
    i, j = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)
    if not len(i):
        return np.zeros(0), np.zeros(0)
    X = incidence(sets) if X is None else X
    sizes = np.diff(X.indptr).astype(float)
    inter = np.empty(len(i))
    for lo in range(0, len(i), 100_000):
        hi = lo + 100_000
        inter[lo:hi] = np.asarray(X[i[lo:hi]].multiply(X[j[lo:hi]]).sum(axis=1)).ravel()
    union = sizes[i] + sizes[j] - inter
    small = np.minimum(sizes[i], sizes[j])
    jac = np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)
    return jac, np.where(small > 0, inter / np.where(small > 0, small, 1), 0.0)


def verify_pairs(sets: list[frozenset], pairs, threshold: float) -> dict[tuple[int, int], float]:
    """Keep the candidate pairs whose exact Jaccard reaches `threshold`.

    Returns
    -------
    dict
        ``(i, j) -> jaccard`` with ``i < j``.
    """
    ij = np.array(sorted({(min(a, b), max(a, b)) for a, b in pairs}), dtype=np.int64).reshape(-1, 2)
    jac = pair_scores(sets, ij[:, 0], ij[:, 1])[0]
    keep = jac >= threshold
    return dict(zip(zip(ij[keep, 0].tolist(), ij[keep, 1].tolist()), jac[keep].tolist()))


def window_hashes(ids: np.ndarray, k: int) -> np.ndarray:
    """64-bit polynomial hashes of every run of `k` consecutive word ids (``len(ids) - k + 1``).

    Equal runs hash equal; a collision between different runs is possible but
    rare, so callers that need exact answers compare the ids of each hit.
    """
    n = len(ids) - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    ids = np.asarray(ids, dtype=np.uint64) + np.uint64(1)
    h = np.zeros(n, dtype=np.uint64)
    mult = np.uint64(1)
    with np.errstate(over="ignore"):
        for t in range(k):
            h += ids[t:t + n] * mult
            mult *= np.uint64(1_000_003)
    return h


def shared_runs(ids_a: np.ndarray, ids_b: np.ndarray, k: int, same: bool = False,
                hashes_a: np.ndarray | None = None, hashes_b: np.ndarray | None = None
                ) -> list[tuple[int, int, int]]:
    """Maximal runs of at least `k` words two word-id sequences share (see :func:`shared_passages`).

    Every position pair whose `k` words agree is found by sorting one side's
    window hashes and searching the other's (no per-word Python loop), checked
    word by word, and chained along its diagonal into maximal runs.

    Returns
    -------
    list of (int, int, int)
        ``(start_a, start_b, length)`` in words, longest first, then by position.
    """
    ha = window_hashes(ids_a, k) if hashes_a is None else hashes_a
    hb = window_hashes(ids_b, k) if hashes_b is None else hashes_b
    if not len(ha) or not len(hb):
        return []
    order = np.argsort(hb, kind="stable")
    sorted_b = hb[order]
    lo = np.searchsorted(sorted_b, ha, "left")
    cnt = np.searchsorted(sorted_b, ha, "right") - lo
    total = int(cnt.sum())
    if not total:
        return []
    i = np.repeat(np.arange(len(ha)), cnt)
    j = order[np.arange(total) - np.repeat(np.cumsum(cnt) - cnt - lo, cnt)]
    if same:                                  # one text: two different places, each pair once
        keep = j > i
        i, j = i[keep], j[keep]
    off = np.arange(k)
    exact = (np.asarray(ids_a)[i[:, None] + off] == np.asarray(ids_b)[j[:, None] + off]).all(axis=1)
    i, j = i[exact], j[exact]
    if not len(i):
        return []
    d = j - i
    o = np.lexsort((i, d))
    i, j, d = i[o], j[o], d[o]
    starts = np.r_[True, (d[1:] != d[:-1]) | (i[1:] != i[:-1] + 1)]
    words = np.bincount(np.cumsum(starts) - 1) + k - 1
    si, sj = i[starts], j[starts]
    o = np.lexsort((sj, si, -words))
    return list(zip(si[o].tolist(), sj[o].tolist(), words[o].tolist()))


def shared_passages(words_a: list[str], words_b: list[str], min_words: int = 8,
                    same: bool = False) -> list[tuple[int, int, int]]:
    """Maximal word runs that occur in both texts.

    Parameters
    ----------
    words_a, words_b : list of str
        The two texts as word lists.
    min_words : int
        Shortest run reported.
    same : bool
        When `words_a` and `words_b` are the same text, only runs at two
        different places are reported (each once).

    Returns
    -------
    list of (int, int, int)
        ``(start_a, start_b, length)`` in words, longest first.
    """
    if len(words_a) < min_words or len(words_b) < min_words:
        return []
    vocab: dict[str, int] = {}
    ids_a = np.array([vocab.setdefault(w, len(vocab)) for w in words_a], dtype=np.int64)
    ids_b = np.array([vocab.setdefault(w, len(vocab)) for w in words_b], dtype=np.int64)
    return shared_runs(ids_a, ids_b, min_words, same)
