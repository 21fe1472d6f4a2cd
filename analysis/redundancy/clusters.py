"""Points: sentences grouped by "same point" edges, and the one definition of "restated".

A *point* is a connected group of sentences joined by same-point edges
(near-copies and verified paraphrases). Within a point the first sentence in
corpus order is its original; every later member is **restated**. So

- distinct points = sentences - restated sentences;
- a restated sentence is *within* when its original is in its own document,
  *cross* otherwise, and per-document counts add up to the corpus total;
- the document matrix counts, for each document, where the originals of its
  restated sentences are; its diagonal is the within count.

Everything here is vectorised over sentences; no n x n matrix is formed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from .. import text as T

CLUSTER_COLUMNS = ["cluster", "size", "n_docs", "docs", "sentence_id", "doc_id", "order", "text",
                   "restated", "representative", "representative_id", "representative_text",
                   "cohesion", "min_similarity"]
#: Documents named in a cluster row's ``docs`` (the rest as "+N more"; ``n_docs`` counts all).
DOCS_LISTED = 10
NOVELTY_COLUMNS = ["doc_id", "sentences", "restated", "restated_within", "restated_cross",
                   "distinct_points", "novelty", "unique_points", "words", "novel_words",
                   "word_novelty", "related_sentences", "with_formulaic_phrase"]


def point_labels(n: int, ai, bi) -> np.ndarray:
    """Connected components of the same-point graph, numbered in corpus order of first member."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    g = sp.coo_matrix((np.ones(len(ai)), (np.asarray(ai, int), np.asarray(bi, int))), shape=(n, n))
    _, comp = connected_components(g, directed=False)
    _, first = np.unique(comp, return_index=True)
    renumber = np.empty(len(first), dtype=np.int64)
    renumber[np.argsort(first, kind="stable")] = np.arange(len(first))
    return renumber[comp]


def sentence_flags(S: pd.DataFrame, labels: np.ndarray, related_ai, related_bi,
                   phrase_members: np.ndarray, nearest: np.ndarray) -> pd.DataFrame:
    """One row per sentence: its point, whether it is restated, where its original is.

    Parameters
    ----------
    S : DataFrame
        Sentences in corpus order (``sentence_id``, ``doc_id``, ``text``).
    labels : ndarray
        :func:`point_labels`.
    related_ai, related_bi : array-like of int
        Pairs of the "related" tier (themes revisited).
    phrase_members : ndarray of bool
        Sentences holding a formulaic phrase.
    nearest : ndarray
        Highest cosine to any other sentence among its retrieved neighbours.
    """
    n = len(S)
    docs = S["doc_id"].to_numpy()
    order = np.arange(n)
    first = pd.Series(order).groupby(labels).transform("min").to_numpy() if n else order
    restated = order != first
    original_doc = docs[first] if n else docs
    sizes = np.bincount(labels) if n else np.zeros(0, int)
    n_docs = pd.Series(docs).groupby(labels).nunique().to_numpy() if n else np.zeros(0, int)
    related = np.zeros(n, bool)
    related[np.asarray(related_ai, int)] = True
    related[np.asarray(related_bi, int)] = True
    # Corpus.sentences counts them already (the same tokeniser); count only when not given.
    words = (S["words"].to_numpy(dtype=int) if "words" in S
             else np.array([len(T.words(t)) for t in S["text"]], dtype=int))
    return pd.DataFrame({
        "sentence_id": S["sentence_id"], "doc_id": docs, "words": words,
        "point": labels, "point_size": sizes[labels] if n else labels,
        "point_docs": n_docs[labels] if n else labels,
        "restated": restated, "original_id": S["sentence_id"].to_numpy()[first] if n else [],
        "original_doc": original_doc,
        "restated_within": restated & (original_doc == docs),
        "restated_cross": restated & (original_doc != docs),
        "unique_to_doc": (n_docs[labels] == 1) if n else np.zeros(0, bool),
        "novel": ~restated, "related": related, "has_formulaic_phrase": phrase_members,
        "nearest_semantic": nearest, "text": S["text"],
    })


def novelty(flags: pd.DataFrame) -> pd.DataFrame:
    """Per document: sentences, restated (within + cross), distinct points, unique points, words."""
    if flags.empty:
        return pd.DataFrame(columns=NOVELTY_COLUMNS)
    f = flags.assign(novel_w=flags["words"] * flags["novel"],
                     unique_first=flags["unique_to_doc"] & flags["novel"])
    g = f.groupby("doc_id", sort=False)
    out = pd.DataFrame({
        "sentences": g.size(), "restated": g["restated"].sum(),
        "restated_within": g["restated_within"].sum(), "restated_cross": g["restated_cross"].sum(),
        "unique_points": g["unique_first"].sum(), "words": g["words"].sum(),
        "novel_words": g["novel_w"].sum(), "related_sentences": g["related"].sum(),
        "with_formulaic_phrase": g["has_formulaic_phrase"].sum(),
    }).reset_index()
    out["distinct_points"] = out["sentences"] - out["restated"]
    out["novelty"] = out["distinct_points"] / out["sentences"]
    out["word_novelty"] = np.where(out["words"] > 0, out["novel_words"] / out["words"].clip(lower=1), 1.0)
    return out[NOVELTY_COLUMNS].astype({c: int for c in NOVELTY_COLUMNS
                                        if c not in ("doc_id", "novelty", "word_novelty")})


