"""The corpus digest: the corpus with its repetition taken out.

One row per *point* (a connected group of same-point sentences, strict tier;
a sentence that restates nothing is its own point, see
:mod:`analysis.redundancy.clusters`). Each point keeps one representative
sentence (the member closest to the group's centre), cites every place it is
made, says how many times, and is placed under the leading topic of its
representative's paragraph (or of its document, when the topic model was
fitted on whole documents). Points are listed in the order the documents
first make them.

Two further readings of the same table:

- **what only one document says**: points made by no other document, ranked
  by how close they sit to the centre of that document's leading topic;
- **revisited, not repeated**: points whose sentences have the most
  related-tier neighbours (themes revisited). These are not repetition; the
  strict tier finds few repeated claims in essays that mostly revisit themes.

Pure functions on the fitted detector's tables; no plotting and no file I/O.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Cuts are cosines, so they depend on the embedding backend (as redundancy.thresholds do).
DEFAULTS = {"min_cohesion": {"semantic": 0.80, "lexical": 0.30},
            "min_member_similarity": {"semantic": 0.75, "lexical": 0.25},
            "findings_top": 3, "report_top": 3, "revisited_top": 3}

DIGEST_COLUMNS = [
    "point", "topic", "topic_label", "first_order", "representative_id", "doc_id", "doc_label",
    "section", "heading", "text", "words", "times_made", "n_docs", "documents", "places",
    "sentence_ids", "cohesion", "min_similarity", "members_disagree", "related_neighbours",
    "related_docs", "revisited_rank", "only_in", "only_in_label", "centrality", "only_rank"]


def digest_settings(params: dict | None, backend: str = "semantic") -> dict:
    """The ``digest:`` section of the parameters over :data:`DEFAULTS`, cuts resolved for `backend`.

    Parameters
    ----------
    params : dict, optional
        The full parameter file.
    backend : {"semantic", "lexical"}
        The embedding backend that ran; a cut given per backend is resolved for it.

    Returns
    -------
    dict
        ``min_cohesion`` and ``min_member_similarity`` as floats, ``findings_top``,
        ``report_top``, ``revisited_top``.
    """
    s = {**DEFAULTS, **{k: v for k, v in ((params or {}).get("digest") or {}).items() if k != "cross"}}
    from ..errors import InputError

    for key in ("min_cohesion", "min_member_similarity"):
        value = s[key].get(backend, DEFAULTS[key].get(backend, 0.0)) if isinstance(s[key], dict) else s[key]
        try:
            s[key] = float(value)
        except (TypeError, ValueError):
            raise InputError(f"digest.{key} must be a number between -1 and 1, not {value!r}") from None
    for key in ("findings_top", "report_top", "revisited_top"):
        if not isinstance(s[key], int) or s[key] < 0:
            raise InputError(f"digest.{key} must be a whole number of 0 or more, not {s[key]!r}")
    return s


def sentence_topics(sentences: pd.DataFrame, units: pd.DataFrame | None,
                    unit_topics: pd.DataFrame | None, leading: pd.DataFrame | None) -> pd.DataFrame:
    """The leading topic of each sentence's modelling unit (paragraph, section or document).

    Parameters
    ----------
    sentences : DataFrame
        ``sentence_id``, ``doc_id``, ``start`` in corpus order.
    units : DataFrame or None
        The topic model's units (``unit_id``, ``doc_id``, ``start``, ``end``).
    unit_topics : DataFrame or None
        Long unit shares (``unit_id``, ``topic``, ``label``, ``share``).
    leading : DataFrame or None
        Each document's leading topic (``doc_id``, ``topic``, ``label``,
        ``share``): the fallback for a sentence outside every unit or in a
        unit without a modelled term.

    Returns
    -------
    DataFrame
        ``sentence_id``, ``topic``, ``topic_label``, ``topic_share``; topic 0
        ("all text") when there is no topic model.
    """
    out = sentences[["sentence_id", "doc_id", "start"]].reset_index(drop=True).copy()
    if units is None or unit_topics is None or leading is None or units.empty:
        return out.assign(topic=0, topic_label="all text", topic_share=np.nan)[
            ["sentence_id", "topic", "topic_label", "topic_share"]]
    ut = unit_topics.dropna(subset=["share"])
    best = ut.loc[ut.groupby("unit_id")["share"].idxmax(), ["unit_id", "topic", "label", "share"]]
    u = units[["unit_id", "doc_id", "start", "end"]].merge(best, on="unit_id", how="left")
    out["_row"] = np.arange(len(out))
    m = pd.merge_asof(out.sort_values("start"), u.sort_values("start").rename(columns={"start": "u_start"}),
                      left_on="start", right_on="u_start", by="doc_id", direction="backward")
    m = m.sort_values("_row").reset_index(drop=True)
    outside = m["end"].isna() | (m["start"] >= m["end"]) | m["topic"].isna()
    lead = leading.set_index("doc_id")
    m["topic"] = m["topic"].astype(float)
    if outside.any():
        docs = m.loc[outside, "doc_id"]
        m.loc[outside, "topic"] = docs.map(lead["topic"]).astype(float)
        m.loc[outside, "label"] = docs.map(lead["label"])
        m.loc[outside, "share"] = docs.map(lead["share"]).astype(float)
    return pd.DataFrame({"sentence_id": m["sentence_id"], "topic": m["topic"].fillna(0).astype(int),
                         "topic_label": m["label"].fillna("all text"), "topic_share": m["share"]})


def related_neighbours(flags: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """Per point: the distinct sentences outside it that a member is related to, and their documents.

    Parameters
    ----------
    flags : DataFrame
        ``sentence_novelty.csv`` (``sentence_id``, ``doc_id``, ``point``).
    pairs : DataFrame
        ``sentence_pairs.csv`` (``a_id``, ``b_id``, ``tier``).

    Returns
    -------
    DataFrame
        ``point``, ``related_neighbours``, ``related_docs`` (every point, zeros included).
    """
    point = dict(zip(flags["sentence_id"], flags["point"]))
    doc = dict(zip(flags["sentence_id"], flags["doc_id"]))
    rel = pairs[pairs["tier"] == "related"]
    edges = pd.concat([pd.DataFrame({"point": rel["a_id"].map(point), "other": rel["b_id"]}),
                       pd.DataFrame({"point": rel["b_id"].map(point), "other": rel["a_id"]})])
    edges = edges[edges["point"] != edges["other"].map(point)].drop_duplicates()
    edges["other_doc"] = edges["other"].map(doc)
    g = edges.groupby("point")
    out = pd.DataFrame({"point": np.unique(flags["point"])})
    out["related_neighbours"] = out["point"].map(g["other"].nunique()).fillna(0).astype(int)
    out["related_docs"] = out["point"].map(g["other_doc"].nunique()).fillna(0).astype(int)
    return out


def _topic_centroids(V: np.ndarray, topics: np.ndarray) -> dict:
    """Unit-length mean vector of each topic's sentences."""
    sums = pd.DataFrame(V.astype(np.float64)).groupby(topics).sum()
    norms = np.linalg.norm(sums.to_numpy(), axis=1, keepdims=True)
    return dict(zip(sums.index, sums.to_numpy() / np.where(norms > 0, norms, 1)))


