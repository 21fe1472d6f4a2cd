"""Figures for the redundancy analysis (notebook 04). Each draws a tidy frame."""

from __future__ import annotations

import textwrap

import numpy as np
import seaborn as sns
from matplotlib.ticker import PercentFormatter

from .style import MAX_DOC_LABELS, SEQUENTIAL, doc_axis, finish, heatmap_size, new_axes, short_label


def _name(doc_id, labels):
    return (labels or {}).get(doc_id) or short_label(doc_id)


def plot_doc_matrix(doc_overlap, value: str = "restated_share", ax=None, title=None, fmt=".0%",
                    labels: dict | None = None):
    """Heatmap of a document x document measure from ``doc_overlap.csv``.

    Rows are the document whose sentences are counted (``doc_a``), columns the
    document where the point was first made (``doc_b``); the diagonal is
    within the same document. `labels` maps doc ids to readable names.
    """
    grid = doc_overlap.pivot(index="doc_a", columns="doc_b", values=value)
    n = len(grid)
    ax = new_axes(ax, figsize=heatmap_size(n, n, col=1.25, row=0.75, extra=(3.5, 2.2)))
    sns.heatmap(grid, ax=ax, cmap=SEQUENTIAL, annot=n <= 15, fmt=fmt, cbar=True, square=False,
                linewidths=0.5 if n <= 40 else 0, vmin=0, annot_kws={"fontsize": 9},
                cbar_kws={"label": "Share of the row document's sentences",
                          **({"format": PercentFormatter(1.0)} if fmt.endswith("%") else {})})
    doc_axis(ax, "x", [_name(c, labels) for c in grid.columns], "Point first made in (document)")
    doc_axis(ax, "y", [_name(c, labels) for c in grid.index], "Sentences of (document)", width=24)
    return finish(ax, title or "Share of sentences restating a point first made in another document",
                  None, None)


def plot_novelty(novelty, ax=None, labels: dict | None = None):
    """Bars per document: share of sentences that are new points, and share no other document makes.

    With more than ``MAX_DOC_LABELS`` documents, histograms of the two shares
    over the documents instead.
    """
    n = len(novelty)
    pal = sns.color_palette()
    new = novelty["novelty"].to_numpy(float)
    unique = (novelty["unique_points"] / novelty["sentences"].clip(lower=1)).to_numpy(float)
    if n > MAX_DOC_LABELS:
        ax = new_axes(ax)
        bins = np.linspace(0, 1, 41)
        ax.hist(new, bins=bins, color=pal[0], alpha=0.7, label="new points (not restated)")
        ax.hist(unique, bins=bins, color=pal[2], alpha=0.7, label="points no other document makes")
        ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
        ax.legend(loc="upper left", frameon=True, fontsize=8)
        return finish(ax, f"What each of the {n:,} documents adds", "Share of the document's sentences",
                      "Documents")
    ax = new_axes(ax, figsize=(8, 0.6 * n + 1.6))
    y = np.arange(n)
    ax.barh(y - 0.2, new, height=0.4, color=pal[0], label="new points (not restated)")
    ax.barh(y + 0.2, unique, height=0.4, color=pal[2], label="points no other document makes")
    for yy, v in zip(y - 0.2, new):
        ax.text(min(v + 0.01, 1.0), yy, f"{v:.0%}", va="center", fontsize=8)
    ax.set_yticks(y, [_name(d, labels) for d in novelty["doc_id"]])
    ax.invert_yaxis()
    ax.set_xlim(0, 1.12)
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.legend(loc="lower left", frameon=True, fontsize=8)
    return finish(ax, "What each document adds", "Share of the document's sentences", "Document")


def plot_points_curve(curve, ax=None):
    """Distinct points against sentences read, in corpus order, from ``points_curve.csv``."""
    ax = new_axes(ax, figsize=(7, 4.2))
    ax.plot(curve["sentences"], curve["sentences"], ls="--", color="grey", lw=1,
            label="every sentence a new point")
    ax.plot(curve["sentences"], curve["distinct_points"], color=sns.color_palette()[0], lw=2,
            label="distinct points found")
    ax.legend(loc="upper left")
    return finish(ax, "Distinct points against total sentences", "Sentences read (corpus order)",
                  "Distinct points")


