"""Figures for a corpus with too many documents to name one by one stay a readable size."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis.plots import plot_document_lengths, plot_section_lengths, plot_sentence_lengths  # noqa: E402
from analysis.plots.redundancy import plot_novelty  # noqa: E402
from analysis.plots.style import MAX_DOC_LABELS  # noqa: E402
from analysis.plots.themes import MAX_LANES, plot_dispersion  # noqa: E402


def _docs(n):
    return [f"doc{i:04d}" for i in range(n)]


@pytest.mark.parametrize("n, per_document", [(MAX_DOC_LABELS, True), (MAX_DOC_LABELS + 1, False), (5000, False)])
def test_document_figures_switch_to_distributions_above_the_label_limit(n, per_document):
    rng = np.random.default_rng(0)
    docs = _docs(n)
    stats = pd.DataFrame({"doc_id": docs, "words": rng.integers(100, 3000, n)})
    rows = pd.DataFrame({"doc_id": np.repeat(docs, 3), "words": rng.integers(1, 60, 3 * n)})
    novelty = pd.DataFrame({"doc_id": docs, "novelty": rng.random(n), "unique_points": rng.integers(0, 10, n),
                            "sentences": 10})
    for ax in (plot_document_lengths(stats), plot_sentence_lengths(rows), plot_section_lengths(rows),
               plot_novelty(novelty)):
        named = [t.get_text() for t in ax.get_yticklabels() if t.get_text().startswith("doc")]
        height = ax.figure.get_size_inches()[1]
        if per_document:
            assert len(named) == n  # one labelled row per document
        else:
            assert named == [] and height < 10  # a histogram: no document rows, a page-sized figure
            assert f"{n:,}" in ax.get_title() and ax.get_ylabel() in ("Documents", "Sentences", "Sections")
        plt.close(ax.figure)


def test_dispersion_pools_the_documents_into_one_lane_above_max_lanes():
    def matches(n):
        docs = _docs(n)
        return pd.DataFrame({"doc_id": docs * 2, "theme": ["a"] * n + ["b"] * n,
                             "position": np.linspace(0, 1, 2 * n)}), docs

    frame, docs = matches(MAX_LANES)
    ax = plot_dispersion(frame, docs=docs)
    assert len(ax.get_legend().get_texts()) == MAX_LANES
    assert sum(len(c.get_segments()) for c in ax.collections) == 2 * MAX_LANES  # every match drawn once
    plt.close(ax.figure)
    frame, docs = matches(MAX_LANES + 1)
    ax = plot_dispersion(frame, docs=docs)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [f"all {MAX_LANES + 1} documents"]
    assert sum(len(c.get_segments()) for c in ax.collections) == 2 * (MAX_LANES + 1)
    plt.close(ax.figure)
