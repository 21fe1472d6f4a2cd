"""Formulaic phrases: maximal word n-grams that recur across or within documents.

An n-gram (at least `min_n` words, never across a sentence boundary, not made
only of stop words) is *formulaic* when it occurs in at least `min_docs`
documents, or at least `min_repeats` times within one document. Only maximal
phrases are reported: a phrase is dropped when every one of its occurrences
sits inside a longer formulaic phrase ("lays the groundwork for long-term"
rather than also "the groundwork for long-term").
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from .. import text as T

PHRASE_COLUMNS = ["phrase", "n_words", "count", "n_docs", "max_in_one_doc", "docs",
                  "sentence_ids"]


def _recurs(occ: list[tuple[int, int]], doc_of: list[str], min_docs: int, min_repeats: int) -> bool:
    per_doc: dict[str, int] = defaultdict(int)
    for s, _ in occ:
        per_doc[doc_of[s]] += 1
    return len(per_doc) >= min_docs or max(per_doc.values()) >= min_repeats


def find_phrases(sentence_words: list[list[str]], doc_of: list[str], min_n: int = 4,
                 max_n: int = 30, min_docs: int = 2, min_repeats: int = 3) -> dict[tuple, list]:
    """Maximal recurring n-grams and where they occur.

    Grows n-grams level by level (an n-gram can only recur if both of its
    (n-1)-word parts do), so the cost stays near linear in the number of words.

    Parameters
    ----------
    sentence_words : list of list of str
        Each sentence's lower-cased words.
    doc_of : list of str
        The document of each sentence.
    min_n, max_n : int
        Shortest and longest phrase, in words.
    min_docs : int
        A phrase in this many documents recurs.
    min_repeats : int
        A phrase this many times in one document recurs.

    Returns
    -------
    dict
        ``phrase tuple -> [(sentence index, word position), ...]``.
    """
    def ok(g):
        return not all(w in T.STOP_WORDS for w in g)

    level: dict[tuple, list] = defaultdict(list)
    for s, ws in enumerate(sentence_words):
        for i in range(len(ws) - min_n + 1):
            level[tuple(ws[i:i + min_n])].append((s, i))
    level = {g: o for g, o in level.items() if len(o) > 1 and _recurs(o, doc_of, min_docs, min_repeats)}
    kept: dict[tuple, list] = {}
    n = min_n
    while level:
        longer: dict[tuple, list] = defaultdict(list)
        if n < max_n:
            starts = {(s, i) for o in level.values() for s, i in o}
            for s, i in starts:
                ws = sentence_words[s]
                if i + n < len(ws) and (s, i + 1) in starts:
                    g = tuple(ws[i:i + n + 1])
                    if g[1:] in level:
                        longer[g].append((s, i))
            longer = {g: o for g, o in longer.items()
                      if len(o) > 1 and _recurs(o, doc_of, min_docs, min_repeats)}
        covered = set()
        for o in longer.values():
            for s, i in o:
                covered.add((s, i))      # as the prefix of a longer phrase
                covered.add((s, i + 1))  # as its suffix
        for g, o in level.items():
            # Keep g unless longer phrases account for all its occurrences.
            if ok(g) and any(x not in covered for x in o):
                kept[g] = o
        level = longer
        n += 1
    return kept


def phrase_table(sentences: pd.DataFrame, min_n: int = 4, min_docs: int = 2,
                 min_repeats: int = 3, max_n: int = 30) -> pd.DataFrame:
    """The formulaic phrases of a corpus as a tidy table.

    Parameters
    ----------
    sentences : DataFrame
        ``Corpus.sentences`` (needs ``doc_id``, ``sentence_id``, ``text``).
    min_n, min_docs, min_repeats, max_n : int
        See :func:`find_phrases`.

    Returns
    -------
    DataFrame
        One row per maximal phrase: ``phrase``, ``n_words``, ``count``,
        ``n_docs``, ``max_in_one_doc``, ``docs`` (";"-joined),
        ``sentence_ids`` (";"-joined); most documents, then most frequent,
        then longest first.
    """
    words = [T.words(t) for t in sentences["text"]]
    doc_of = list(sentences["doc_id"])
    ids = list(sentences["sentence_id"])
    found = find_phrases(words, doc_of, min_n=min_n, max_n=max_n, min_docs=min_docs,
                         min_repeats=min_repeats)
    rows = []
    for g, occ in found.items():
        per_doc: dict[str, int] = defaultdict(int)
        for s, _ in occ:
            per_doc[doc_of[s]] += 1
        sids = sorted({ids[s] for s, _ in occ})
        rows.append({
            "phrase": " ".join(g), "n_words": len(g), "count": len(occ),
            "n_docs": len(per_doc), "max_in_one_doc": max(per_doc.values()),
            "docs": ";".join(sorted(per_doc)), "sentence_ids": ";".join(sids),
        })
    frame = pd.DataFrame(rows, columns=PHRASE_COLUMNS)
    return frame.sort_values(["n_docs", "count", "n_words", "phrase"],
                             ascending=[False, False, False, True], ignore_index=True)
