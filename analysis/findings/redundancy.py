"""Findings of the redundancy analysis, all on the strict "same point" tier.

Each finding names the CSV rows that back it (the file names of
:meth:`analysis.redundancy.RedundancyDetector.tables`), so a test can check
every number against its table.
"""

from __future__ import annotations

import pandas as pd

from .core import Evidence, Finding, Findings


def _docs(n: int) -> str:
    return "one document" if n == 1 else f"{n} documents"


def _verification_row(det, option: str) -> dict | None:
    table = det.verification_tables().get("same_point_verification.csv")
    if table is None:
        return None
    row = table[table["option"] == option]
    return row.iloc[0].to_dict() if len(row) else None


def redundancy_findings(det, labels: dict | None = None, max_docs: int = 12) -> Findings:
    """Structured findings of a fitted :class:`~analysis.redundancy.RedundancyDetector`.

    Parameters
    ----------
    det : RedundancyDetector
        Fitted.
    labels : dict, optional
        ``doc_id -> readable label`` (:func:`analysis.labels.label_map`).
    max_docs : int
        Per-document findings for at most this many documents (the most
        restated first).

    Returns
    -------
    Findings
        Keys ``redundancy.restated``, ``redundancy.restated_corrected``, ``redundancy.precision``,
        ``redundancy.related``, ``redundancy.most_made_point``,
        ``redundancy.formulaic`` and ``redundancy.doc.<doc_id>``.
    """
    labels = labels or {}
    run = det.run_info().iloc[0]
    out = Findings()
    n = int(run["sentences"])
    out.append(Finding(
        "redundancy.restated",
        "{restated:,} of {sentences:,} sentences ({share:.1%}) make a point already made earlier "
        "in the corpus ({within:,} within their own document, {cross:,} from another document), "
        "leaving {distinct:,} distinct points.",
        {"restated": int(run["restated"]), "sentences": n, "share": run["restated"] / n if n else 0.0,
         "within": int(run["restated_within"]), "cross": int(run["restated_cross"]),
         "distinct": int(run["distinct_points"])},
        Evidence("redundancy_run.csv", "", (), {"restated": "restated", "sentences": "sentences",
                                                "within": "restated_within", "cross": "restated_cross",
                                                "distinct": "distinct_points"})))
    strict = _verification_row(det, "strict tier")
    if strict and strict["recall"] > 0 and strict["recall_low"] > 0 and n:
        r = int(run["restated"])
        est = min(n, r * strict["precision"] / strict["recall"])
        lo = min(n, r * strict["precision_low"] / strict["recall_high"])
        hi = min(n, r * strict["precision_high"] / strict["recall_low"])
        out.append(Finding(
            "redundancy.restated_corrected",
            "The strict tier misses most same-point pairs a reader would mark (see its recall), so "
            "these counts are a floor. Scaled by its measured precision and recall, a reader applying "
            "the same definition would find roughly {estimate:,.0f} restated sentences (95% range "
            "{low:,.0f}–{high:,.0f}), leaving about {distinct:,.0f} distinct points "
            "({distinct_low:,.0f}–{distinct_high:,.0f}).",
            {"estimate": est, "low": lo, "high": hi, "distinct": n - est, "distinct_low": n - hi,
             "distinct_high": n - lo},
            Evidence("same_point_verification.csv", "option", ("strict tier",), {})))
    if strict:
        out.append(Finding(
            "redundancy.precision",
            "The strict “same point” tier was measured on {n:,} labelled sentence pairs, each "
            "scored by a model that never saw it (cross-validation): precision {precision:.2f} "
            "(95% interval {precision_low:.2f}–{precision_high:.2f}) and recall {recall:.2f} "
            "({recall_low:.2f}–{recall_high:.2f}); {positives} of the labelled pairs make the same point.",
            {k: (float(strict[k]) if k not in ("n", "positives") else int(strict[k]))
             for k in ("n", "positives", "precision", "precision_low", "precision_high", "recall",
                       "recall_low", "recall_high")},
            Evidence("same_point_verification.csv", "option", ("strict tier",),
                     {k: k for k in ("n", "positives", "precision", "precision_low", "precision_high",
                                     "recall", "recall_low", "recall_high")})))
    related = _verification_row(det, "related tier (same or partly)")
    values = {"pairs": int(run["related_pairs"]), "sentences": int(run["related_sentences"])}
    template = ("{pairs:,} further pairs of sentences ({sentences:,} sentences) revisit a theme "
                "without making the same point (the related tier); they are not counted as repetition.")
    if related:
        values["precision"] = float(related["precision"])
        template += (" In the labelled pairs, {precision:.0%} of this tier makes the same or a "
                     "partly overlapping claim.")
    out.append(Finding("redundancy.related", template, values,
                       Evidence("redundancy_run.csv", "", (), {"pairs": "related_pairs",
                                                               "sentences": "related_sentences"})))
    cl = det.clusters_
    if len(cl):
        top = cl[cl["cluster"] == 1]
        rep = top[top["representative"]].iloc[0]
        out.append(Finding(
            "redundancy.most_made_point",
            "The point made most often is “{text}”, made {size} times in {docs}.",
            {"text": str(rep["text"]), "size": int(rep["size"]), "n_docs": int(rep["n_docs"]),
             "docs": _docs(int(rep["n_docs"])), "cluster": 1},
            Evidence("clusters.csv", "sentence_id", (rep["sentence_id"],),
                     {"size": "size", "n_docs": "n_docs", "text": "text"})))
    ph = det.phrases_
    if len(ph):
        top = ph.sort_values(["count", "n_words"], ascending=False).iloc[0]
        out.append(Finding(
            "redundancy.formulaic",
            "{sentences:,} sentences carry one of {phrases:,} stock phrases; the most used is "
            "“{phrase}” ({count} times in {docs}).",
            {"sentences": int(det.sentence_flags_["has_formulaic_phrase"].sum()), "phrases": len(ph),
             "phrase": str(top["phrase"]), "count": int(top["count"]), "n_docs": int(top["n_docs"]),
             "docs": _docs(int(top["n_docs"]))},
            Evidence("phrases.csv", "phrase", (top["phrase"],), {"count": "count", "n_docs": "n_docs"})))
    nov = det.novelty_.sort_values(["restated", "doc_id"], ascending=[False, True]).head(max_docs)
    for r in nov.itertuples():
        out.append(Finding(
            f"redundancy.doc.{r.doc_id}",
            "{label}: {restated} of {sentences} sentences restate an earlier point ({within} within "
            "the document, {cross} from another); {unique} of its points are made by no other document.",
            {"label": labels.get(r.doc_id, r.doc_id), "restated": int(r.restated),
             "sentences": int(r.sentences), "within": int(r.restated_within),
             "cross": int(r.restated_cross), "unique": int(r.unique_points)},
            Evidence("novelty.csv", "doc_id", (r.doc_id,),
                     {"restated": "restated", "sentences": "sentences", "within": "restated_within",
                      "cross": "restated_cross", "unique": "unique_points"})))
    return out


def verification_table(det) -> pd.DataFrame:
    """The tiers and options with held-out precision and recall, for a report table."""
    table = det.verification_tables().get("same_point_verification.csv")
    if table is None:
        return pd.DataFrame()
    cols = ["option", "flagged", "tp", "precision", "precision_low", "precision_high", "recall",
            "recall_low", "recall_high"]
    return table[cols].reset_index(drop=True)
