"""Document tick labels of heatmaps: whole readable labels, or none (said so) when there are too many."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from analysis.plots.redundancy import plot_doc_matrix  # noqa: E402
from analysis.plots.style import MAX_DOC_LABELS  # noqa: E402
from analysis.plots.topics import plot_doc_topics  # noqa: E402


def _overlap(ids):
    return pd.DataFrame([(a, b, 0.1) for a in ids for b in ids], columns=["doc_a", "doc_b", "restated_share"])


def test_heatmap_names_every_document_in_full_wrapped_not_cut():
    ids = ["d1", "d2", "d3"]
    labels = {d: f"{d.upper()}: A rather long title about peacekeeping reform" for d in ids}
    ax = plot_doc_matrix(_overlap(ids), labels=labels)
    for ticks in (ax.get_xticklabels(), ax.get_yticklabels()):
        shown = [t.get_text() for t in ticks]
        assert [" ".join(s.split()) for s in shown] == list(labels.values())  # whole label, only wrapped
        assert all("\n" in s for s in shown) and not any("…" in s for s in shown)
    assert ax.get_xlabel() == "Point first made in (document)"
    plt.close("all")


def test_too_many_documents_drop_the_labels_and_say_so():
    n = MAX_DOC_LABELS + 1
    frame = pd.DataFrame([(f"h{i:040d}", f"Doc {i}", t, f"topic {t}", 0.5) for i in range(n) for t in (1, 2)],
                         columns=["doc_id", "doc_label", "topic", "label", "share"])
    ax = plot_doc_topics(frame)
    assert ax.get_yticklabels() == [] or all(t.get_text() == "" for t in ax.get_yticklabels())
    assert f"{n:,}: too many to name" in ax.get_ylabel()
    assert ax.figure.get_size_inches()[1] <= 9  # the figure does not grow without bound
    few = plot_doc_topics(frame[frame["doc_id"].isin(frame["doc_id"].unique()[:3])])
    assert [t.get_text() for t in few.get_yticklabels()] == ["Doc 0", "Doc 1", "Doc 2"]
    assert few.get_ylabel() == "Document"
    plt.close("all")
