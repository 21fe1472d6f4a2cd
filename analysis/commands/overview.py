"""Corpus overview: per-document statistics, sections, paragraphs and sentences.

Writes documents.csv, sections.csv, paragraphs.csv and sentences.csv.
"""

from __future__ import annotations

HELP = "per-document statistics and the parsed structure"


def add_arguments(parser) -> None:
    """This command has only the common options."""


def run(corpus, params, args) -> dict:
    """Compute the overview tables."""
    from ..stats import document_stats

    stats = document_stats(corpus, mattr_window=params["overview"]["mattr_window"])
    documents = corpus.documents[["doc_id", "file", "encoding"]].merge(stats, on="doc_id")
    return {
        "documents.csv": documents,
        "sections.csv": corpus.sections,
        "paragraphs.csv": corpus.paragraphs,
        "sentences.csv": corpus.sentences,
    }