def corpus_digest(flags: pd.DataFrame, clusters: pd.DataFrame, sentences: pd.DataFrame,
                  topics: pd.DataFrame, pairs: pd.DataFrame, vectors: np.ndarray,
                  labels: dict | None = None, leading: pd.DataFrame | None = None,
                  settings: dict | None = None) -> pd.DataFrame:
    """One row per point: its representative, every place it is made, its topic.

    Parameters
    ----------
    flags : DataFrame
        ``sentence_novelty.csv`` of the detector, in corpus order.
    clusters : DataFrame
        ``clusters.csv``: members of points made more than once, with
        ``representative``, ``cohesion`` and ``min_similarity``.
    sentences : DataFrame
        ``Corpus.sentences`` (``sentence_id``, ``section``, ``heading``).
    topics : DataFrame
        :func:`sentence_topics`.
    pairs : DataFrame
        ``sentence_pairs.csv`` (for the related tier).
    vectors : ndarray
        The detector's sentence vectors (unit length), aligned with `flags`.
    labels : dict, optional
        ``doc_id -> readable label``.
    leading : DataFrame, optional
        Each document's leading topic (``doc_id``, ``topic``); when omitted, a
        document's most frequent sentence topic.
    settings : dict, optional
        :func:`digest_settings`: ``min_cohesion`` and ``min_member_similarity``
        (a repeated point below either cut is flagged ``members_disagree``).

    Returns
    -------
    DataFrame
        :data:`DIGEST_COLUMNS`, sorted by topic then ``first_order``.
        ``only_in`` is the document of a point no other document makes
        (empty otherwise) and ``only_rank`` its rank within that document by
        ``centrality`` (cosine to the centre of the document's leading
        topic); ``revisited_rank`` ranks points with related neighbours
        within their topic (0: none).
    """
    s = digest_settings({"digest": settings or {}})  # floats pass through; dicts resolve for semantic
    labels = labels or {}
    if flags.empty:
        return pd.DataFrame(columns=DIGEST_COLUMNS)
    f = flags.reset_index(drop=True).copy()
    f["order"] = np.arange(len(f))
    f = f.merge(sentences[["sentence_id", "section", "heading"]], on="sentence_id", how="left")
    f = f.merge(topics[["sentence_id", "topic", "topic_label"]], on="sentence_id", how="left")
    f["doc_label"] = f["doc_id"].map(lambda d: labels.get(d, d))
    f["place"] = (f["doc_label"] + " § " + f["heading"].fillna("").astype(str) + " ("
                  + f["sentence_id"].str.rsplit(":", n=1).str[-1] + ")")
    rep_ids = set(clusters.loc[clusters["representative"].astype(bool), "sentence_id"]) if len(clusters) else set()
    single = f["point_size"] == 1
    f["is_rep"] = single | f["sentence_id"].isin(rep_ids)
    lost = ~f.groupby("point")["is_rep"].transform("any")  # a point without a listed representative
    f.loc[lost & ~f.duplicated("point"), "is_rep"] = True
    g = f.groupby("point", sort=False)
    per_point = pd.DataFrame({
        "first_order": g["order"].min(), "times_made": g.size(), "n_docs": g["doc_id"].nunique(),
        "documents": g["doc_label"].agg(lambda x: "; ".join(dict.fromkeys(x))),
        "places": g["place"].agg("; ".join), "sentence_ids": g["sentence_id"].agg(";".join),
        "first_doc": g["doc_id"].first()})
    rep = f[f["is_rep"]].drop_duplicates("point").set_index("point")
    out = rep[["topic", "topic_label", "sentence_id", "doc_id", "doc_label", "section", "heading",
               "text", "words"]].rename(columns={"sentence_id": "representative_id"}).join(per_point)
    if len(clusters):
        coh = clusters.drop_duplicates("representative_id").set_index("representative_id")
        out["cohesion"] = out["representative_id"].map(coh["cohesion"])
        out["min_similarity"] = out["representative_id"].map(coh["min_similarity"])
    else:
        out["cohesion"] = np.nan
        out["min_similarity"] = np.nan
    out["members_disagree"] = (out["times_made"] > 1) & (
        (out["cohesion"] < float(s["min_cohesion"])) | (out["min_similarity"] < float(s["min_member_similarity"])))
    out = out.reset_index().merge(related_neighbours(f, pairs), on="point", how="left")
    out[["related_neighbours", "related_docs"]] = out[["related_neighbours", "related_docs"]].fillna(0).astype(int)
    # Ranks: revisited within a topic; "only this document" within a document.
    out = out.sort_values(["topic", "first_order"], ignore_index=True)
    out["revisited_rank"] = 0
    has = out["related_neighbours"] > 0
    out.loc[has, "revisited_rank"] = (out[has].sort_values(["related_neighbours", "first_order"],
                                                           ascending=[False, True])
                                      .groupby("topic").cumcount() + 1)
    only = out["n_docs"] == 1
    out["only_in"] = np.where(only, out["first_doc"], "")
    out["only_in_label"] = np.where(only, out["doc_label"], "")
    if leading is not None and len(leading):
        doc_topic = dict(zip(leading["doc_id"], leading["topic"]))
    else:
        doc_topic = f.groupby("doc_id")["topic"].agg(lambda t: t.mode().iloc[0]).to_dict()
    centroids = _topic_centroids(vectors, f["topic"].to_numpy())
    rows = out["representative_id"].map(dict(zip(f["sentence_id"], f["order"]))).to_numpy()
    dim = vectors.shape[1] if vectors.ndim == 2 else 0
    centre = np.stack([centroids.get(doc_topic.get(d), np.zeros(dim)) for d in out["doc_id"]]) \
        if len(out) else np.zeros((0, dim))
    out["centrality"] = np.einsum("ij,ij->i", vectors[rows].astype(np.float64), centre)
    out["only_rank"] = 0
    out.loc[only, "only_rank"] = (out[only].sort_values(["centrality", "first_order"], ascending=[False, True])
                                  .groupby("only_in").cumcount() + 1)
    out["words"] = out["words"].astype(int)
    return out[DIGEST_COLUMNS]


