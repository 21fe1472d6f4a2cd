"""Word shingles, overlap scores and sub-quadratic candidate search.

The verbatim layer of the redundancy analysis: each text becomes the set of
its word k-grams ("shingles"); MinHash-LSH (datasketch) proposes candidate
pairs without comparing every pair, and every candidate is then verified
exactly. :func:`exact_pairs` computes the same answer without LSH (through a
sparse shingle-incidence product) and serves as the reference on small sets.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .. import text as T
from ..arrays import unique_sorted


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


@dataclass(frozen=True)
class ShingleSets:
    """The shingle sets of many texts as one binary text x shingle matrix.

    Built by :func:`shingle_sets` from word ids, with no Python set or string
    per shingle occurrence; every function here that takes a list of
    frozensets also takes this.

    Attributes
    ----------
    matrix : csr_matrix
        Row t has a 1 in the column of each shingle of text t.
    strings : ndarray of str
        Each column's shingle, as :func:`shingles` writes it.
    """

    matrix: sp.csr_matrix
    strings: np.ndarray

    def __len__(self) -> int:
        return self.matrix.shape[0]

    @property
    def sizes(self) -> np.ndarray:
        """Shingles per text."""
        return np.diff(self.matrix.indptr)

    def to_sets(self) -> list[frozenset]:
        """The same sets as frozensets (for small inputs and tests)."""
        X = self.matrix
        return [frozenset(self.strings[X.indices[X.indptr[r]:X.indptr[r + 1]]]) for r in range(X.shape[0])]


def shingle_sets(tokens: tuple, n: int, k: int = 3) -> ShingleSets:
    """The word k-gram sets of `n` tokenised texts (as :func:`shingles` defines them), as a matrix.

    Parameters
    ----------
    tokens : tuple
        ``(vocabulary, ids, text)`` from :func:`analysis.text.tokenize`.
    n : int
        Number of texts.
    k : int
        Shingle length in words.

    Returns
    -------
    ShingleSets
        Row t holds the shingles of text t: every run of `k` consecutive
        words, or, for a text of fewer than `k` words, one shingle of all its
        words. Equal runs share a column, found by exact integer codes.
    """
    if k < 1:
        raise ValueError("shingle size must be at least 1")
    vocab, ids, text = tokens
    ids, text = np.asarray(ids, dtype=np.int64), np.asarray(text, dtype=np.int64)
    words = np.asarray(vocab, dtype=object)
    length = np.bincount(text, minlength=n)
    # Runs of k words inside one text; each step keeps the codes below the run count, so the
    # combined integer code * (V + 1) + next id is exact in int64.
    start = np.arange(max(len(ids) - k + 1, 0))
    start = start[text[start] == text[start + k - 1]] if len(start) else start
    code = ids[start]
    for t in range(1, k):
        code = pd.factorize(code * (len(words) + 1) + ids[start + t])[0]
    if k == 1:
        code = pd.factorize(code)[0]
    code = np.asarray(code, dtype=np.int64)
    n_codes = int(code.max()) + 1 if len(code) else 0
    first = np.zeros(n_codes, dtype=np.int64)
    first[code] = start                                  # one run of each code: all spell it alike
    strings = words[ids[first]] if n_codes else np.zeros(0, dtype=object)
    for t in range(1, k):
        strings = strings + " " + words[ids[first + t]]
    # A text shorter than k words: one shingle of all its words (rare: Python per text is fine).
    short = np.flatnonzero((length > 0) & (length < k))
    rows, cols = [text[start]], [code]
    if len(short):
        begin = np.r_[0, np.cumsum(length)[:-1]]
        texts = pd.Series([" ".join(words[ids[begin[t]:begin[t] + length[t]]]) for t in short],
                          dtype=object)
        short_code, short_strings = pd.factorize(texts)
        rows.append(short)
        cols.append(n_codes + short_code)
        strings = np.concatenate([strings, np.asarray(short_strings, dtype=object)])
    X = binary_matrix(np.concatenate(rows), np.concatenate(cols), n, len(strings))
    return ShingleSets(X, np.asarray(strings, dtype=object))


def binary_matrix(rows: np.ndarray, items: np.ndarray, n: int, width: int | None = None) -> sp.csr_matrix:
    """Binary n x `width` CSR matrix with a 1 at each ``(rows[m], items[m])`` (repeats counted once).

    `width` defaults to the largest item + 1 (at least 1).
    """
    if width is None:
        width = int(items.max()) + 1 if len(items) else 0
    X = sp.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, items)), shape=(n, max(width, 1)))
    X.sum_duplicates()
    X.data[:] = 1
    return X


def shingle_matrix(sets) -> sp.csr_matrix:
    """The binary text x item matrix of a :class:`ShingleSets`, a sparse matrix (as it is) or a list of sets."""
    if isinstance(sets, ShingleSets):
        return sets.matrix
    return sets if sp.issparse(sets) else incidence(sets)


def set_sizes(sets) -> np.ndarray:
    """Shingles per text, of a :class:`ShingleSets` or a list of frozensets."""
    if isinstance(sets, ShingleSets):
        return sets.sizes
    return np.fromiter(map(len, sets), dtype=np.int64, count=len(sets))


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


def _group_pairs(groups: np.ndarray, max_group: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Pairs ``(x, y)``, ``x < y``, of row numbers that share a group code.

    A group of at most `max_group` rows (or any group, when None) gives every
    pair; a larger one gives a star, its first row paired with each other row,
    so the pairs grow with the rows, not with the square of a group's size,
    and the group still ends up connected. Pairs come group by group, in
    ascending order of the codes.
    """
    groups = np.asarray(groups)
    rows = np.arange(len(groups))
    if len(groups) and groups.min() >= 0 and groups.max() < 4 * len(groups):
        # Rows alone in their group pair with nothing: only the others are sorted (most
        # rows, when the codes are bands of MinHash signatures).
        rows = np.flatnonzero(np.bincount(groups)[groups] > 1)
    order = rows[np.argsort(groups[rows], kind="stable")]
    g = groups[order]
    if not len(g):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    first = np.r_[0, np.flatnonzero(g[1:] != g[:-1]) + 1]
    size = np.diff(np.r_[first, len(g)])
    row_size = np.repeat(size, size)
    end = np.repeat(first + size, size)                  # one past each row's group
    later = end - np.arange(len(g)) - 1                  # partners after each row
    if max_group is not None:
        star = row_size > max_group
        is_head = np.zeros(len(g), bool)
        is_head[first] = True
        later = np.where(star, np.where(is_head, later, 0), later)
    left = np.repeat(np.arange(len(g)), later)
    right = np.arange(len(left)) - np.repeat(np.cumsum(later) - later, later) + left + 1
    x, y = order[left], order[right]
    return np.minimum(x, y), np.maximum(x, y)