def clusters(S: pd.DataFrame, V: np.ndarray, labels: np.ndarray) -> pd.DataFrame:
    """One row per member of every point with two or more sentences.

    The representative is the member closest to the point's centre (highest
    mean cosine to the others, from the vector sum: no m x m matrix);
    ``cohesion`` is the mean pairwise cosine and ``min_similarity`` the lowest
    similarity of a member to the centre, so a reader can tell a tight group
    from a loose one. Clusters are numbered by size, then by first sentence.
    ``docs`` names the point's documents in sorted order, at most
    :data:`DOCS_LISTED` of them and then ``+N more``; ``n_docs`` counts them all.
    """
    n = len(S)
    if n == 0:
        return pd.DataFrame(columns=CLUSTER_COLUMNS)
    sizes = np.bincount(labels)
    big = np.flatnonzero(sizes > 1)
    if not len(big):
        return pd.DataFrame(columns=CLUSTER_COLUMNS)
    member = np.isin(labels, big)
    idx = np.flatnonzero(member)
    lab = labels[idx]
    Vm = V[idx].astype(np.float64)
    totals = pd.DataFrame(Vm).groupby(lab).sum()
    tot = totals.loc[lab].to_numpy()
    self_sim = np.einsum("ij,ij->i", Vm, Vm)
    m = sizes[lab]
    mean_sim = (np.einsum("ij,ij->i", Vm, tot) - self_sim) / (m - 1)
    frame = pd.DataFrame({"point": lab, "row": idx, "mean_sim": mean_sim})
    rep_row = frame.loc[frame.groupby("point")["mean_sim"].idxmax()].set_index("point")["row"]
    tt = np.einsum("ij,ij->i", totals.to_numpy(), totals.to_numpy())
    ss = pd.Series(self_sim).groupby(lab).sum().to_numpy()
    msz = sizes[totals.index.to_numpy()]
    cohesion = pd.Series((tt - ss) / (msz * (msz - 1)), index=totals.index)
    min_sim = frame.groupby("point")["mean_sim"].min()
    docs = S["doc_id"].to_numpy()
    # Every member row names its point's documents: at most DOCS_LISTED of them, so a point
    # spread over thousands of documents does not write size x documents names.
    uniq = pd.DataFrame({"point": lab, "doc": docs[idx]}).drop_duplicates().sort_values(["point", "doc"])
    n_docs = uniq.groupby("point").size()
    shown = uniq.groupby("point").head(DOCS_LISTED).groupby("point")["doc"].agg(";".join)
    more = n_docs - DOCS_LISTED
    point_docs = shown.where(more <= 0, shown + ";+" + more.astype(str) + " more")
    first = frame.groupby("point")["row"].min()
    ranking = pd.DataFrame({"size": sizes[first.index], "first": first}).sort_values(
        ["size", "first"], ascending=[False, True])
    number = pd.Series(np.arange(1, len(ranking) + 1), index=ranking.index)
    rep = rep_row.loc[lab].to_numpy()
    out = pd.DataFrame({
        "cluster": number.loc[lab].to_numpy(), "size": m, "n_docs": n_docs.loc[lab].to_numpy(),
        "docs": point_docs.loc[lab].to_numpy(), "sentence_id": S["sentence_id"].to_numpy()[idx],
        "doc_id": docs[idx], "order": idx, "text": S["text"].to_numpy()[idx],
        "restated": idx != first.loc[lab].to_numpy(), "representative": idx == rep,
        "representative_id": S["sentence_id"].to_numpy()[rep],
        "representative_text": S["text"].to_numpy()[rep],
        "cohesion": cohesion.loc[lab].to_numpy(), "min_similarity": min_sim.loc[lab].to_numpy(),
    })
    return out.sort_values(["cluster", "order"], ignore_index=True)[CLUSTER_COLUMNS]


