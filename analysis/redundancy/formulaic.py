"""Formulaic phrases: maximal word n-grams that recur across or within documents.

An n-gram (at least `min_n` words, never across a sentence boundary, not made
only of stop words) is *formulaic* when it occurs in at least `min_docs`
documents, or at least `min_repeats` times within one document. Only maximal
phrases are reported: a phrase is dropped when every one of its occurrences
sits inside a longer formulaic phrase ("lays the groundwork for long-term"
rather than also "the groundwork for long-term").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import text as T
from ..arrays import unique_sorted

PHRASE_COLUMNS = ["phrase", "n_words", "count", "n_docs", "max_in_one_doc", "docs",
                  "sentence_ids"]
OCCURRENCE_COLUMNS = ["phrase", "n_words", "start"]


def _dense(labels: np.ndarray) -> np.ndarray:
    """Relabel `labels` as 0, 1, 2, ... in order of first appearance."""
    return pd.factorize(labels)[0] if len(labels) else labels.astype(np.int64)


def _recurring(group: np.ndarray, doc: np.ndarray, min_docs: int, min_repeats: int) -> np.ndarray:
    """For each group (dense labels), whether its occurrences recur.

    A group recurs when it occurs more than once and either in `min_docs`
    documents or `min_repeats` times in one document.
    """
    n_groups = int(group.max()) + 1 if len(group) else 0
    per_group = np.bincount(group, minlength=n_groups)
    n_doc_codes = int(doc.max()) + 1
    pairs, per_pair = np.unique(group.astype(np.int64) * n_doc_codes + doc, return_counts=True)
    pair_group = pairs // n_doc_codes
    n_docs = np.bincount(pair_group, minlength=n_groups)
    most = np.zeros(n_groups, np.int64)
    if len(pairs):
        first = np.flatnonzero(np.r_[True, pair_group[1:] != pair_group[:-1]])
        most[pair_group[first]] = np.maximum.reduceat(per_pair, first)
    return (per_group > 1) & ((n_docs >= min_docs) | (most >= min_repeats))


def find_phrases(ids: np.ndarray, sentence: np.ndarray, doc: np.ndarray, stop: np.ndarray,
                 min_n: int = 4, max_n: int = 30, min_docs: int = 2,
                 min_repeats: int = 3) -> pd.DataFrame:
    """Maximal recurring n-grams and where they occur.

    Works on the whole corpus as one array of word ids. Every n-gram gets an
    exact group label built from its (n-1)-word prefix's label and its last
    word, with no hashing and no per-word Python loop. Grows n-grams level by
    level: an n-gram can only recur if both of its (n-1)-word parts do, so the
    cost stays near linear in the number of words.

    Parameters
    ----------
    ids : ndarray of int
        Every word of the corpus as a vocabulary index, sentence after sentence.
    sentence : ndarray of int
        The sentence of each word (non-decreasing).
    doc : ndarray of int
        The document code of each sentence.
    stop : ndarray of bool
        For each vocabulary index, whether it is a stop word.
    min_n, max_n : int
        Shortest and longest phrase, in words.
    min_docs : int
        A phrase in this many documents recurs.
    min_repeats : int
        A phrase this many times in one document recurs.

    Returns
    -------
    DataFrame
        One row per occurrence of a maximal phrase: ``phrase`` (a label shared
        by the occurrences of one phrase), ``n_words`` and ``start`` (the
        index of its first word in `ids`).
    """
    ids = np.asarray(ids, np.int64)
    sentence = np.asarray(sentence, np.int64)
    n_words = len(ids)
    if n_words == 0:
        return pd.DataFrame({c: np.zeros(0, np.int64) for c in OCCURRENCE_COLUMNS})
    n_vocab = int(ids.max()) + 1
    length = np.bincount(sentence)
    first = np.r_[0, np.cumsum(length)[:-1]]
    room = length[sentence] - (np.arange(n_words) - first[sentence])  # words left in the sentence
    word_doc = np.asarray(doc, np.int64)[sentence]
    content = np.r_[0, np.cumsum(~np.asarray(stop, bool)[ids])]      # content words before each

    # Exact labels of every min_n-gram: pair each prefix's label with the next word.
    label = ids.copy()
    for n in range(2, min_n + 1):
        start = np.flatnonzero(room >= n)
        nxt = np.full(n_words, -1, np.int64)
        nxt[start] = _dense(label[start] * n_vocab + ids[start + n - 1])
        label = nxt
    start = np.flatnonzero(room >= min_n)
    group = _dense(label[start])
    if len(start):
        keep = _recurring(group, word_doc[start], min_docs, min_repeats)[group]
        start, group = start[keep], _dense(group[keep])

    pieces = []
    n, next_label = min_n, 0
    while len(start):
        at = np.full(n_words, -1, np.int64)
        at[start] = group
        longer = start[room[start] > n] if n < max_n else start[:0]
        longer = longer[at[longer + 1] >= 0]              # its suffix recurs too
        longer_group = _dense(at[longer] * n_vocab + ids[longer + n])
        if len(longer):
            keep = _recurring(longer_group, word_doc[longer], min_docs, min_repeats)[longer_group]
            longer, longer_group = longer[keep], _dense(longer_group[keep])
        covered = np.zeros(n_words + 1, bool)
        covered[longer] = True                            # as the prefix of a longer phrase
        covered[longer + 1] = True                        # as its suffix
        n_groups = int(group.max()) + 1
        free = np.bincount(group[~covered[start]], minlength=n_groups) > 0
        _, first_occ = np.unique(group, return_index=True)
        opening = start[first_occ]
        has_content = content[opening + n] - content[opening] > 0
        kept = (free & has_content)[group]
        pieces.append(pd.DataFrame({"phrase": next_label + group[kept], "n_words": n,
                                    "start": start[kept]}))
        next_label += n_groups
        start, group = longer, longer_group
        n += 1
    if not pieces:
        return pd.DataFrame({c: np.zeros(0, np.int64) for c in OCCURRENCE_COLUMNS})
    out = pd.concat(pieces, ignore_index=True)
    out["phrase"] = _dense(out["phrase"].to_numpy())
    return out


def phrase_table(sentences: pd.DataFrame, min_n: int = 4, min_docs: int = 2,
                 min_repeats: int = 3, max_n: int = 30, tokens: tuple | None = None,
                 with_members: bool = False):
    """The formulaic phrases of a corpus as a tidy table.

    Parameters
    ----------
    sentences : DataFrame
        ``Corpus.sentences`` (needs ``doc_id``, ``sentence_id``, ``text``).
    min_n, min_docs, min_repeats, max_n : int
        See :func:`find_phrases`.
    tokens : tuple, optional
        ``(vocabulary, ids, sentence)`` of `sentences` as
        :func:`analysis.text.tokenize` gives them (``Corpus.sentence_tokens``),
        to save tokenising again.
    with_members : bool
        Also return which sentences hold each phrase, as row numbers (at
        5,000 documents, splitting ``sentence_ids`` again took 27 s).

    Returns
    -------
    DataFrame
        One row per maximal phrase: ``phrase``, ``n_words``, ``count``,
        ``n_docs``, ``max_in_one_doc``, ``docs`` (";"-joined, sorted),
        ``sentence_ids`` (";"-joined, sorted); most documents, then most
        frequent, then longest first.
    members : DataFrame
        Only when `with_members`: ``phrase`` (row of the table) and ``row``
        (row of `sentences`), each pair once, ordered by both.
    """
    vocab, ids, sentence = tokens if tokens is not None else T.tokenize(sentences["text"].tolist())
    doc_rank, doc_names = pd.factorize(sentences["doc_id"], sort=True)
    sid_rank, sid_names = pd.factorize(sentences["sentence_id"], sort=True)
    stop_words = T.stop_words()   # bound once: the module attribute costs a call per word
    stop = np.array([w in stop_words for w in vocab], bool)
    occ = find_phrases(ids, sentence, doc_rank, stop, min_n=min_n, max_n=max_n,
                       min_docs=min_docs, min_repeats=min_repeats)
    if occ.empty:
        empty = pd.DataFrame(columns=PHRASE_COLUMNS)
        none = pd.DataFrame({"phrase": np.zeros(0, np.int64), "row": np.zeros(0, np.int64)})
        return (empty, none) if with_members else empty
    phrase, start = occ["phrase"].to_numpy(), occ["start"].to_numpy()
    sent = sentence[start]
    n_phrases = int(phrase.max()) + 1
    _, head = np.unique(phrase, return_index=True)
    docs, per_doc, doc_group = _distinct(phrase, doc_rank[sent], np.asarray(doc_names, object))
    most = np.maximum.reduceat(per_doc, np.flatnonzero(np.r_[True, doc_group[1:] != doc_group[:-1]]))
    frame = pd.DataFrame({
        "phrase": [" ".join(vocab[ids[s:s + n]]) for s, n in
                   zip(start[head], occ["n_words"].to_numpy()[head])],
        "n_words": occ["n_words"].to_numpy()[head],
        "count": np.bincount(phrase, minlength=n_phrases),
        "n_docs": np.bincount(doc_group, minlength=n_phrases),
        "max_in_one_doc": most,
        "docs": docs,
        "sentence_ids": _distinct(phrase, sid_rank[sent], np.asarray(sid_names, object))[0],
    })
    frame = frame.sort_values(["n_docs", "count", "n_words", "phrase"],
                              ascending=[False, False, False, True])
    if not with_members:
        return frame.reset_index(drop=True)
    row_of = np.empty(n_phrases, dtype=np.int64)
    row_of[frame.index.to_numpy()] = np.arange(n_phrases)
    n_sent = max(len(sentences), 1)
    key = unique_sorted(row_of[phrase] * n_sent + sent)
    return frame.reset_index(drop=True), pd.DataFrame({"phrase": key // n_sent, "row": key % n_sent})


def _distinct(group: np.ndarray, rank: np.ndarray, names: np.ndarray):
    """Each group's distinct names, ";"-joined in sorted order, and how often each occurs.

    `group` holds dense labels 0..G-1, each used at least once; `rank` indexes
    `names`, which is sorted.

    Returns
    -------
    joined : list of str
        One string per group.
    counts : ndarray of int
        Occurrences of each distinct (group, name), in group then name order.
    groups : ndarray of int
        The group of each entry of `counts`.
    """
    width = int(rank.max()) + 1
    keys, counts = np.unique(group.astype(np.int64) * width + rank, return_counts=True)
    groups = keys // width
    values = names[keys % width].tolist()
    bounds = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1], True])
    return [";".join(values[a:b]) for a, b in zip(bounds[:-1], bounds[1:])], counts, groups
