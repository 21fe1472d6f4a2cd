"""Verbatim layer: near-copies between sentences and paragraphs, and shared passages.

Sentences and paragraphs become word-shingle sets
(:mod:`analysis.redundancy.shingles`); MinHash-LSH proposes candidates that
are verified exactly. Shared passages are the longest word runs two documents
(or two places in one) have in common.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import text as T
from ..arrays import unique_sorted
from .shingles import (exact_pairs, minhash_candidate_arrays, overlap_scores, pair_scores, set_sizes,
                       shingle_sets, verify_pair_arrays, window_hashes)


def near_copy_pairs(sets, near_copy: float, lsh: dict, random_state: int, use_lsh: bool = True,
                    X=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sentence pairs whose shingle Jaccard reaches ``min(near_copy, lsh threshold)``.

    Parameters
    ----------
    sets : list of frozenset
        Shingle sets.
    near_copy : float
    lsh : dict
        ``num_perm``, ``threshold`` and optionally ``max_bucket``.
    random_state : int
    use_lsh : bool
        False: every pair is checked (through a sparse product).
    X : sparse matrix, optional
        ``incidence(sets)``, when already built.

    Returns
    -------
    i, j, jaccard : ndarray
        Each pair once with ``i < j``, ordered by ``(i, j)``.
    """
    floor = min(near_copy, lsh["threshold"])
    if use_lsh:
        ci, cj = minhash_candidate_arrays(sets, lsh["num_perm"], lsh["threshold"], random_state,
                                          lsh.get("max_bucket"))
        return verify_pair_arrays(sets, ci, cj, floor, X)
    found = exact_pairs(sets, floor)
    ij = np.array(sorted(found), dtype=np.int64).reshape(-1, 2)
    return ij[:, 0], ij[:, 1], np.array([found[k] for k in map(tuple, ij.tolist())], dtype=float)


