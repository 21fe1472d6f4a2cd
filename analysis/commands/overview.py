"""Corpus overview: per-document statistics, sections, paragraphs and sentences.

Writes:
  documents.csv          statistics per document, with its readable label and title
  document_labels.csv    the key from label to file: doc_id, letter, short_title, label,
                         title, file (labels can be overridden under documents: in the
                         parameter file)
  overview_findings.csv  the report's size statements, each with its values and the
                         documents.csv rows that back it
  sections.csv, paragraphs.csv, sentences.csv   the parsed structure
"""

from __future__ import annotations

HELP = "per-document statistics and the parsed structure"


def add_arguments(parser) -> None:
    """This command has only the common options."""


def run(corpus, params, args) -> dict:
    """Compute the overview tables."""
    from ..config import PROJECT_ROOT
    from ..findings import findings_frame
    from ..findings.overview import overview_findings
    from ..labels import document_labels
    from ..stats import document_stats

    labels = document_labels(corpus.documents, params.get("documents"), PROJECT_ROOT)
    stats = document_stats(corpus, mattr_window=params["overview"]["mattr_window"])
    documents = corpus.documents[["doc_id", "file", "encoding"]].merge(stats, on="doc_id")
    documents.insert(4, "label", documents.doc_id.map(dict(zip(labels.doc_id, labels.label))))
    return {
        "documents.csv": documents,
        "document_labels.csv": labels,
        "overview_findings.csv": findings_frame(overview_findings(documents)),
        "sections.csv": corpus.sections,
        "paragraphs.csv": corpus.paragraphs,
        "sentences.csv": corpus.sentences,
    }