def digest_summary(flags: pd.DataFrame, digest: pd.DataFrame) -> pd.DataFrame:
    """One row: sentences and words before, points and words after, repeated and disagreeing points.

    ``words_before`` is every sentence's words; ``words_after`` the words of
    one representative per point, so ``words_after <= words_before``.
    """
    before = int(flags["words"].sum()) if len(flags) else 0
    after = int(digest["words"].sum()) if len(digest) else 0
    repeated = digest[digest["times_made"] > 1] if len(digest) else digest
    return pd.DataFrame([{
        "sentences": len(flags), "points": len(digest), "repeated_points": len(repeated),
        "restated": int(flags["restated"].sum()) if len(flags) else 0,
        "disagreeing_points": int(repeated["members_disagree"].sum()) if len(repeated) else 0,
        "words_before": before, "words_after": after, "words_removed": before - after,
        "share_kept": after / before if before else 1.0,
        "revisited_points": int((digest["related_neighbours"] > 0).sum()) if len(digest) else 0,
        "topics": int(digest["topic"].nunique()) if len(digest) else 0,
    }])


def digest_documents(digest: pd.DataFrame, flags: pd.DataFrame, leading: pd.DataFrame | None,
                     labels: dict | None = None) -> pd.DataFrame:
    """Per document: its points, those no other document makes, and the most central of them."""
    labels = labels or {}
    cols = ["doc_id", "doc_label", "sentences", "points", "only_points", "only_share",
            "leading_topic", "leading_topic_label", "top_only_id", "top_only_text"]
    if flags.empty:
        return pd.DataFrame(columns=cols)
    docs = list(pd.unique(flags["doc_id"]))
    made = flags.drop_duplicates(["point", "doc_id"]).groupby("doc_id").size()
    only = digest[digest["only_in"] != ""]
    top = only[only["only_rank"] == 1].set_index("only_in")
    lead = leading.set_index("doc_id") if leading is not None and len(leading) else None
    rows = []
    for d in docs:
        n_only = int((only["only_in"] == d).sum())
        rows.append({
            "doc_id": d, "doc_label": labels.get(d, d), "sentences": int((flags["doc_id"] == d).sum()),
            "points": int(made.get(d, 0)), "only_points": n_only,
            "only_share": n_only / made.get(d, 1),
            "leading_topic": int(lead.loc[d, "topic"]) if lead is not None and d in lead.index else 0,
            "leading_topic_label": str(lead.loc[d, "label"]) if lead is not None and d in lead.index else "all text",
            "top_only_id": top.loc[d, "representative_id"] if d in top.index else "",
            "top_only_text": top.loc[d, "text"] if d in top.index else ""})
    return pd.DataFrame(rows, columns=cols)