def minhash_signatures(sets, num_perm: int = 128, seed: int = 1) -> np.ndarray | None:
    """datasketch MinHash signatures of many sets at once (rows as ``MinHash.hashvalues``).

    The same hash (SHA-1, 32 bits), the same seeded permutations and the
    same arithmetic as datasketch's default scheme, with the per-set objects
    replaced by array operations: each distinct shingle is hashed once.
    Returns None when the installed datasketch uses another scheme.

    Parameters
    ----------
    sets : list of frozenset or ShingleSets
        Non-empty shingle sets.
    """
    from datasketch import MinHash
    from datasketch.minhash import _fmix

    template = MinHash(num_perm=num_perm, seed=seed, hashfunc=_sha1_32)
    if getattr(template, "scheme", None) != "affine32":
        return None
    a, b = (np.asarray(x, dtype=np.uint32) for x in template.permutations)
    if isinstance(sets, ShingleSets):
        sizes, codes, uniques = sets.sizes, sets.matrix.indices, sets.strings
    else:
        sizes = set_sizes(sets)
        flat = [x for st in sets for x in st]
        codes, uniques = pd.factorize(pd.Series(flat, dtype=object))
    hv = np.array([_sha1_32(u.encode("utf-8")) for u in uniques], dtype=np.uint32)
    hv = _fmix(hv, 32)[codes]
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    out = np.empty((len(sizes), num_perm), dtype=np.uint32)
    step = max(1, 200_000 // max(int(sizes.max(initial=1)), 1))   # sets per block: bounded memory
    with np.errstate(over="ignore"):
        for lo in range(0, len(sizes), step):
            hi = min(lo + step, len(sizes))
            seg = hv[starts[lo]:starts[hi - 1] + sizes[hi - 1]]
            # Permutations x shingles, so each set's minimum runs along contiguous memory
            # (7x faster than along the rows of shingles x permutations).
            phv = a[:, None] * seg + b[:, None]          # wraps modulo 2^32, as datasketch's does
            out[lo:hi] = np.minimum.reduceat(phv, starts[lo:hi] - starts[lo], axis=1).T
    return out


def minhash_candidates(sets: list[frozenset], num_perm: int = 128, threshold: float = 0.3,
                       seed: int = 1, max_bucket: int | None = None) -> set[tuple[int, int]]:
    """Candidate pairs ``(i, j)``, ``i < j``, likely to have Jaccard >= `threshold`.

    The set form of :func:`minhash_candidate_arrays` (same arguments), for
    small inputs and tests.
    """
    i, j = minhash_candidate_arrays(sets, num_perm, threshold, seed, max_bucket)
    return set(zip(i.tolist(), j.tolist()))


def minhash_candidate_arrays(sets: list[frozenset], num_perm: int = 128, threshold: float = 0.3,
                             seed: int = 1, max_bucket: int | None = None
                             ) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs likely to have Jaccard >= `threshold`, as sorted arrays ``i < j``.

    MinHash signatures (:func:`minhash_signatures`) are cut into the bands
    datasketch's MinHashLSH chooses for `threshold`; two texts whose band
    agrees become a candidate. The cost grows with the number of texts and
    candidates, not with the number of pairs. Candidates are not verified
    here: pass them to :func:`verify_pair_arrays`.

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
    max_bucket : int, optional
        A band bucket holding more texts than this gives a star (its first
        text with each other one) instead of every pair: the texts stay
        linked, and candidates stop growing with the square of how often a
        sentence recurs. None: every pair.

    Returns
    -------
    i, j : ndarray of int64
        Each pair once, ordered by ``(i, j)``.
    """
    from datasketch import MinHash, MinHashLSH

    keep = np.flatnonzero(set_sizes(sets) > 0)
    if len(keep) < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    if isinstance(sets, ShingleSets):
        kept = ShingleSets(sets.matrix[keep], sets.strings)
    else:
        kept = [sets[i] for i in keep]
    sig = minhash_signatures(kept, num_perm, seed)
    if sig is None:   # another datasketch scheme: its own objects
        kept = kept.to_sets() if isinstance(kept, ShingleSets) else kept
        encoded = [[x.encode("utf-8") for x in st] for st in kept]
        sig = np.array([m.hashvalues for m in MinHash.bulk(encoded, num_perm=num_perm, seed=seed,
                                                            hashfunc=_sha1_32)])
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    xs, ys = [], []
    for start, end in lsh.hashranges:
        x, y = _group_pairs(_row_codes(sig[:, start:end]), max_bucket)
        xs.append(x)
        ys.append(y)
    x, y = np.concatenate(xs), np.concatenate(ys)
    key = unique_sorted(x * len(keep) + y)
    return keep[key // len(keep)], keep[key % len(keep)]


def _row_codes(values: np.ndarray) -> np.ndarray:
    """A code per row of a 2-D array of 32-bit values: equal rows, and only they, share a code.

    The first two columns are one 64-bit value; then, one column at a time,
    ``code * 2**32 + value`` is factorised (a hash table, exact: the code
    stays below the row count). Sorting the rows as raw bytes took 20 s of
    the 5,000-document run; a factorisation per column, 9 s.
    """
    values = np.asarray(values, dtype=np.uint32)
    first = values[:, 0].astype(np.uint64) << np.uint64(32)
    if values.shape[1] > 1:
        first |= values[:, 1]
    code = pd.factorize(first.view(np.int64))[0].astype(np.int64)
    for c in range(2, values.shape[1]):
        code = pd.factorize((code << 32) | values[:, c].astype(np.int64))[0].astype(np.int64)
    return code


def incidence(sets: list[frozenset]) -> sp.csr_matrix:
    """Binary text x shingle matrix (CSR) of a list of shingle sets.

    Columns are numbered in order of first appearance; the shingles are coded
    by one factorisation, not a dictionary look-up per shingle.
    """
    sizes = np.fromiter(map(len, sets), dtype=np.int64, count=len(sets))
    flat = [x for st in sets for x in st]
    codes, uniques = pd.factorize(pd.Series(flat, dtype=object)) if flat else (np.zeros(0, np.int64), [])
    data = np.ones(len(codes), dtype=np.int32)
    return sp.csr_matrix((data, np.asarray(codes, dtype=np.int64), np.r_[0, np.cumsum(sizes)]),
                         shape=(len(sets), max(len(uniques), 1)))


def exact_pairs(sets, threshold: float) -> dict[tuple[int, int], float]:
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
    X = shingle_matrix(sets)
    inter = sp.triu(X @ X.T, k=1).tocoo()
    sizes = set_sizes(sets)
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
    X = shingle_matrix(sets) if X is None else X
    return overlap_scores(*pair_overlap(X, i, j))


def pair_overlap(X: sp.csr_matrix, i: np.ndarray, j: np.ndarray, block: int = 100_000):
    """Intersection and the two set sizes for row pairs of a binary incidence matrix.

    In blocks of `block` pairs, so memory stays bounded however many pairs there are.
    """
    inter = np.empty(len(i))
    for lo in range(0, len(i), block):
        inter[lo:lo + block] = np.asarray(X[i[lo:lo + block]].multiply(X[j[lo:lo + block]])
                                          .sum(axis=1)).ravel()
    size = np.diff(X.indptr).astype(float)
    return inter, size[i], size[j]


def overlap_scores(shared, size_i, size_j) -> tuple[np.ndarray, np.ndarray]:
    """Jaccard and :func:`overlap` (share of the smaller set) from shared and set sizes (0 when empty)."""
    shared, size_i, size_j = (np.asarray(x, dtype=float) for x in (shared, size_i, size_j))
    union, small = size_i + size_j - shared, np.minimum(size_i, size_j)
    jac = np.where(union > 0, shared / np.where(union > 0, union, 1), 0.0)
    return jac, np.where(small > 0, shared / np.where(small > 0, small, 1), 0.0)


def verify_pairs(sets: list[frozenset], pairs, threshold: float) -> dict[tuple[int, int], float]:
    """Keep the candidate pairs whose exact Jaccard reaches `threshold`.

    The dictionary form of :func:`verify_pair_arrays`, for small inputs.

    Returns
    -------
    dict
        ``(i, j) -> jaccard`` with ``i < j``.
    """
    ij = np.array(list(pairs), dtype=np.int64).reshape(-1, 2)
    i, j, jac = verify_pair_arrays(sets, ij[:, 0], ij[:, 1], threshold)
    return dict(zip(zip(i.tolist(), j.tolist()), jac.tolist()))


def verify_pair_arrays(sets: list[frozenset], i, j, threshold: float, X: sp.csr_matrix | None = None
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The candidate pairs ``(i[m], j[m])`` whose exact Jaccard reaches `threshold`.

    Parameters
    ----------
    sets : list of frozenset
    i, j : array-like of int
        Candidate pairs, in either order, possibly repeated.
    threshold : float
    X : sparse matrix, optional
        ``incidence(sets)``, when already built.

    Returns
    -------
    i, j, jaccard : ndarray
        Each kept pair once with ``i < j``, ordered by ``(i, j)``.
    """
    i, j = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)
    n = max(len(sets), 1)
    key = unique_sorted(np.minimum(i, j) * n + np.maximum(i, j))
    i, j = key // n, key % n
    jac = pair_scores(sets, i, j, X)[0]
    keep = jac >= threshold
    return i[keep], j[keep], jac[keep]


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