def doc_matrix(flags: pd.DataFrame, doc_names: list, related: pd.Series | None = None,
               full_grid_max: int = 50) -> pd.DataFrame:
    """Ordered document pairs: where the originals of each document's restated sentences are.

    ``restated`` counts sentences of ``doc_a`` whose original is in
    ``doc_b``; ``restated_share`` divides by ``doc_a``'s sentences (the
    diagonal equals ``novelty.restated_within / sentences``). ``shared_points``
    counts sentences of ``doc_a`` whose point also has a member in ``doc_b``;
    ``related_pairs`` counts related-tier pairs between the two (`related`:
    pairs per ordered document pair, both directions, indexed by ``(doc_a, doc_b)``).

    With more than `full_grid_max` documents only the diagonal and the pairs
    where ``doc_a`` restates a sentence of ``doc_b`` are listed, so the table
    grows with the restated sentences, not with the square of the documents
    (one large point spread over every document would otherwise list every
    pair); a pair that only shares a point whose original is elsewhere is
    then counted under that original's document.
    """
    cols = ["doc_a", "doc_b", "scope", "sentences_a", "restated", "restated_share", "shared_points",
            "shared_share", "related_pairs"]
    if flags.empty:
        return pd.DataFrame(columns=cols)
    sizes = flags.groupby("doc_id", sort=False).size()
    r = flags[flags["restated"]].groupby(["doc_id", "original_doc"]).size()
    order = {d: i for i, d in enumerate(doc_names)}
    if len(doc_names) > full_grid_max:
        keys = pd.MultiIndex.from_arrays([doc_names, doc_names]).append([r.index]).unique()
        ia = pd.Index(doc_names).get_indexer(keys.get_level_values(0)).astype(np.int64)
        ib = pd.Index(doc_names).get_indexer(keys.get_level_values(1)).astype(np.int64)
        srt = np.lexsort((ib, ia))
        ia, ib = ia[srt], ib[srt]
    else:
        ia, ib = np.repeat(np.arange(len(doc_names)), len(doc_names)), np.tile(np.arange(len(doc_names)),
                                                                               len(doc_names))
    names = np.asarray(doc_names, dtype=object)
    out = pd.DataFrame({"doc_a": names[ia], "doc_b": names[ib]})
    doc_index = pd.Index(doc_names)
    key = ia * len(doc_names) + ib            # each listed pair as one integer, sorted

    # Sentences of doc_a in points with a member in doc_b, for the listed pairs only: join
    # each listed pair with doc_a's points, then keep the points doc_b also has (never a
    # join of every point's documents with each other).
    member = flags[flags["point_size"] > 1].groupby(["point", "doc_id"], sort=False).size().rename("n")
    member = member.reset_index()
    listed = out.loc[ia != ib, ["doc_a", "doc_b"]]
    hits = listed.merge(member.rename(columns={"doc_id": "doc_a"}), on="doc_a")
    hits = hits.merge(member[["point", "doc_id"]].rename(columns={"doc_id": "doc_b"}), on=["point", "doc_b"])
    shared = hits.groupby(["doc_a", "doc_b"])["n"].sum()
    rel = related if related is not None else pd.Series(dtype=float)

    def lookup(series) -> np.ndarray:
        """`series` (indexed by document pairs) at each listed pair, 0 where it has none."""
        values = np.zeros(len(out), dtype=int)
        if len(series) == 0:
            return values
        # Integer keys from the index's levels and codes, not a MultiIndex reindex: the related
        # pairs of 5,000 documents fall in millions of document pairs.
        index = series.index
        a, b = (np.append(doc_index.get_indexer(index.levels[level]), -1)[index.codes[level]]
                for level in (0, 1))                               # a missing name (code -1): -1
        wanted = a.astype(np.int64) * len(doc_names) + b
        pos = np.minimum(np.searchsorted(key, wanted), len(key) - 1)     # key is sorted
        found = (a >= 0) & (b >= 0) & (key[pos] == wanted)
        values[pos[found]] = series.to_numpy()[found].astype(int)
        return values

    out["scope"] = np.where(ia == ib, "within", "cross")
    out["sentences_a"] = out["doc_a"].map(sizes).astype(int)
    out["restated"] = lookup(r)
    out["restated_share"] = out["restated"] / out["sentences_a"]
    out["shared_points"] = np.where(ia == ib, 0, lookup(shared))
    out["shared_share"] = out["shared_points"] / out["sentences_a"]
    out["related_pairs"] = lookup(rel)
    return out[cols].reset_index(drop=True)


def points_curve(labels: np.ndarray) -> pd.DataFrame:
    """Distinct points found as the corpus is read, sentence by sentence."""
    if len(labels) == 0:
        return pd.DataFrame(columns=["sentences", "distinct_points"])
    new = np.r_[True, labels[1:] > np.maximum.accumulate(labels)[:-1]]
    return pd.DataFrame({"sentences": np.arange(1, len(labels) + 1), "distinct_points": np.cumsum(new)})
