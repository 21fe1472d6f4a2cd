"""Report tables of the theme analysis: one row per theme, one row per document.

Two words are kept apart on purpose, because they answer different questions:

- **most frequent**: the theme with the highest rate (matches per 1,000
  words) in a document, i.e. its darkest cell in the heatmap; across the
  corpus, the theme with the most matches;
- **most distinctive**: the theme a document over-uses most against the
  other documents pooled (largest keyness G² among significant over-use),
  with one multiplier, ``rate_ratio`` = the document's rate / the rate in
  the other documents.

Baseline subjects (the subjects every document shares) are counted and
listed but never ranked. No plotting and no file I/O here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SUMMARY_COLUMNS = ["theme", "group", "terms", "matches", "per_1k_words", "documents",
                   "documents_total", "min_per_1k", "min_document", "max_per_1k", "max_document",
                   "rank"]
PROFILE_COLUMNS = ["doc_id", "label", "words", "frequent_theme", "frequent_count",
                   "frequent_per_1k", "distinctive_theme", "distinctive_count",
                   "distinctive_per_1k", "distinctive_per_1k_rest", "distinctive_ratio",
                   "distinctive_only_here", "distinctive_g2", "distinctive_p_value",
                   "other_documents"]


def theme_summary(themes, counts: pd.DataFrame, labels: dict | None = None) -> pd.DataFrame:
    """One row per theme: its group, terms, matches, spread over documents and frequency rank.

    Parameters
    ----------
    themes : list of Theme
        From :func:`analysis.themes.load_themes` (baseline subjects first).
    counts : pandas.DataFrame
        From :func:`analysis.themes.theme_counts`.
    labels : dict, optional
        ``doc_id -> label``; defaults to the doc_id.

    Returns
    -------
    pandas.DataFrame
        ``theme``, ``group`` ("baseline" or "theme"), ``terms`` (comma-separated),
        ``matches``, ``per_1k_words`` (all documents pooled), ``documents``
        (mentioning it), ``documents_total``, ``min_per_1k`` and ``max_per_1k``
        (over documents) with the label of the document where each is reached
        (``min_document``, ``max_document``; first in corpus order on ties),
        and ``rank``: 1 for the theme with the most matches,
        ties in dictionary order; empty for baseline subjects, which are not ranked.
    """
    labels = labels or {}
    words = int(counts.drop_duplicates("doc_id")["words"].sum())
    n_docs = int(counts.doc_id.nunique())
    g = counts.groupby("theme", sort=False)
    # A document without body text has no rate (NaN); rank it as 0 so every theme has a min/max row.
    rate = counts["per_1k_words"].fillna(0.0).groupby(counts["theme"], sort=False)
    agg = pd.DataFrame({
        "matches": g["count"].sum(), "documents": g["count"].apply(lambda c: int((c > 0).sum())),
        "min_per_1k": g["per_1k_words"].min(), "max_per_1k": g["per_1k_words"].max(),
        "min_doc": counts.loc[rate.idxmin(), "doc_id"].to_numpy(),
        "max_doc": counts.loc[rate.idxmax(), "doc_id"].to_numpy()})
    rows = []
    for t in themes:
        a = agg.loc[t.name] if t.name in agg.index else None
        matches = int(a["matches"]) if a is not None else 0
        rows.append({
            "theme": t.name, "group": "baseline" if t.baseline else "theme",
            "terms": ", ".join(t.terms), "matches": matches,
            "per_1k_words": 1000 * matches / words if words else float("nan"),
            "documents": int(a["documents"]) if a is not None else 0, "documents_total": n_docs,
            "min_per_1k": float(a["min_per_1k"]) if a is not None else float("nan"),
            "min_document": labels.get(a["min_doc"], a["min_doc"]) if a is not None else None,
            "max_per_1k": float(a["max_per_1k"]) if a is not None else float("nan"),
            "max_document": labels.get(a["max_doc"], a["max_doc"]) if a is not None else None,
        })
    out = pd.DataFrame(rows, columns=SUMMARY_COLUMNS[:-1])
    ranked = out[out.group == "theme"].sort_values("matches", ascending=False, kind="stable")
    out["rank"] = pd.Series(range(1, len(ranked) + 1), index=ranked.index, dtype="Int64")
    out.loc[out.matches == 0, "rank"] = pd.NA   # a theme that never matches has no rank
    return out[SUMMARY_COLUMNS]


def theme_profile(counts: pd.DataFrame, keyness: pd.DataFrame, labels: dict | None = None
                  ) -> pd.DataFrame:
    """Each document's most frequent and most distinctive theme, baseline subjects left out.

    Parameters
    ----------
    counts : pandas.DataFrame
        From :func:`analysis.themes.theme_counts` (with its ``baseline`` column).
    keyness : pandas.DataFrame
        From :func:`analysis.keyness.keyness` (theme rows: significance at the run's alpha).
    labels : dict, optional
        ``doc_id -> label`` (:func:`analysis.labels.label_map`); defaults to the doc_id.

    Returns
    -------
    pandas.DataFrame
        One row per document, in corpus order, columns :data:`PROFILE_COLUMNS`.
        ``frequent_*``: the theme with the highest rate in the document (ties:
        dictionary order); empty when no theme matches. ``distinctive_*``: the
        significantly over-used theme with the largest G²; ``distinctive_ratio``
        is its ``rate_ratio`` (``nan`` and ``distinctive_only_here`` True when
        no other document uses it); empty when no theme is significantly over-used.
    """
    labels = labels or {}
    docs = list(dict.fromkeys(counts.doc_id))
    topical = counts[~counts["baseline"].astype(bool)] if "baseline" in counts else counts
    topical = topical[topical["count"] > 0]
    # Stable sort keeps dictionary order among equal rates.
    frequent = (topical.sort_values("per_1k_words", ascending=False, kind="stable")
                .drop_duplicates("doc_id").set_index("doc_id"))
    themes_only = set(topical.theme)
    key = keyness[(keyness.kind == "theme") & keyness.significant.astype(bool)
                  & (keyness.direction == "over") & keyness["item"].isin(themes_only)]
    distinctive = (key.sort_values("g2", ascending=False, kind="stable")
                   .drop_duplicates("doc_id").set_index("doc_id"))
    words = counts.drop_duplicates("doc_id").set_index("doc_id")["words"]
    rows = []
    for d in docs:
        f = frequent.loc[d] if d in frequent.index else None
        k = distinctive.loc[d] if d in distinctive.index else None
        rows.append({
            "doc_id": d, "label": labels.get(d, d), "words": int(words[d]),
            "frequent_theme": f.theme if f is not None else None,
            "frequent_count": int(f["count"]) if f is not None else pd.NA,
            "frequent_per_1k": float(f.per_1k_words) if f is not None else np.nan,
            "distinctive_theme": k["item"] if k is not None else None,
            "distinctive_count": int(k["count"]) if k is not None else pd.NA,
            "distinctive_per_1k": float(k.per_1k) if k is not None else np.nan,
            "distinctive_per_1k_rest": float(k.per_1k_rest) if k is not None else np.nan,
            "distinctive_ratio": float(k.rate_ratio) if k is not None else np.nan,
            "distinctive_only_here": bool(k.count_rest == 0) if k is not None else False,
            "distinctive_g2": float(k.g2) if k is not None else np.nan,
            "distinctive_p_value": float(k.p_value) if k is not None else np.nan,
            "other_documents": len(docs) - 1,
        })
    out = pd.DataFrame(rows, columns=PROFILE_COLUMNS)
    for c in ("frequent_count", "distinctive_count"):
        out[c] = out[c].astype("Int64")
    return out