def digest_by_topic(flags: pd.DataFrame, topics: pd.DataFrame, digest: pd.DataFrame) -> pd.DataFrame:
    """Per topic: sentences and words in the corpus, points and words in the digest.

    A sentence counts under its own topic; a point under its representative's.
    """
    cols = ["topic", "label", "sentences", "words_before", "points", "words_after", "share_kept",
            "repeated_points", "revisited_points"]
    if flags.empty:
        return pd.DataFrame(columns=cols)
    f = flags[["sentence_id", "words"]].merge(topics[["sentence_id", "topic", "topic_label"]], on="sentence_id")
    before = f.groupby(["topic", "topic_label"]).agg(sentences=("words", "size"), words_before=("words", "sum"))
    g = digest.groupby(["topic", "topic_label"])
    after = pd.DataFrame({"points": g.size(), "words_after": g["words"].sum(),
                          "repeated_points": g["times_made"].apply(lambda t: int((t > 1).sum())),
                          "revisited_points": g["related_neighbours"].apply(lambda t: int((t > 0).sum()))})
    out = before.join(after, how="outer").fillna(0).astype(int).reset_index()
    out = out.rename(columns={"topic_label": "label"})
    out["share_kept"] = out["words_after"] / out["words_before"].clip(lower=1)
    return out[cols]
