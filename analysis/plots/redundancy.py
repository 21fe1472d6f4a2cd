"""Figures for the redundancy analysis (notebook 04). Each draws a tidy frame."""

from __future__ import annotations

import numpy as np
import seaborn as sns

from .style import SEQUENTIAL, finish, new_axes, short_label


def plot_doc_matrix(doc_overlap, value: str = "redundant_share", ax=None, title=None, fmt=".0%"):
    """Heatmap of a document x document measure from ``doc_overlap.csv``.

    Rows are the document whose sentences are checked (``doc_a``), columns
    the document they are compared with (``doc_b``); the diagonal is within
    the same document.
    """
    grid = doc_overlap.pivot(index="doc_a", columns="doc_b", values=value)
    n = len(grid)
    ax = new_axes(ax, figsize=(1.3 * n + 3, 1.0 * n + 1.8))
    sns.heatmap(grid, ax=ax, cmap=SEQUENTIAL, annot=True, fmt=fmt, cbar=True, square=False,
                linewidths=0.5, vmin=0, annot_kws={"fontsize": 9},
                xticklabels=[short_label(c) for c in grid.columns],
                yticklabels=[short_label(c) for c in grid.index])
    ax.tick_params(axis="x", rotation=30)
    ax.tick_params(axis="y", rotation=0)
    return finish(ax, title or "Share of sentences restating the other document",
                  "Compared with document", "Sentences of document")


def plot_novelty(novelty, ax=None):
    """Bars of the novel share of sentences and of words per document, from ``novelty.csv``."""
    n = len(novelty)
    ax = new_axes(ax, figsize=(8, 0.6 * n + 1.6))
    y = np.arange(n)
    pal = sns.color_palette()
    ax.barh(y - 0.2, novelty["novelty"], height=0.4, color=pal[0], label="sentences")
    ax.barh(y + 0.2, novelty["word_novelty"], height=0.4, color=pal[2], label="words")
    for yy, v in zip(y - 0.2, novelty["novelty"]):
        ax.text(v + 0.01, yy, f"{v:.0%}", va="center", fontsize=8)
    ax.set_yticks(y, [short_label(d) for d in novelty["doc_id"]])
    ax.invert_yaxis()
    ax.set_xlim(0, 1.08)
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.legend(loc="lower right", frameon=True)
    return finish(ax, "Novelty: share that restates nothing said before", "Share novel", "Document")


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


def plot_calibration(curve, threshold: float, ax=None, label: str = "cosine"):
    """Precision, recall and F1 against threshold, from :func:`analysis.redundancy.precision_recall`."""
    ax = new_axes(ax, figsize=(7.5, 4))
    pal = sns.color_palette()
    for col, c in (("precision", pal[0]), ("recall", pal[1]), ("f1", pal[2])):
        ax.plot(curve["threshold"], curve[col], label=col, color=c, lw=1.8)
    ax.axvline(threshold, color="black", ls="--", lw=1, label=f"chosen {threshold:.3f}")
    ax.set_ylim(0, 1.05)
    ax.legend(loc="lower left")
    return finish(ax, "Calibration on hand-labelled pairs", f"Threshold ({label})", "Score")


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