def plot_layers(layers, ax=None):
    """Share of sentences involved in each layer, within and across documents, from ``layers.csv``."""
    ax = new_axes(ax, figsize=(8, 3.8))
    data = layers[layers["scope"] != "all"]
    sns.barplot(data=data, x="share_of_sentences", y="layer", hue="scope", ax=ax,
                palette=sns.color_palette()[:2])
    for c in ax.containers:
        ax.bar_label(c, fmt="{:.0%}", padding=2, fontsize=8)
    ax.set_xlim(0, min(1.1, max(0.1, data["share_of_sentences"].max() * 1.2)))
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    return finish(ax, "Sentences caught by each layer", "Share of all sentences", "Layer")


def plot_verification(table, ax=None):
    """Held-out precision and recall, with Wilson 95% intervals, per tier and option.

    `table` has ``option``, ``precision``, ``precision_low``, ``precision_high``,
    ``recall``, ``recall_low``, ``recall_high`` (``same_point_verification.csv``).
    """
    t = table.reset_index(drop=True)
    n = len(t)
    ax = new_axes(ax, figsize=(8, 0.55 * n + 1.6))
    pal = sns.color_palette()
    y = np.arange(n)
    for col, off, c in (("precision", -0.15, pal[0]), ("recall", 0.15, pal[1])):
        v = t[col].fillna(0).to_numpy(float)
        lo = np.clip(v - t[f"{col}_low"].fillna(0).to_numpy(float), 0, None)
        hi = np.clip(t[f"{col}_high"].fillna(0).to_numpy(float) - v, 0, None)
        ax.errorbar(v, y + off, xerr=[lo, hi], fmt="o", color=c, capsize=3, label=col)
    ax.axvline(0.8, color="grey", ls=":", lw=1)
    ax.set_yticks(y, [textwrap.fill(str(o), 38) for o in t["option"]], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(-0.02, 1.02)
    ax.legend(loc="lower right", fontsize=8)
    return finish(ax, "How far to trust each tier: held-out precision and recall",
                  "Rate on held-out labelled pairs (95% Wilson interval)", "Tier or option")


def plot_scores_by_label(labelled, ax=None, score: str = "held_out_score"):
    """Held-out verifier score of each labelled pair, by its label (same, partly, different)."""
    ax = new_axes(ax, figsize=(7.5, 3.4))
    order = [x for x in ("same", "partly", "different") if x in set(labelled["label"])]
    rng = np.random.default_rng(0)  # seeded jitter: the same picture every build
    y = labelled["label"].map({lab: k for k, lab in enumerate(order)}).to_numpy(float)
    pal = sns.color_palette()
    ax.scatter(labelled[score], y + rng.uniform(-0.25, 0.25, len(y)), s=9, alpha=0.6,
               c=[pal[k] for k in y.astype(int)])
    ax.set_yticks(range(len(order)), order)
    ax.invert_yaxis()
    return finish(ax, "Verifier score of the labelled pairs, by label", "Held-out probability of “same point”",
                  "Label")


def plot_scaling(bench, ax=None):
    """Detection time against number of sentences (log-log), from the benchmark table.

    Expects columns ``sentences``, ``seconds`` and ``stage``.
    """
    ax = new_axes(ax, figsize=(7.5, 4.2))
    sns.lineplot(data=bench, x="sentences", y="seconds", hue="stage", marker="o", ax=ax)
    ax.set_xscale("log")
    ax.set_yscale("log")
    return finish(ax, "Detection time as the corpus grows", "Sentences", "Seconds")


def plot_similarity_hist(scores, threshold: float, ax=None, label: str = "cosine"):
    """Histogram of nearest-neighbour similarities with the threshold marked.

    `scores` is a frame with a ``score`` column (one row per sentence).
    """
    ax = new_axes(ax, figsize=(7.5, 3.6))
    sns.histplot(data=scores, x="score", bins=30, ax=ax, color=sns.color_palette()[0])
    ax.axvline(threshold, color="black", ls="--", lw=1)
    return finish(ax, "Each sentence's closest match elsewhere", f"Highest {label} with another sentence",
                  "Sentences")
