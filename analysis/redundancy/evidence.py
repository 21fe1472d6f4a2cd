"""Evidence and headline numbers: both sides of every match, for a reader to check.

No plotting and no file I/O here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import text as T
from .settings import SAME_POINT_KINDS

def shared_word_spans(a: str, b: str, content_only: bool = True):
    """Character spans of the words each text shares with the other.

    Parameters
    ----------
    a, b : str
    content_only : bool
        Ignore stop words (they would light up every pair).

    Returns
    -------
    (list of (int, int), list of (int, int))
        Spans in `a` and in `b`.
    """
    wa, wb = set(T.words(a)), set(T.words(b))
    common = wa & wb
    if content_only:
        common -= T.STOP_WORDS

    def spans(t):
        return [(s, e) for s, e in T.word_spans(t) if t[s:e].lower() in common]
    return spans(a), spans(b)


def _place(sentence_id: str, doc_id: str, labels: dict | None) -> str:
    """``"A: Short title, s0012"`` for a sentence, or its id when no label is known."""
    if labels and doc_id in labels:
        return f"{labels[doc_id]}, {str(sentence_id).rsplit(':', 1)[-1]}"
    return str(sentence_id)


def evidence(pairs: pd.DataFrame, n: int = 8, kinds=SAME_POINT_KINDS,
             scope: str | None = None, labels: dict | None = None) -> pd.DataFrame:
    """The strongest pairs with the spans of their shared content words.

    Parameters
    ----------
    pairs : DataFrame
        ``RedundancyDetector.pairs_``.
    n : int
    kinds : sequence of str
    scope : {"within", "cross"}, optional

    Returns
    -------
    DataFrame
        The top `n` rows by semantic score, plus ``a_spans``, ``b_spans``
        and a one-line ``match`` description (kind, scope, scores).
    """
    sub = pairs[pairs["kind"].isin(list(kinds))]
    if scope:
        sub = sub[sub["scope"] == scope]
    sub = sub.sort_values(["semantic", "lexical"], ascending=False).head(n).copy()
    spans = [shared_word_spans(a, b) for a, b in zip(sub["a_text"], sub["b_text"])]
    sub["a_spans"] = [x[0] for x in spans]
    sub["b_spans"] = [x[1] for x in spans]
    sub["match"] = [f"{k}, {sc}-doc" for k, sc in zip(sub["kind"], sub["scope"])]
    sub["scores"] = [f"sem {s:.2f} · lex {l:.2f}" for s, l in zip(sub["semantic"], sub["lexical"])]
    sub["where"] = [f"{_place(a, da, labels)} → {_place(b, db, labels)}"
                    for a, b, da, db in zip(sub["a_id"], sub["b_id"], sub["a_doc"], sub["b_doc"])]
    return sub.reset_index(drop=True)


def cluster_evidence(clusters: pd.DataFrame, max_clusters: int = 3, max_members: int = 4,
                     labels: dict | None = None) -> pd.DataFrame:
    """Representative vs member rows for the largest clusters, with shared-word spans.

    Returns
    -------
    DataFrame
        ``cluster``, ``size``, ``n_docs``, ``representative_text``, ``text``,
        ``sentence_id``, ``rep_spans``, ``spans`` (the representative itself
        left out).
    """
    rows = []
    order = (clusters.drop_duplicates("cluster").sort_values(["n_docs", "size"], ascending=False)
             ["cluster"].head(max_clusters))
    for c in order:
        g = clusters[(clusters["cluster"] == c) & ~clusters["representative"]].head(max_members)
        for r in g.itertuples():
            a, b = shared_word_spans(r.representative_text, r.text)
            rows.append({"cluster": c, "size": r.size, "n_docs": r.n_docs,
                         "label": f"cluster {c} ({r.size} sentences, {r.n_docs} docs)",
                         "where": f"{_place(r.representative_id, str(r.representative_id).rsplit(':', 1)[0], labels)}"
                                  f" → {_place(r.sentence_id, r.doc_id, labels)}",
                         "representative_text": r.representative_text, "text": r.text,
                         "sentence_id": r.sentence_id, "rep_spans": a, "spans": b})
    return pd.DataFrame(rows, columns=["cluster", "size", "n_docs", "label", "where", "representative_text",
                                       "text", "sentence_id", "rep_spans", "spans"])


def false_positives(det: "RedundancyDetector") -> dict:
    """Matches found in a corpus whose documents share no content (a control).

    Returns
    -------
    dict
        ``sentences``, ``cross`` and ``within`` near-copy/paraphrase pairs,
        ``shared_phrase`` pairs, and ``cross_rate`` (cross pairs per
        cross-document sentence pair).
    """
    flags = det.sentence_flags_
    sizes = flags.groupby("doc_id").size().to_numpy()
    cross_total = (sizes.sum() ** 2 - (sizes ** 2).sum()) / 2
    cross = det.pair_total(SAME_POINT_KINDS, "cross")
    return {"sentences": len(flags), "documents": len(sizes), "cross": cross,
            "within": det.pair_total(SAME_POINT_KINDS, "within"),
            "shared_phrase": det.pair_total(("shared phrase",)),
            "cross_rate": cross / cross_total if cross_total else 0.0,
            "cross_pairs_checked": int(cross_total)}


def speed_summary(cache: pd.DataFrame | None, scaling: pd.DataFrame | None) -> dict:
    """Headline timings of the benchmark tables, for report prose.

    Parameters
    ----------
    cache : DataFrame or None
        ``embedding_cache.csv`` (columns ``run``, ``sentences``, ``seconds``;
        runs ``"cold"`` and ``"warm"``), e.g. from
        :func:`analysis.references.benchmark_results`.
    scaling : DataFrame or None
        ``redundancy_scaling.csv`` (columns ``sentences``, ``backend``,
        ``stage``, ``seconds``); the ``"whole detector"`` stage gives the
        end-to-end time.

    Returns
    -------
    dict
        ``cache``: None, or ``sentences``, ``cold_seconds`` and
        ``warm_seconds`` of embedding with an empty and a warm cache.
        ``lexical_growth``: None (fewer than two lexical runs), or
        ``from_sentences``, ``from_seconds``, ``to_sentences``,
        ``to_seconds`` (the smallest and largest lexical run of the whole
        detector), ``time_ratio`` and ``size_ratio`` (largest over smallest).
        ``semantic_runs``: list of dicts with ``sentences`` and ``seconds``
        of the whole detector with the semantic backend, smallest first.
        ``lexical_stages``: the lexical rows of `scaling` (every stage), or
        None without `scaling`.
    """
    out = {"cache": None, "lexical_growth": None, "semantic_runs": [], "lexical_stages": None}
    if cache is not None:
        runs = cache.drop_duplicates("run").set_index("run")
        if {"cold", "warm"} <= set(runs.index):
            out["cache"] = {"sentences": int(runs.loc["cold", "sentences"]),
                            "cold_seconds": float(runs.loc["cold", "seconds"]),
                            "warm_seconds": float(runs.loc["warm", "seconds"])}
    if scaling is None:
        return out
    out["lexical_stages"] = scaling[scaling["backend"] == "lexical"]
    whole = scaling[scaling["stage"] == "whole detector"]
    lex = whole[whole["backend"] == "lexical"].sort_values("sentences")
    if len(lex) > 1:
        a, b = lex.iloc[0], lex.iloc[-1]
        out["lexical_growth"] = {
            "from_sentences": int(a["sentences"]), "from_seconds": float(a["seconds"]),
            "to_sentences": int(b["sentences"]), "to_seconds": float(b["seconds"]),
            "time_ratio": float(b["seconds"] / a["seconds"]) if a["seconds"] else float("inf"),
            "size_ratio": float(b["sentences"] / a["sentences"]),
        }
    sem = whole[whole["backend"] == "semantic"].sort_values("sentences")
    out["semantic_runs"] = [{"sentences": int(r.sentences), "seconds": float(r.seconds)}
                            for r in sem.itertuples()]
    return out


def summary(det) -> dict:
    """Headline numbers of a fitted detector, all from the strict "same point" tier.

    Returns
    -------
    dict
        ``sentences``, ``restated`` (sentences whose point was made earlier
        in the corpus), ``restated_within``, ``restated_cross``,
        ``distinct_points`` (= sentences - restated), ``restated_share``,
        ``points_made_more_than_once``, ``pairs_by_kind``, ``same_point_pairs``,
        ``cross_pairs`` and ``within_pairs`` (same-point pairs),
        ``related_pairs``, ``related_sentences`` (themes revisited),
        ``formulaic_sentences``, ``corpus_word_novelty``, ``least_novel`` and
        ``most_novel`` (doc ids).
    """
    flags, nov, counts = det.sentence_flags_, det.novelty_, det.pair_counts_
    n = len(flags)
    by_kind = counts.groupby("kind", sort=False)["pairs"].sum()
    restated = int(flags["restated"].sum()) if n else 0
    out = {
        "sentences": n, "restated": restated, "distinct_points": n - restated,
        "restated_within": int(flags["restated_within"].sum()) if n else 0,
        "restated_cross": int(flags["restated_cross"].sum()) if n else 0,
        "restated_share": restated / n if n else 0.0,
        "points_made_more_than_once": int(det.clusters_["cluster"].nunique()) if len(det.clusters_) else 0,
        "pairs_by_kind": {k: int(v) for k, v in by_kind.items() if v},
        "same_point_pairs": det.pair_total(SAME_POINT_KINDS),
        "cross_pairs": det.pair_total(SAME_POINT_KINDS, "cross"),
        "within_pairs": det.pair_total(SAME_POINT_KINDS, "within"),
        "related_pairs": det.pair_total(("related",)),
        "related_sentences": int(flags["related"].sum()) if n else 0,
        "formulaic_sentences": int(flags["has_formulaic_phrase"].sum()) if n else 0,
        "corpus_word_novelty": float(nov["novel_words"].sum() / max(nov["words"].sum(), 1)) if len(nov) else 1.0,
        "least_novel": nov.sort_values("novelty").iloc[0]["doc_id"] if len(nov) else None,
        "most_novel": nov.sort_values("novelty").iloc[-1]["doc_id"] if len(nov) else None,
    }
    return out
