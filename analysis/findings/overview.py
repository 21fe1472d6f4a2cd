"""Findings of the corpus overview: how large each document is, the longest and the shortest.

Every finding points at ``documents.csv`` (id ``doc_id``), which the
``overview`` command writes with each document's readable ``label``.
Templates are plain text, so a notebook, the summary and
``overview_findings.csv`` read alike.
"""

from __future__ import annotations

import pandas as pd

from .core import Evidence, Finding, Findings

_SIZE_COLUMNS = {"document": "label", "title": "title", "words": "words", "sentences": "sentences"}


def _size(key: str, template: str, r) -> Finding:
    values = {"document": r["label"], "title": r["title"], "words": int(r["words"]),
              "sentences": int(r["sentences"])}
    return Finding(key, template, values,
                   Evidence("documents.csv", "doc_id", (r["doc_id"],), dict(_SIZE_COLUMNS)))


def overview_findings(documents: pd.DataFrame) -> Findings:
    """Size findings for report 01.

    Parameters
    ----------
    documents : pandas.DataFrame
        One row per document with ``doc_id``, ``label``, ``title``, ``words``
        and ``sentences`` (``documents.csv`` of the ``overview`` command).

    Returns
    -------
    Findings
        ``overview.size.<doc_id>`` for every document, ``overview.longest``
        and ``overview.shortest`` (the first in corpus order on ties; both
        are left out for a one-document corpus).
    """
    out = Findings()
    for _, r in documents.iterrows():
        out.append(_size(f"overview.size.{r['doc_id']}",
                         "{document} has {words:,} words in {sentences:,} sentences.", r))
    if len(documents) > 1:
        out.append(_size("overview.longest", "The longest document is {document} (“{title}”), "
                         "with {words:,} words in {sentences:,} sentences.",
                         documents.loc[documents.words.idxmax()]))
        out.append(_size("overview.shortest", "The shortest is {document} (“{title}”), with "
                         "{words:,} words in {sentences:,} sentences.",
                         documents.loc[documents.words.idxmin()]))
    return out
