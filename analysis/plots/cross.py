"""Figures of the cross-analysis and the digest (notebook 00). Each draws a tidy frame.

No computation beyond reshaping, no file I/O; every figure has a title and
labelled axes, and names documents by their readable labels.
"""

from __future__ import annotations

import numpy as np
import seaborn as sns
from matplotlib.patches import Patch, Rectangle

from .style import SEQUENTIAL, doc_axis, finish, new_axes


def plot_restated_by(frame, key: str = "theme", ax=None, title: str | None = None, label: str | None = None):
    """Paired bars per theme (or topic): share restated (strict tier) and share revisited (related tier).

    Parameters
    ----------
    frame : DataFrame
        ``theme_redundancy.csv`` or ``topic_redundancy.csv``.
    key : str
        Column naming the bars (``theme``, or ``label`` for topics).
    """
    f = frame.sort_values(["restated_share", "related_share"], ascending=False)
    n = len(f)
    ax = new_axes(ax, figsize=(8, 0.17 * n + 1.5))
    y = np.arange(n)
    pal = sns.color_palette()
    ax.barh(y - 0.2, f["restated_share"], height=0.4, color=pal[3], label="restated (same point)")
    ax.barh(y + 0.2, f["related_share"], height=0.4, color=pal[0], alpha=0.6,
            label="revisited (related, not repeated)")
    for yy, v, r, s in zip(y - 0.2, f["restated_share"], f["restated"], f["sentences"]):
        if r:  # label only the bars there are; the rest read as 0
            ax.text(v + 0.005, yy, f"{r} of {s}", va="center", fontsize=7)
    names = f[key].astype(str).tolist()
    if "group" in f:
        names = [f"{t} (shared)" if g == "baseline" else t for t, g in zip(names, f["group"])]
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlim(0, min(1.0, float(f[["restated_share", "related_share"]].to_numpy().max(initial=0)) + 0.15))
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.legend(loc="lower right", frameon=True, fontsize=8)
    return finish(ax, title or f"How much of each {key} is said again",
                  "Share of the sentences carrying it", label or key.capitalize())


def plot_theme_novelty(novelty, ax=None, value: str = "share_of_theme"):
    """Themes x documents heatmap: each document's part of the new material on each theme.

    Parameters
    ----------
    novelty : DataFrame
        ``theme_novelty.csv``; the column `value` is shown, the top
        contributor of each theme outlined.
    """
    grid = novelty.pivot(index="theme", columns="doc_label", values=value).fillna(0)
    grid = grid.loc[grid.max(axis=1).sort_values(ascending=False).index]
    ax = new_axes(ax, figsize=(min(2.8 + 1.0 * grid.shape[1], 8), 0.18 * len(grid) + 1.7))
    sns.heatmap(grid, ax=ax, cmap=SEQUENTIAL, annot=True, fmt=".0%", vmin=0, vmax=1, linewidths=0.5,
                annot_kws={"fontsize": 8}, cbar_kws={"label": "share of the theme's new words"})
    top = novelty[novelty["top"].astype(bool)]
    rows, cols = list(grid.index), list(grid.columns)
    for r in top.itertuples():
        if r.theme in rows and r.doc_label in cols:
            ax.add_patch(Rectangle(
                (cols.index(r.doc_label), rows.index(r.theme)), 1, 1, fill=False, lw=2, ec="black"))
    doc_axis(ax, "x", cols, "Document")
    return finish(ax, "Who brings the new material on each theme", None, "Theme")


def plot_theme_sharing(sharing, ax=None, own_share: float | None = None):
    """Bars per theme: the share of its matches in its top document, coloured by spread.

    Parameters
    ----------
    sharing : DataFrame
        ``theme_sharing.csv``.
    own_share : float, optional
        Draws the cut above which a theme belongs to one document.
    """
    f = sharing[sharing["spread"] != "unused"].sort_values("top_share", ascending=False)
    n = len(f)
    ax = new_axes(ax, figsize=(8, 0.34 * n + 1.8))
    pal = sns.color_palette()
    colours = {"every document": pal[2], "several": pal[7], "one document's own": pal[1]}
    y = np.arange(n)
    ax.barh(y, f["top_share"], color=[colours.get(s, pal[7]) for s in f["spread"]])
    for yy, v, lab, d, t in zip(y, f["top_share"], f["top_doc_label"], f["documents"], f["documents_total"]):
        short = str(lab).split(":")[0] if ":" in str(lab) else str(lab)
        ax.text(v + 0.01, yy, f"{short} · {d}/{t} use it", va="center", fontsize=7)
    ax.set_yticks(y, [f"{t} (shared)" if g == "baseline" else t for t, g in zip(f["theme"], f["group"])])
    ax.invert_yaxis()
    ax.set_xlim(0, 1.45)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    if own_share is not None:
        ax.axvline(own_share, color="grey", ls=":", lw=1)
    ax.legend(handles=[Patch(color=c, label=s) for s, c in colours.items()], loc="upper left",
              bbox_to_anchor=(1.01, 1.0), frameon=True, fontsize=8)
    return finish(ax, "Shared themes and one document's own",
                  "Share of the theme's matches in its top document (letter: that document)", "Theme")


def plot_digest_words(by_topic, ax=None):
    """Words per topic before and after the digest keeps one sentence per point.

    Parameters
    ----------
    by_topic : DataFrame
        ``digest_topics.csv`` (``label``, ``words_before``, ``words_after``).
    """
    f = by_topic.sort_values("words_before", ascending=False)
    n = len(f)
    ax = new_axes(ax, figsize=(8, 0.45 * n + 1.8))
    y = np.arange(n)
    pal = sns.color_palette()
    ax.barh(y, f["words_before"], color=pal[7], alpha=0.5, label="words in the corpus")
    ax.barh(y, f["words_after"], height=0.5, color=pal[0], label="words in the digest")
    for yy, b, a in zip(y, f["words_before"], f["words_after"]):
        ax.text(b, yy, f" {b:,} → {a:,}", va="center", fontsize=7)
    ax.set_yticks(y, f["label"].astype(str))
    ax.invert_yaxis()
    ax.set_xlim(0, max(float(f["words_before"].max()) if n else 1.0, 1.0) * 1.3)
    ax.legend(loc="lower right", frameon=True, fontsize=8)
    return finish(ax, "What is left once each point is said once", "Words", "Topic")