def is_near_copy(sets, i, j, near_copy: float, containment: float, X=None, overlap=None
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Jaccard, containment (share of the shorter side) and the near-copy flag of pairs ``(i, j)``.

    Containment is only trusted when both sides have at least 3 shingles;
    otherwise it falls back to the Jaccard. `X` is ``incidence(sets)`` when
    already built; `overlap` the pairs' ``(shared, size_i, size_j)`` shingle
    counts when already counted.
    """
    jac, ovl = pair_scores(sets, i, j, X) if overlap is None else overlap_scores(*overlap)
    sizes = set_sizes(sets)
    if len(jac):
        ovl = np.where(np.minimum(sizes[np.asarray(i)], sizes[np.asarray(j)]) >= 3, ovl, jac)
    return jac, ovl, (jac >= near_copy) | (ovl >= containment)

def empty_passages():
    return pd.DataFrame(columns=["doc_a", "doc_b", "scope", "words", "a_start", "a_end",
                                 "b_start", "b_end", "text"])


def passages(corpus, min_words: int, max_docs: int | None = None) -> pd.DataFrame:
    """Longest word runs shared by two documents (or twice within one).

    Every `min_words`-word window of the corpus is hashed once; windows with
    equal hashes, checked word by word, seed the runs, and each run is
    extended along its diagonal while the words agree (:func:`corpus_runs`).
    A window found in more than `max_docs` documents is boilerplate (the
    phrase layer lists it): it seeds no passage, though a passage may run
    through it. The cost grows with the shared material, not with the square
    of the number of documents, and no Python loop runs per document pair.
    """
    docs = list(corpus.docs)
    texts = [d.text for d in docs]
    _, flat, doc = T.tokenize(texts, chunk=500)   # a regex pass per 500 documents, no loop per word
    lengths = np.bincount(doc, minlength=len(docs)).astype(np.int64)
    runs = corpus_runs(flat, lengths, min_words, max_docs)
    if not len(runs["a"]):
        return empty_passages()
    first = np.r_[0, np.cumsum(lengths)[:-1]]
    a, b, n = runs["a"], runs["b"], runs["words"]
    da, db = doc[a], doc[b]
    # Character spans, only in the documents a run touches (the same words, found again).
    span = np.zeros((len(flat), 2), dtype=np.int64)
    for x in unique_sorted(np.r_[da, db]).tolist():
        span[first[x]:first[x] + lengths[x]] = np.asarray(T.word_spans(texts[x]),
                                                          dtype=np.int64).reshape(-1, 2)
    names = np.array([d.doc_id for d in docs], dtype=object)
    a_start, a_end, b_start, b_end = span[a, 0], span[a + n - 1, 1], span[b, 0], span[b + n - 1, 1]
    frame = pd.DataFrame({
        "doc_a": names[da], "doc_b": names[db], "scope": np.where(da == db, "within", "cross"),
        "words": n, "a_start": a_start, "a_end": a_end, "b_start": b_start, "b_end": b_end,
        "text": [texts[x][s:e] for x, s, e in zip(da.tolist(), a_start.tolist(), a_end.tolist())],
    })
    # Longest first; then by document pair and by place, as the runs of one pair were listed.
    frame["_a"], frame["_b"] = a - first[da], b - first[db]
    frame = frame.sort_values(["words", "doc_a", "doc_b", "_a", "_b"],
                              ascending=[False, True, True, True, True], kind="stable")
    return frame.drop(columns=["_a", "_b"]).reset_index(drop=True)


def corpus_runs(ids: np.ndarray, lengths: np.ndarray, k: int, max_docs: int | None = None) -> dict:
    """Maximal runs of at least `k` words found at two places of a corpus.

    Parameters
    ----------
    ids : ndarray of int
        The word ids of every document, one after another.
    lengths : ndarray of int
        Words per document.
    k : int
        Shortest run.
    max_docs : int, optional
        A `k`-word window in more documents than this seeds no run. None: any window.

    Returns
    -------
    dict of ndarray
        ``a`` and ``b`` (first word of each place, ``a < b``, in `ids`) and ``words``.
        Each pair of places once; a place shared by three documents gives three runs.
    """
    empty = {"a": np.zeros(0, np.int64), "b": np.zeros(0, np.int64), "words": np.zeros(0, np.int64)}
    ids = np.asarray(ids, dtype=np.int64)
    lengths = np.asarray(lengths, dtype=np.int64)
    first = np.r_[0, np.cumsum(lengths)[:-1]].astype(np.int64)
    doc = np.repeat(np.arange(len(lengths)), lengths)
    # Windows wholly inside one document, by their first word.
    place = np.arange(len(ids), dtype=np.int64) - first[doc]
    starts = np.flatnonzero(place <= lengths[doc] - k)
    if len(starts) < 2:
        return empty
    h = window_hashes(ids, k)[starts]
    codes = pd.factorize(h)[0]
    # Boilerplate: a window in more than max_docs documents.
    if max_docs is not None:
        n_docs = max(len(lengths), 1)
        code_doc = unique_sorted(codes.astype(np.int64) * n_docs + doc[starts])
        spread = np.bincount(code_doc // n_docs, minlength=int(codes.max()) + 1)
        keep = spread[codes] <= max_docs
        starts, codes = starts[keep], codes[keep]
    # Every pair of windows with the same hash: sort by hash, pair each window with the later ones.
    o = np.lexsort((starts, codes))
    starts, codes = starts[o], codes[o]
    new = np.r_[True, codes[1:] != codes[:-1]]
    group_start = np.flatnonzero(new)
    size = np.diff(np.r_[group_start, len(codes)])
    rank = np.arange(len(codes)) - np.repeat(group_start, size)
    later = np.repeat(size, size) - rank - 1          # windows after this one in its group
    left = np.repeat(np.arange(len(codes)), later)
    step = np.arange(len(left)) - np.repeat(np.cumsum(later) - later, later) + 1
    a, b = starts[left], starts[left + step]
    if not len(a):
        return empty
    exact = np.ones(len(a), dtype=bool)             # hash collisions out, one word at a time
    for off in range(k):
        exact &= ids[a + off] == ids[b + off]
    a, b = a[exact], b[exact]
    # Chain seeds along their diagonal, then extend each chain while the words agree.
    d = b - a
    o = np.lexsort((a, d))
    a, d = a[o], d[o]
    head = np.r_[True, (d[1:] != d[:-1]) | (a[1:] != a[:-1] + 1)]
    tail = np.r_[head[1:], True]
    lo, hi, d = a[head], a[tail] + k, d[head]                 # words [lo, hi) and [lo+d, hi+d)
    doc_lo, doc_hi = first[doc[lo]], first[doc[lo]] + lengths[doc[lo]]
    b_lo = first[doc[lo + d]]
    b_hi = b_lo + lengths[doc[lo + d]]
    grow = np.arange(len(lo))
    while len(grow):
        x = grow[(lo[grow] > doc_lo[grow]) & (lo[grow] + d[grow] > b_lo[grow])]
        x = x[ids[lo[x] - 1] == ids[lo[x] + d[x] - 1]]
        lo[x] -= 1
        grow = x
    grow = np.arange(len(hi))
    while len(grow):
        x = grow[(hi[grow] < doc_hi[grow]) & (hi[grow] + d[grow] < b_hi[grow])]
        x = x[ids[hi[x]] == ids[hi[x] + d[x]]]
        hi[x] += 1
        grow = x
    # Chains split by boilerplate grow into the same run: keep it once.
    o = np.lexsort((hi, d, lo))
    lo, d, hi = lo[o], d[o], hi[o]
    once = np.r_[True, (lo[1:] != lo[:-1]) | (d[1:] != d[:-1]) | (hi[1:] != hi[:-1])]
    lo, d, hi = lo[once], d[once], hi[once]
    return {"a": lo, "b": lo + d, "words": hi - lo}


def paragraph_pairs(corpus, k, threshold, lsh, seed, use_lsh) -> pd.DataFrame:
    """Paragraph near-copies: pairs whose word `k`-shingle Jaccard reaches `threshold`.

    Shingle sets come from the paragraphs' words (``Corpus.paragraph_tokens()``,
    the sentences' tokens regrouped; :func:`shingle_sets`), candidates from
    MinHash-LSH (or, without it, every pair through a sparse product),
    verified exactly.

    Returns
    -------
    DataFrame
        ``a_id``, ``b_id``, ``a_doc``, ``b_doc``, ``scope``, ``lexical``
        (Jaccard), ``containment``, ``a_text``, ``b_text``; ordered by the
        paragraphs' places.
    """
    cols = ["a_id", "b_id", "a_doc", "b_doc", "scope", "lexical", "containment", "a_text", "b_text"]
    if corpus is None:
        return pd.DataFrame(columns=cols)
    P = corpus.paragraphs.reset_index(drop=True)
    sets = shingle_sets(corpus.paragraph_tokens(), len(P), k)
    if use_lsh:
        ci, cj = minhash_candidate_arrays(sets, lsh["num_perm"], lsh["threshold"], seed,
                                          lsh.get("max_bucket"))
        i, j, jac = verify_pair_arrays(sets, ci, cj, threshold)
    else:
        found = exact_pairs(sets, threshold)
        ij = np.array(sorted(found), dtype=np.int64).reshape(-1, 2)
        i, j = ij[:, 0], ij[:, 1]
        jac = np.array([found[x] for x in map(tuple, ij.tolist())], dtype=float)
    ovl = pair_scores(sets, i, j)[1]
    pid, doc, text = (P[c].to_numpy(dtype=object) for c in ("paragraph_id", "doc_id", "text"))
    return pd.DataFrame({
        "a_id": pid[i], "b_id": pid[j], "a_doc": doc[i], "b_doc": doc[j],
        "scope": np.where(doc[i] == doc[j], "within", "cross").astype(object),
        "lexical": jac, "containment": ovl, "a_text": text[i], "b_text": text[j]}, columns=cols)
