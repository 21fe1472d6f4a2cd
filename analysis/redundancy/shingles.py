"""Word shingles, overlap scores and sub-quadratic candidate search.

The verbatim layer of the redundancy analysis: each text becomes the set of
its word k-grams ("shingles"); MinHash-LSH (datasketch) proposes candidate
pairs without comparing every pair, and every candidate is then verified
exactly. :func:`exact_pairs` computes the same answer without LSH (through a
sparse shingle-incidence product) and serves as the reference on small sets.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

import numpy as np
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


def minhash_candidates(sets: list[frozenset], num_perm: int = 128, threshold: float = 0.3,
                       seed: int = 1) -> set[tuple[int, int]]:
    """Candidate pairs ``(i, j)``, ``i < j``, likely to have Jaccard >= `threshold`.

    Uses datasketch's MinHash and MinHashLSH (banding), so the cost grows
    with the number of texts, not with the number of pairs. Candidates are
    not verified here: pass them to :func:`verify_pairs`.

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

    keep = [i for i, s in enumerate(sets) if s]
    if len(keep) < 2:
        return set()
    encoded = [[x.encode("utf-8") for x in sets[i]] for i in keep]
    hashes = MinHash.bulk(encoded, num_perm=num_perm, seed=seed, hashfunc=_sha1_32)
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    # Bucket directly on the band keys instead of querying one text at a time.
    buckets: list[dict] = [defaultdict(list) for _ in range(lsh.b)]
    for idx, mh in zip(keep, hashes):
        hv = mh.hashvalues
        for band, (start, end) in enumerate(lsh.hashranges):
            buckets[band][hv[start:end].tobytes()].append(idx)
    out: set[tuple[int, int]] = set()
    for band in buckets:
        for members in band.values():
            if len(members) > 1:
                for x in range(len(members)):
                    for y in range(x + 1, len(members)):
                        a, b = members[x], members[y]
                        out.add((a, b) if a < b else (b, a))
    return out


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


def verify_pairs(sets: list[frozenset], pairs, threshold: float) -> dict[tuple[int, int], float]:
    """Keep the candidate pairs whose exact Jaccard reaches `threshold`.

    Returns
    -------
    dict
        ``(i, j) -> jaccard`` with ``i < j``.
    """
    out = {}
    for i, j in pairs:
        i, j = (i, j) if i < j else (j, i)
        v = jaccard(sets[i], sets[j])
        if v >= threshold:
            out[(i, j)] = v
    return out


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
