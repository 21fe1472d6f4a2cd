"""Topic figures name documents by their readable labels, never by file ids."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis.plots.topics import (plot_doc_similarity, plot_doc_topics, plot_topic_flow,  # noqa: E402
                                   plot_topic_mass)

IDS = {"000_129823eb7e73e70c": "A: Peacekeeping and SSR", "001_b0cd0dcbebfd2ef1": "B: Reconstruction"}


@pytest.fixture
def doc_topics():
    rows = [(d, lab, t, f"topic {t}", share) for (d, lab), shares in zip(IDS.items(), [(0.7, 0.3), (0.2, 0.8)])
            for t, share in zip((1, 2), shares)]
    return pd.DataFrame(rows, columns=["doc_id", "doc_label", "topic", "label", "share"])


def _texts(fig) -> str:
    return " ".join(t.get_text() for t in fig.findobj(matplotlib.text.Text))


def test_figures_show_labels_not_ids(doc_topics):
    sim = pd.DataFrame({"doc_a": list(IDS), "doc_a_label": list(IDS.values()),
                        "doc_b": list(IDS)[::-1], "doc_b_label": list(IDS.values())[::-1],
                        "similarity": [0.5, 0.5]})
    sections = doc_topics.assign(section=1, heading="Intro")
    mass = doc_topics.assign(mass_share=[0.8, 0.3, 0.2, 0.7])
    for draw in (lambda: plot_doc_topics(doc_topics), lambda: plot_doc_similarity(sim),
                 lambda: plot_topic_flow(sections), lambda: plot_topic_mass(mass)):
        draw()
        text = _texts(plt.gcf())
        assert "A: Peacekeeping and SSR" in text and "B: Reconstruction" in text
        assert "129823eb" not in text and "b0cd0dcb" not in text
        plt.close("all")
