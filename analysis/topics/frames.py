"""Tidy frames built from a fitted topic model: terms, shares, maps, and per-topic summaries.

Document shares are the length-weighted mean of the shares of a document's
units, so the text a topic covers ("its mass") can be located document by
document (:func:`topic_concentration`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .model import TopicModel


def topic_terms_frame(model: TopicModel, labels: list[str], n: int = 10) -> pd.DataFrame:
    """Tidy top terms: ``topic``, ``label``, ``rank``, ``term``, ``kind``, ``weight``.

    ``kind`` is ``term`` for the mixed top list and ``bigram`` for the
    two-word top list (ranks restart for each kind). ``weight`` is the share
    of the topic's total weight.
    """
    dist = model.topic_term_distributions()
    rows = []
    for kind, lists in (("term", model.top_terms(n)), ("bigram", model.top_terms(n, "bigram"))):
        for t, terms in enumerate(lists):
            for r, (term, _) in enumerate(terms, start=1):
                rows.append({"topic": t + 1, "label": labels[t], "rank": r, "term": term,
                             "kind": kind, "weight": float(dist[t, model.vocabulary_.index_[term]])})
    return pd.DataFrame(rows, columns=["topic", "label", "rank", "term", "kind", "weight"])


def share_frame(shares: np.ndarray, ids: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    k = shares.shape[1]
    frame = ids.loc[ids.index.repeat(k)].reset_index(drop=True)
    frame["topic"] = np.tile(np.arange(1, k + 1), len(ids))
    frame["label"] = [labels[t - 1] for t in frame["topic"]]
    frame["share"] = shares.ravel()
    return frame


def aggregate_shares(unit_shares: np.ndarray, lengths: np.ndarray, groups) -> tuple[np.ndarray, list]:
    """Length-weighted mean of unit topic shares within each group.

    Parameters
    ----------
    unit_shares : ndarray, shape (n_units, k)
        Rows sum to 1, or are NaN for units without a kept term.
    lengths : ndarray, shape (n_units,)
        Weights (kept-term counts).
    groups : sequence
        Group key of each unit, in the order groups should appear.

    Returns
    -------
    (ndarray, list)
        Group x topic shares (each row sums to 1; a group with no usable
        unit gets equal shares) and the group keys.
    """
    keys = list(dict.fromkeys(groups))
    pos = {g: i for i, g in enumerate(keys)}
    gi = np.array([pos[g] for g in groups], dtype=int)
    ok = ~np.isnan(unit_shares).any(axis=1) & (lengths > 0)
    k = unit_shares.shape[1]
    agg = sp.csr_matrix((lengths[ok], (gi[ok], np.flatnonzero(ok))),
                        shape=(len(keys), len(unit_shares))) @ np.nan_to_num(unit_shares)
    tot = agg.sum(axis=1, keepdims=True)
    out = np.where(tot > 0, agg / np.where(tot > 0, tot, 1), 1.0 / k)
    return out, keys


def topic_map(model: TopicModel, labels: list[str]) -> pd.DataFrame:
    """A 2-D intertopic distance map.

    Jensen-Shannon distances between the topic-term distributions, embedded
    in two dimensions by classical (Torgerson) multidimensional scaling, as
    in LDAvis.

    Returns
    -------
    pandas.DataFrame
        ``topic``, ``label``, ``x``, ``y``, ``prevalence``.
    """
    from scipy.spatial.distance import jensenshannon

    P = model.topic_term_distributions()
    k = len(P)
    D = np.zeros((k, k))
    for i in range(k):
        for j in range(i + 1, k):
            D[i, j] = D[j, i] = jensenshannon(P[i], P[j], base=2)
    if k >= 3:
        J = np.eye(k) - 1.0 / k
        B = -0.5 * J @ (D ** 2) @ J
        vals, vecs = np.linalg.eigh(B)
        idx = np.argsort(vals)[::-1][:2]
        xy = vecs[:, idx] * np.sqrt(np.clip(vals[idx], 0, None))
        xy *= np.sign(xy[np.abs(xy).argmax(axis=0), [0, 1]] + 1e-12)  # deterministic orientation
    elif k == 2:
        xy = np.array([[-D[0, 1] / 2, 0.0], [D[0, 1] / 2, 0.0]])
    else:
        xy = np.zeros((k, 2))
    return pd.DataFrame({"topic": np.arange(1, k + 1), "label": labels, "x": xy[:, 0],
                         "y": xy[:, 1], "prevalence": model.prevalence_})


def doc_similarity(doc_topics: pd.DataFrame, neighbours: int | None = None) -> pd.DataFrame:
    """Cosine similarity of documents in topic space.

    Parameters
    ----------
    doc_topics : pandas.DataFrame
        ``doc_id``, ``topic``, ``share`` (long format).
    neighbours : int, optional
        Keep only each document's most similar documents. Defaults to all
        pairs up to 200 documents and 10 neighbours beyond; rows are computed
        in blocks, so no n x n array is held for large n.

    Returns
    -------
    pandas.DataFrame
        ``doc_a``, ``doc_b``, ``similarity`` (both orders; no self-pairs).
    """
    wide = doc_topics.pivot(index="doc_id", columns="topic", values="share")
    wide = wide.reindex(list(dict.fromkeys(doc_topics["doc_id"])))
    ids = wide.index.to_numpy()
    X = wide.to_numpy(dtype=float)
    X = X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-12)
    n = len(ids)
    if neighbours is None:
        neighbours = n - 1 if n <= 200 else 10
    rows_a, rows_b, sims = [], [], []
    for s in range(0, n, 512):
        block = X[s:s + 512] @ X.T
        for i, row in enumerate(block, start=s):
            row[i] = -np.inf
            idx = np.argsort(-row, kind="stable")[:neighbours]
            rows_a += [ids[i]] * len(idx)
            rows_b += list(ids[idx])
            sims += list(row[idx])
    return pd.DataFrame({"doc_a": rows_a, "doc_b": rows_b, "similarity": sims})


LEADING_COLUMNS = ["doc_id", "doc_label", "topic", "label", "share", "runner_up",
                   "runner_up_label", "runner_up_share"]


def dominant_topics(doc_topics: pd.DataFrame) -> pd.DataFrame:
    """Each document's largest topic and the one after it.

    Parameters
    ----------
    doc_topics : pandas.DataFrame
        ``doc_id``, ``topic``, ``label``, ``share`` and optionally ``doc_label``.

    Returns
    -------
    pandas.DataFrame
        One row per document, in corpus order: ``doc_id``, ``doc_label``
        (the doc id when `doc_topics` has none), ``topic``, ``label``,
        ``share``, ``runner_up``, ``runner_up_label``, ``runner_up_share``
        (0 and "" with a single topic).
    """
    frame = doc_topics.copy()
    if "doc_label" not in frame:
        frame["doc_label"] = frame["doc_id"]
    order = {d: i for i, d in enumerate(dict.fromkeys(frame["doc_id"]))}
    frame = frame.assign(_order=frame["doc_id"].map(order)).sort_values(
        ["_order", "share", "topic"], ascending=[True, False, True], kind="stable")
    rank = frame.groupby("doc_id", sort=False).cumcount()
    top = frame[rank == 0].set_index("doc_id")
    second = frame[rank == 1].set_index("doc_id").reindex(top.index)
    out = pd.DataFrame({
        "doc_id": top.index, "doc_label": top["doc_label"].to_numpy(),
        "topic": top["topic"].astype(int).to_numpy(), "label": top["label"].to_numpy(),
        "share": top["share"].astype(float).to_numpy(),
        "runner_up": second["topic"].fillna(0).astype(int).to_numpy(),
        "runner_up_label": second["label"].fillna("").to_numpy(),
        "runner_up_share": second["share"].fillna(0.0).astype(float).to_numpy()})
    return out[LEADING_COLUMNS].reset_index(drop=True)


def topic_switches(section_topics: pd.DataFrame) -> pd.Series:
    """How often the leading topic changes between consecutive sections of each document.

    Parameters
    ----------
    section_topics : pandas.DataFrame
        ``doc_id``, ``section``, ``topic``, ``share`` (one row per section and topic).

    Returns
    -------
    pandas.Series
        Number of changes, indexed by ``doc_id`` in order of first appearance.
    """
    order = list(dict.fromkeys(section_topics["doc_id"]))
    lead = section_topics.loc[section_topics.groupby(["doc_id", "section"])["share"].idxmax()]
    lead = lead.sort_values(["doc_id", "section"])
    changes = lead.groupby("doc_id")["topic"].apply(lambda t: int((t.diff().fillna(0) != 0).sum()))
    return changes.reindex(order).astype(int)



def topic_mass(doc_topics: pd.DataFrame, doc_words: pd.Series) -> pd.DataFrame:
    """Each topic's text divided among the documents (a topic's ``mass_share`` sums to 1).

    Parameters
    ----------
    doc_topics : pandas.DataFrame
        ``doc_id``, ``topic``, ``label``, ``share`` and optionally ``doc_label``.
    doc_words : pandas.Series
        Modelled words per document, indexed by ``doc_id``.

    Returns
    -------
    pandas.DataFrame
        `doc_topics`'s columns plus ``mass`` (share x modelled words) and
        ``mass_share`` (the document's part of the topic's mass).
    """
    frame = doc_topics.copy()
    frame["mass"] = frame["share"] * frame["doc_id"].map(doc_words).fillna(0).to_numpy(dtype=float)
    total = frame.groupby("topic")["mass"].transform("sum")
    frame["mass_share"] = np.where(total > 0, frame["mass"] / total.where(total > 0, 1), 0.0)
    return frame


CONCENTRATION_COLUMNS = ["topic", "top_doc", "top_doc_label", "share_in_top_doc", "mass_in_top_doc",
                         "max_share_elsewhere"]


def topic_concentration(doc_topics: pd.DataFrame, doc_words: pd.Series) -> pd.DataFrame:
    """Where each topic's text lies: how much of it sits in one document.

    A topic's *mass* in a document is the document's share of the topic times
    the document's modelled words; the mass in the top document over the
    topic's total mass says whether the topic is spread over the corpus or
    mostly mirrors one document.

    Parameters
    ----------
    doc_topics : pandas.DataFrame
        ``doc_id``, ``topic``, ``share`` and optionally ``doc_label``.
    doc_words : pandas.Series
        Modelled words per document, indexed by ``doc_id``.

    Returns
    -------
    pandas.DataFrame
        One row per topic: ``topic``, ``top_doc`` (the document holding most
        of its mass), ``top_doc_label``, ``share_in_top_doc`` (the topic's
        share of that document), ``mass_in_top_doc`` (share of the topic's
        mass in that document) and ``max_share_elsewhere`` (the topic's
        largest share in any other document; 0 with one document).
    """
    mass = topic_mass(doc_topics, doc_words)
    if "doc_label" not in mass:
        mass["doc_label"] = mass["doc_id"]
    # stable sort: among equal masses the document that comes first wins
    ranked = mass.sort_values(["topic", "mass_share"], ascending=[True, False], kind="stable")
    first = ranked.groupby("topic", sort=True).cumcount() == 0
    top = ranked[first].set_index("topic")
    elsewhere = ranked[~first].groupby("topic")["share"].max().reindex(top.index).fillna(0.0)
    return pd.DataFrame({
        "topic": top.index.astype(int), "top_doc": top["doc_id"].to_numpy(),
        "top_doc_label": top["doc_label"].to_numpy(),
        "share_in_top_doc": top["share"].astype(float).to_numpy(),
        "mass_in_top_doc": top["mass_share"].astype(float).to_numpy(),
        "max_share_elsewhere": elsewhere.astype(float).to_numpy()}, columns=CONCENTRATION_COLUMNS)


REPRESENTATIVE_COLUMNS = ["topic", "label", "rank", "unit_id", "doc_id", "doc_label", "section",
                          "heading", "share", "fit", "score", "words", "text"]


def representatives(shares: np.ndarray, fit: np.ndarray, units: pd.DataFrame, labels: list[str],
                    n: int = 2, min_share: float = 0.5) -> pd.DataFrame:
    """The paragraphs that best show each topic.

    A paragraph represents a topic when the topic holds at least `min_share`
    of it; among those, paragraphs are ranked by *score* = share x fit, the
    part of the paragraph the topic accounts for (``fit`` is how well the
    model reproduces the paragraph at all, see
    :meth:`TopicModel.fit_quality`). A paragraph whose words no topic holds
    can get a large share of one topic by default; the fit keeps it out.
    Paragraphs shorter than the median are used only when no longer one
    qualifies, and `min_share` is relaxed only when no paragraph reaches it.

    Parameters
    ----------
    shares : ndarray, shape (n_units, k)
        Topic shares of each paragraph (rows sum to 1 or are NaN).
    fit : ndarray, shape (n_units,)
    units : pandas.DataFrame
        ``unit_id``, ``doc_id``, ``section``, ``heading``, ``words``, ``text``
        and optionally ``doc_label``.
    labels : list of str
        Topic labels.
    n : int
        Paragraphs per topic.
    min_share : float

    Returns
    -------
    pandas.DataFrame
        ``topic``, ``label``, ``rank``, ``unit_id``, ``doc_id``, ``doc_label``,
        ``section``, ``heading``, ``share``, ``fit``, ``score``, ``words``,
        ``text``; sorted by topic and rank.
    """
    shares = np.nan_to_num(np.asarray(shares, dtype=float), nan=0.0)
    words = units["words"].to_numpy()
    long_enough = words >= np.median(words) if len(words) else words.astype(bool)
    frames = []
    for t in range(shares.shape[1]):
        score = shares[:, t] * fit
        for pool in (long_enough & (shares[:, t] >= min_share), shares[:, t] >= min_share,
                     shares[:, t] > 0):
            if pool.any():
                break
        idx = np.flatnonzero(pool)
        idx = idx[np.argsort(-score[idx], kind="stable")[:n]]
        pick = units.iloc[idx]
        frames.append(pd.DataFrame({
            "topic": t + 1, "label": labels[t], "rank": np.arange(1, len(idx) + 1),
            "unit_id": pick["unit_id"].to_numpy(), "doc_id": pick["doc_id"].to_numpy(),
            "doc_label": (pick["doc_label"] if "doc_label" in pick else pick["doc_id"]).to_numpy(),
            "section": pick["section"].to_numpy(), "heading": pick["heading"].to_numpy(),
            "share": shares[idx, t], "fit": fit[idx], "score": score[idx],
            "words": words[idx], "text": pick["text"].to_numpy()}, columns=REPRESENTATIVE_COLUMNS))
    if not frames:
        return pd.DataFrame(columns=REPRESENTATIVE_COLUMNS)
    return pd.concat(frames, ignore_index=True)
