"""Figures for the corpus overview (notebook 01)."""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import seaborn as sns

from .style import MAX_DOC_LABELS, finish, new_axes


def _named(frame, labels):
    """`frame` with a ``document`` column: the readable label of each doc_id (else the id)."""
    return frame.assign(document=frame.doc_id.map(lambda d: (labels or {}).get(d, d)))


def _histogram(values, ax, title: str, xlabel: str, ylabel: str, color):
    """The distribution of `values`: the figure for a corpus with too many documents to name."""
    ax = new_axes(ax)
    ax.hist(np.asarray(values, dtype=float), bins=40, color=color)
    return finish(ax, title, xlabel, ylabel)


def plot_document_lengths(stats, ax=None, labels=None):
    """Horizontal bars of words per document, from :func:`analysis.stats.document_stats`.

    `labels` (``doc_id -> label``) names the documents. With more than
    ``MAX_DOC_LABELS`` documents, a histogram of the lengths instead.
    """
    if len(stats) > MAX_DOC_LABELS:
        return _histogram(stats["words"], ax, f"Length of the {len(stats):,} documents", "Words",
                          "Documents", sns.color_palette()[0])
    ax = new_axes(ax, figsize=(8, 0.5 * len(stats) + 1.5))
    sns.barplot(data=_named(stats, labels), y="document", x="words", ax=ax, color=sns.color_palette()[0])
    for container in ax.containers:
        ax.bar_label(container, fmt="{:,.0f}", padding=3, fontsize=9)
    ax.margins(x=0.12)
    return finish(ax, "Length of each document", "Words", "Document")


def plot_sentence_lengths(sentences, ax=None, labels=None):
    """Box plots of words per sentence for each document, from ``Corpus.sentences``.

    With more than ``MAX_DOC_LABELS`` documents, one histogram of every sentence's length.
    """
    if sentences.doc_id.nunique() > MAX_DOC_LABELS:
        return _histogram(sentences["words"], ax, f"Sentence length in the {sentences.doc_id.nunique():,} "
                          "documents", "Words per sentence", "Sentences", sns.color_palette()[1])
    ax = new_axes(ax, figsize=(8, 0.5 * sentences.doc_id.nunique() + 1.5))
    sns.boxplot(data=_named(sentences, labels), y="document", x="words", ax=ax, color=sns.color_palette()[1],
                fliersize=2)
    return finish(ax, "Sentence length by document", "Words per sentence", "Document")


@contextmanager
def _seeded(seed: int):
    """Seed numpy's global generator (seaborn's jitter draws from it), then restore it."""
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(state)


def plot_section_lengths(sections, ax=None, labels=None, seed: int = 0):
    """Strip plot of words per section for each document, from ``Corpus.sections``.

    The vertical jitter of the dots is seeded by `seed`, so a figure is the same
    on every build. With more than ``MAX_DOC_LABELS`` documents, one histogram
    of every section's length.
    """
    if sections.doc_id.nunique() > MAX_DOC_LABELS:
        return _histogram(sections["words"], ax, f"Section length in the {sections.doc_id.nunique():,} "
                          "documents", "Words per section", "Sections", sns.color_palette()[2])
    ax = new_axes(ax, figsize=(8, 0.5 * sections.doc_id.nunique() + 1.5))
    with _seeded(seed):
        sns.stripplot(data=_named(sections, labels), y="document", x="words", ax=ax, color=sns.color_palette()[2],
                      size=6, alpha=0.8, jitter=0.15)
    return finish(ax, "Section length by document", "Words per section", "Document")
