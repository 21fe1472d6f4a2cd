"""The tables the ``topics`` command writes, by file name, built from a :class:`TopicResult`.

One place decides what goes into each CSV, so the findings (which point at
these files) and the command line always agree.
"""

from __future__ import annotations

import pandas as pd

from .frames import CONCENTRATION_COLUMNS, LEADING_COLUMNS, REPRESENTATIVE_COLUMNS
from .pipeline import TopicResult
from .scan import NEXT_K_COLUMNS

MODEL_COLUMNS = ["unit", "unit_reason", "method", "k", "k_rule", "k_reason", "stability", "least_stable",
                 "diversity", "k_lo", "k_hi", "n_docs", "n_units", "n_terms", "fit_seconds"]

_EMPTY = {
    "topic_terms.csv": ["topic", "label", "rank", "term", "kind", "weight"],
    "doc_topics.csv": ["doc_id", "doc_label", "topic", "label", "share"],
    "unit_topics.csv": ["unit_id", "doc_id", "doc_label", "section", "heading", "topic", "label",
                        "share"],
    "section_topics.csv": ["doc_id", "doc_label", "section", "heading", "topic", "label", "share"],
    "leading_topics.csv": LEADING_COLUMNS,
    "topic_diagnostics.csv": ["topic", "label", "prevalence", "coherence", "exclusivity",
                              "stability", "top_terms", "weak", *CONCENTRATION_COLUMNS[1:]],
    "topic_representatives.csv": REPRESENTATIVE_COLUMNS,
    "topic_mass.csv": ["doc_id", "doc_label", "topic", "label", "share", "mass", "mass_share"],
    "k_scan.csv": ["k", "method", "coherence", "diversity", "exclusivity", "stability"],
    "k_next_topics.csv": NEXT_K_COLUMNS + ["parent_label"],
    "topic_map.csv": ["topic", "label", "x", "y", "prevalence"],
    "doc_similarity.csv": ["doc_a", "doc_a_label", "doc_b", "doc_b_label", "similarity"],
}


def model_summary(result: TopicResult) -> pd.DataFrame:
    """One row describing the fitted model (``topic_model.csv``).

    ``least_stable`` is the stability of the model's least stable topic and
    ``diversity`` the chosen k's top-word diversity in the k-scan; ``k_lo``
    and ``k_hi`` are the smallest and largest k the scan tried.
    """
    scan = result.k_scan
    row = scan[scan["k"] == result.k] if scan is not None else pd.DataFrame()
    diag = result.topic_diagnostics
    return pd.DataFrame([{
        "unit": result.unit, "unit_reason": result.unit_reason, "method": result.method,
        "k": result.k, "k_rule": result.k_rule, "k_reason": result.k_reason, "stability": result.stability,
        "least_stable": float(diag["stability"].min()) if diag is not None else float("nan"),
        "diversity": float(row["diversity"].iloc[0]) if len(row) else float("nan"),
        "k_lo": int(scan["k"].min()) if scan is not None else 0,
        "k_hi": int(scan["k"].max()) if scan is not None else 0,
        "n_docs": result.n_docs, "n_units": len(result.units),
        "n_terms": len(result.model.terms_) if result.ok else 0,
        "fit_seconds": result.model.fit_seconds_ if result.ok else float("nan"),
    }], columns=MODEL_COLUMNS)


def topic_tables(result: TopicResult) -> dict[str, pd.DataFrame]:
    """Every table of the topic analysis, keyed by the CSV file name it is written to.

    Parameters
    ----------
    result : TopicResult

    Returns
    -------
    dict of str to pandas.DataFrame
        Empty tables (with their columns) when no model could be fitted.
    """
    info = model_summary(result)
    if not result.ok:
        return {**{name: pd.DataFrame(columns=c) for name, c in _EMPTY.items()},
                "topic_model.csv": info}
    return {
        "topic_terms.csv": result.topic_terms,
        "doc_topics.csv": result.doc_topics,
        "unit_topics.csv": result.unit_topics,
        "section_topics.csv": result.section_topics,
        "leading_topics.csv": result.leading_topics,
        "topic_diagnostics.csv": result.topic_diagnostics,
        "topic_representatives.csv": result.representatives,
        "topic_mass.csv": result.topic_mass,
        "k_scan.csv": result.k_scan,
        "k_next_topics.csv": (result.k_next if result.k_next is not None
                              else pd.DataFrame(columns=_EMPTY["k_next_topics.csv"])),
        "topic_map.csv": result.topic_map,
        "doc_similarity.csv": result.doc_similarity,
        "topic_model.csv": info,
    }
