"""Verbatim layer: near-copies between sentences and paragraphs, and shared passages.

Sentences and paragraphs become word-shingle sets
(:mod:`analysis.redundancy.shingles`); MinHash-LSH proposes candidates that
are verified exactly. Shared passages are the longest word runs two documents
(or two places in one) have in common.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .. import text as T
from .shingles import (exact_pairs, minhash_candidate_arrays, minhash_candidates, overlap,
                       pair_scores, set_sizes, shared_runs, text_shingles, verify_pair_arrays,
                       verify_pairs, window_hashes)


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


def is_near_copy(sets, i, j, near_copy: float, containment: float, X=None
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Jaccard, containment (share of the shorter side) and the near-copy flag of pairs ``(i, j)``.

    Containment is only trusted when both sides have at least 3 shingles;
    otherwise it falls back to the Jaccard. `X` is ``incidence(sets)`` when
    already built.
    """
    jac, ovl = pair_scores(sets, i, j, X)
    sizes = set_sizes(sets)
    if len(jac):
        ovl = np.where(np.minimum(sizes[np.asarray(i)], sizes[np.asarray(j)]) >= 3, ovl, jac)
    return jac, ovl, (jac >= near_copy) | (ovl >= containment)

def empty_passages():
    return pd.DataFrame(columns=["doc_a", "doc_b", "scope", "words", "a_start", "a_end",
                                 "b_start", "b_end", "text"])


def _word_ids(words: list[list[str]]) -> tuple[list[np.ndarray], np.ndarray]:
    """Each document's words as ids into one corpus vocabulary, and the document of each word."""
    lengths = np.array([len(w) for w in words], dtype=np.int64)
    flat = [w for ws in words for w in ws]
    ids = pd.factorize(pd.Series(flat, dtype=object))[0].astype(np.int64) if flat else np.zeros(0, np.int64)
    return np.split(ids, np.cumsum(lengths)[:-1]) if len(words) else [], lengths


def passage_candidates(words: list[list[str]], min_words: int,
                       hashes: list[np.ndarray] | None = None,
                       max_docs: int | None = None) -> list[tuple[int, int]]:
    """Document pairs ``(x, y)``, ``x <= y``, that share a run of `min_words` words.

    A shared passage of at least `min_words` words means both documents hold
    the same `min_words`-gram, so only pairs sharing a hashed `min_words`-gram
    (or, for ``x == y``, a document holding one twice) can have one. Hash
    collisions only add candidates, which :func:`shared_runs` checks exactly.

    Parameters
    ----------
    words : list of list of str
    min_words : int
    hashes : list of ndarray, optional
        :func:`window_hashes` of each document's word ids, when already computed.
    max_docs : int, optional
        A `min_words`-gram in more documents than this is boilerplate, not a
        passage one document shares with another (the phrase layer lists it),
        and pairs sharing only such runs are not candidates: otherwise a run
        common to every document makes every pair of documents one. None: no limit.
    """
    k = min_words
    if hashes is None:
        hashes = [window_hashes(ids, k) for ids in _word_ids(words)[0]]
    sizes = np.array([len(h) for h in hashes], dtype=np.int64)
    if not len(hashes) or not sizes.sum():
        return []
    h, d = np.concatenate(hashes), np.repeat(np.arange(len(hashes)), sizes)
    codes = pd.factorize(h)[0]
    pairs = pd.DataFrame({"h": codes, "d": d})
    counts = pairs.groupby(["h", "d"]).size()
    within = sorted(set(counts[counts > 1].index.get_level_values("d").tolist()))
    cell = counts.index.to_frame(index=False)
    if max_docs is not None:
        spread = np.bincount(cell["h"].to_numpy(), minlength=int(codes.max()) + 1)
        cell = cell[spread[cell["h"].to_numpy()] <= max_docs]
    H = sp.csr_matrix((np.ones(len(cell)), (cell["d"], cell["h"])),
                      shape=(len(hashes), int(codes.max()) + 1 if len(codes) else 1))
    C = sp.triu(H @ H.T, k=1).tocoo()
    cands = set(zip(C.row.tolist(), C.col.tolist())) | {(x, x) for x in within}
    return sorted(cands)


def passages(corpus, min_words: int, max_docs: int | None = None) -> pd.DataFrame:
    """Longest word runs shared by two documents (or twice within one).

    Only document pairs that share a `min_words`-gram found in at most
    `max_docs` documents are compared (:func:`passage_candidates`), so the
    cost grows with the shared material, not with the square of the number
    of documents; each pair is compared by sorted window hashes
    (:func:`shared_runs`), not word by word.
    """
    docs = list(corpus.docs)
    spans = [T.word_spans(d.text) for d in docs]
    words = [[d.text[a:b].lower() for a, b in sp_] for d, sp_ in zip(docs, spans)]
    ids, _ = _word_ids(words)
    hashes = [window_hashes(x, min_words) for x in ids]
    rows = []
    for x, y in passage_candidates(words, min_words, hashes, max_docs):
        sa, sb = spans[x], spans[y]
        for i, j, n in shared_runs(ids[x], ids[y], min_words, x == y, hashes[x], hashes[y]):
            rows.append({
                "doc_a": docs[x].doc_id, "doc_b": docs[y].doc_id,
                "scope": "within" if x == y else "cross", "words": n,
                "a_start": sa[i][0], "a_end": sa[i + n - 1][1],
                "b_start": sb[j][0], "b_end": sb[j + n - 1][1],
                "text": docs[x].text[sa[i][0]:sa[i + n - 1][1]],
            })
    frame = pd.DataFrame(rows, columns=empty_passages().columns)
    return frame.sort_values(["words", "doc_a", "doc_b"], ascending=[False, True, True],
                             ignore_index=True)


def paragraph_pairs(corpus, k, threshold, lsh, seed, use_lsh) -> pd.DataFrame:
    cols = ["a_id", "b_id", "a_doc", "b_doc", "scope", "lexical", "containment", "a_text", "b_text"]
    if corpus is None:
        return pd.DataFrame(columns=cols)
    P = corpus.paragraphs.reset_index(drop=True)
    sets = text_shingles(P["text"], k)
    if use_lsh:
        found = verify_pairs(sets, minhash_candidates(sets, lsh["num_perm"], lsh["threshold"], seed,
                                                   lsh.get("max_bucket")),
                             threshold)
    else:
        found = exact_pairs(sets, threshold)
    rows = []
    for (i, j), v in sorted(found.items()):
        rows.append({"a_id": P.paragraph_id[i], "b_id": P.paragraph_id[j], "a_doc": P.doc_id[i],
                     "b_doc": P.doc_id[j], "scope": "within" if P.doc_id[i] == P.doc_id[j] else "cross",
                     "lexical": v, "containment": overlap(sets[i], sets[j]),
                     "a_text": P.text[i], "b_text": P.text[j]})
    return pd.DataFrame(rows, columns=cols)
