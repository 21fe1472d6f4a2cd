"""Cross-analysis: redundancy by theme and by topic, and who says what on each theme.

- :func:`restated_by`: for each theme (or topic), the share of its sentences
  that restate an earlier point (strict tier) and the share with a
  related-tier neighbour (themes revisited);
- :func:`theme_novelty`: for each theme and document, the points on that
  theme that no other document makes (novel material), and which document
  contributes most;
- :func:`theme_sharing`: which themes every document uses and which belong
  to one document.

:func:`cross_findings` states the results, each pointing at its CSV rows.
Vectorised over sentences and matches; no plotting and no file I/O.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .core import Evidence, Finding, Findings

DEFAULTS = {"min_matches": 2, "own_share": 0.6, "min_sentences": 20, "findings_top": 3}


def cross_settings(params: dict | None) -> dict:
    """The ``digest.cross`` parameters over :data:`DEFAULTS`."""
    return {**DEFAULTS, **(((params or {}).get("digest") or {}).get("cross") or {})}


def _slug(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", str(name).lower()).strip("_") or "theme"


def sentence_themes(sentences: pd.DataFrame, matches: pd.DataFrame) -> pd.DataFrame:
    """Which themes each sentence carries: one row per sentence and theme it matches.

    Parameters
    ----------
    sentences : DataFrame
        ``sentence_id``, ``doc_id``, ``start``, ``end`` (document offsets).
    matches : DataFrame
        ``theme_matches.csv`` (``doc_id``, ``theme``, ``start``).

    Returns
    -------
    DataFrame
        ``sentence_id``, ``doc_id``, ``theme``, ``matches``.
    """
    cols = ["sentence_id", "doc_id", "theme", "matches"]
    if matches.empty or sentences.empty:
        return pd.DataFrame(columns=cols)
    s = sentences[["sentence_id", "doc_id", "start", "end"]].sort_values("start")
    m = matches[["doc_id", "theme", "start"]].rename(columns={"start": "m_start"}).sort_values("m_start")
    j = pd.merge_asof(m, s, left_on="m_start", right_on="start", by="doc_id", direction="backward")
    j = j[j["sentence_id"].notna() & (j["m_start"] < j["end"])]
    return (j.groupby(["sentence_id", "doc_id", "theme"], sort=False).size()
            .rename("matches").reset_index()[cols])


def restated_by(flags: pd.DataFrame, keyed: pd.DataFrame, key: str) -> pd.DataFrame:
    """Strict-tier restatement and related-tier revisiting of the sentences under each key.

    Parameters
    ----------
    flags : DataFrame
        ``sentence_novelty.csv`` (``sentence_id``, ``restated``, ``related``,
        ``restated_within``, ``restated_cross``).
    keyed : DataFrame
        ``sentence_id`` and `key` (a sentence may appear under several keys).
    key : str
        ``"theme"`` or ``"topic"``; extra columns of `keyed` that are constant
        per key (e.g. ``label``, ``group``) are kept.

    Returns
    -------
    DataFrame
        `key`, ``sentences``, ``restated``, ``restated_within``,
        ``restated_cross``, ``restated_share``, ``related``, ``related_share``,
        sorted by ``restated_share`` then ``sentences``.
    """
    extra = [c for c in keyed.columns if c not in ("sentence_id", "doc_id", "matches", key)]
    cols = [key, *extra, "sentences", "restated", "restated_within", "restated_cross", "restated_share",
            "related", "related_share"]
    if keyed.empty:
        return pd.DataFrame(columns=cols)
    k = keyed[["sentence_id", key, *extra]].drop_duplicates(["sentence_id", key]).merge(
        flags[["sentence_id", "restated", "restated_within", "restated_cross", "related"]], on="sentence_id")
    g = k.groupby([key, *extra], sort=False)
    out = g[["restated", "restated_within", "restated_cross", "related"]].sum().astype(int)
    out.insert(0, "sentences", g.size())
    out = out.reset_index()
    out["restated_share"] = out["restated"] / out["sentences"]
    out["related_share"] = out["related"] / out["sentences"]
    return out.sort_values(["restated_share", "sentences"], ascending=False, ignore_index=True)[cols]


def theme_novelty(flags: pd.DataFrame, themes: pd.DataFrame, labels: dict | None = None) -> pd.DataFrame:
    """Per theme and document: how much new material the document brings on the theme.

    A sentence is *novel material* when it is the first statement of its
    point (not restated) and no other document makes that point. Its words
    are the amount.

    Returns
    -------
    DataFrame
        ``row_id`` (``theme/doc_id``), ``theme``, ``doc_id``, ``doc_label``, ``sentences``, ``novel_points``,
        ``novel_words``, ``share_of_theme`` (of the theme's novel words) and
        ``top`` (the document contributing most on that theme).
    """
    labels = labels or {}
    cols = ["row_id", "theme", "doc_id", "doc_label", "sentences", "novel_points", "novel_words",
            "share_of_theme", "top"]
    if themes.empty:
        return pd.DataFrame(columns=cols)
    k = themes[["sentence_id", "theme"]].drop_duplicates().merge(
        flags[["sentence_id", "doc_id", "novel", "unique_to_doc", "words"]], on="sentence_id")
    k["is_novel"] = k["novel"] & k["unique_to_doc"]
    k["novel_w"] = k["words"] * k["is_novel"]
    g = k.groupby(["theme", "doc_id"], sort=False)
    out = pd.DataFrame({"sentences": g.size(), "novel_points": g["is_novel"].sum().astype(int),
                        "novel_words": g["novel_w"].sum().astype(int)}).reset_index()
    total = out.groupby("theme")["novel_words"].transform("sum")
    out["share_of_theme"] = np.where(total > 0, out["novel_words"] / total.clip(lower=1), 0.0)
    best = out.sort_values(["novel_words", "novel_points", "doc_id"], ascending=[False, False, True]) \
        .drop_duplicates("theme").index
    out["top"] = out.index.isin(best) & (out["novel_words"] > 0)
    out["doc_label"] = out["doc_id"].map(lambda d: labels.get(d, d))
    out["row_id"] = out["theme"] + "/" + out["doc_id"]
    return out.sort_values(["theme", "novel_words"], ascending=[True, False], ignore_index=True)[cols]


def theme_sharing(counts: pd.DataFrame, labels: dict | None = None, min_matches: int = 2,
                  own_share: float = 0.6) -> pd.DataFrame:
    """Which themes every document uses and which belong to one document.

    Parameters
    ----------
    counts : DataFrame
        ``theme_counts.csv`` (``doc_id``, ``theme``, ``count``, ``baseline``).
    min_matches : int
        Matches a document needs to count as using a theme.
    own_share : float
        A theme *belongs to one document* when only that document uses it,
        or that document holds more than this share of its matches.

    Returns
    -------
    DataFrame
        ``theme``, ``group`` (baseline|theme), ``matches``, ``documents``,
        ``documents_total``, ``top_doc``, ``top_doc_label``, ``top_share``
        and ``spread`` ("every document", "one document's own", "several",
        or "unused").
    """
    labels = labels or {}
    cols = ["theme", "group", "matches", "documents", "documents_total", "top_doc", "top_doc_label",
            "top_share", "spread"]
    if counts.empty:
        return pd.DataFrame(columns=cols)
    c = counts.copy()
    c["uses"] = c["count"] >= min_matches
    g = c.groupby("theme", sort=False)
    top = c.sort_values(["count", "doc_id"], ascending=[False, True]).drop_duplicates("theme").set_index("theme")
    out = pd.DataFrame({"matches": g["count"].sum(), "documents": g["uses"].sum(),
                        "documents_total": g["doc_id"].nunique()})
    out["group"] = np.where(g["baseline"].first(), "baseline", "theme") if "baseline" in c else "theme"
    top = top.reindex(out.index)  # align by theme: np.where below is positional
    out["top_doc"] = top["doc_id"]
    out["top_doc_label"] = out["top_doc"].map(lambda d: labels.get(d, d))
    out["top_share"] = np.where(out["matches"] > 0, top["count"] / out["matches"].clip(lower=1), 0.0)
    out["spread"] = np.select(
        [out["matches"] == 0, out["documents"] == out["documents_total"],
         (out["documents"] <= 1) | (out["top_share"] > own_share)],
        ["unused", "every document", "one document's own"], default="several")
    out = out.reset_index().sort_values(["documents", "matches"], ascending=False, ignore_index=True)
    return out[cols]


def cross_findings(theme_red: pd.DataFrame, topic_red: pd.DataFrame, novelty: pd.DataFrame,
                   sharing: pd.DataFrame, settings: dict) -> Findings:
    """The cross-analysis in sentences, each backed by a row of its CSV.

    Keys: ``cross.restated_theme.<rank>`` (themes with at least
    ``min_sentences`` sentences, by strict restated share),
    ``cross.revisited_theme``, ``cross.restated_topic``,
    ``cross.novel_source.<theme>``, ``cross.shared_by_all`` and
    ``cross.own_theme.<theme>``.
    """
    out = Findings()
    n_min = int(settings.get("min_sentences", 5))
    top = int(settings.get("findings_top", 3))
    t = theme_red[theme_red["sentences"] >= n_min] if len(theme_red) else theme_red
    ranked = t[t["restated"] > 0].sort_values(["restated_share", "sentences"], ascending=False).head(top)
    for rank, r in enumerate(ranked.itertuples(), 1):
        shared = getattr(r, "group", "theme") == "baseline"
        out.append(Finding(
            f"cross.restated_theme.{rank}",
            "On “{theme}”" + (" (a shared subject)" if shared else "") + ", {restated} of {sentences} "
            "sentences ({share:.1%}) restate a point already made (strict tier); {related_share:.0%} "
            "revisit it (related tier).",
            {"theme": r.theme, "restated": int(r.restated), "sentences": int(r.sentences),
             "share": float(r.restated_share), "related_share": float(r.related_share), "rank": rank},
            Evidence("theme_redundancy.csv", "theme", (r.theme,),
                     {"theme": "theme", "restated": "restated", "sentences": "sentences",
                      "share": "restated_share", "related_share": "related_share"})))
    if len(t):
        r = t.sort_values(["related_share", "sentences"], ascending=False).iloc[0]
        out.append(Finding(
            "cross.revisited_theme",
            "The theme the essays revisit most is “{theme}”: {share:.0%} of the {sentences} sentences "
            "carrying it have a related sentence elsewhere (themes revisited, not repetition).",
            {"theme": r["theme"], "share": float(r["related_share"]), "sentences": int(r["sentences"])},
            Evidence("theme_redundancy.csv", "theme", (r["theme"],),
                     {"theme": "theme", "share": "related_share", "sentences": "sentences"})))
    tp = topic_red[topic_red["sentences"] >= n_min] if len(topic_red) else topic_red
    if len(tp):
        r = tp.iloc[0]
        out.append(Finding(
            "cross.restated_topic",
            "Of the topics, “{label}” is the most restated: {restated} of its {sentences} sentences "
            "({share:.1%}) restate an earlier point; {related_share:.0%} revisit it.",
            {"label": r["label"], "topic": int(r["topic"]), "restated": int(r["restated"]),
             "sentences": int(r["sentences"]), "share": float(r["restated_share"]),
             "related_share": float(r["related_share"])},
            Evidence("topic_redundancy.csv", "topic", (int(r["topic"]),),
                     {"label": "label", "restated": "restated", "sentences": "sentences",
                      "share": "restated_share", "related_share": "related_share"})))
    for r in novelty[novelty["top"].astype(bool)].itertuples() if len(novelty) else []:
        if r.theme not in set(t["theme"]):
            continue
        out.append(Finding(
            f"cross.novel_source.{_slug(r.theme)}",
            "On “{theme}”, {label} contributes the most new material: {words:,} words in {points} points "
            "no other document makes ({share:.0%} of the theme's).",
            {"theme": r.theme, "label": r.doc_label, "words": int(r.novel_words),
             "points": int(r.novel_points), "share": float(r.share_of_theme)},
            Evidence("theme_novelty.csv", "row_id", (f"{r.theme}/{r.doc_id}",),
                     {"label": "doc_label", "words": "novel_words", "points": "novel_points",
                      "share": "share_of_theme"})))
    if len(sharing):
        every = sharing[(sharing["spread"] == "every document") & (sharing["group"] == "theme")]
        out.append(Finding(
            "cross.shared_by_all",
            "{n} themes are used by every document ({themes}); {own} belong mostly to one document "
            "(a document uses a theme when it has at least {min} matches).",
            {"n": len(every), "themes": ", ".join(every["theme"]),
             "own": int((sharing["spread"] == "one document's own").sum()),
             "min": int(settings.get("min_matches", 2))},
            Evidence("theme_sharing.csv", "spread", ("every document",) if len(every) else (), {})))
        for r in sharing[sharing["spread"] == "one document's own"].itertuples():
            out.append(Finding(
                f"cross.own_theme.{_slug(r.theme)}",
                "The theme “{theme}” belongs mostly to {label}: it holds {share:.0%} of the theme's "
                "{matches} matches, and {documents} of {total} documents use it at least {min} times.",
                {"theme": r.theme, "label": r.top_doc_label, "share": float(r.top_share),
                 "matches": int(r.matches), "documents": int(r.documents), "total": int(r.documents_total),
                 "min": int(settings.get("min_matches", 2))},
                Evidence("theme_sharing.csv", "theme", (r.theme,),
                         {"label": "top_doc_label", "share": "top_share", "matches": "matches",
                          "documents": "documents", "total": "documents_total"})))
    return out
