"""Figures for the theme frequency analysis (notebook 02).

Each function draws a frame from :mod:`analysis.themes` / :mod:`analysis.keyness`
as it is; reshaping for display (pivoting) is the only work done here.
"""

from __future__ import annotations

import textwrap

import numpy as np
import seaborn as sns
from matplotlib.patches import Rectangle

from .style import DIVERGING, SEQUENTIAL, doc_axis, finish, new_axes, short_label


def _wrap(label: str, width: int = 28) -> str:
    return "\n".join(textwrap.wrap(str(label), width)) or str(label)


#: More documents than this and every theme's matches share one lane in the dispersion plot.
MAX_LANES = 8


def _name(doc_id: str, labels: dict | None, width: int = 14) -> str:
    """A document's readable label, else its id shortened."""
    return labels[doc_id] if labels and doc_id in labels else short_label(doc_id, width)


def plot_theme_heatmap(counts, value: str = "per_1k_words", ax=None, fmt: str = ".1f",
                       labels: dict | None = None, highlight=None):
    """Annotated themes x documents heatmap, from :func:`analysis.themes.theme_counts`.

    Themes are rows (long names fit), documents are columns; each cell shows `value`.
    Baseline subjects (``baseline`` column) come first, marked "(shared)" and set
    apart by a line; the colour scale is fitted to the other themes, so the shared
    subjects, far more frequent, do not wash them out (their cells saturate, the
    numbers stay exact).

    Parameters
    ----------
    counts : pandas.DataFrame
    value : str
    ax : matplotlib Axes, optional
    fmt : str
        Number format of the annotations.
    labels : dict, optional
        ``doc_id -> label`` for the column names.
    highlight : iterable of (doc_id, theme), optional
        Cells to outline, e.g. each document's most frequent theme.
    """
    themes = list(dict.fromkeys(counts.theme))
    docs = list(dict.fromkeys(counts.doc_id))
    wide = counts.pivot(index="theme", columns="doc_id", values=value).loc[themes, docs]
    base = (set(counts.theme[counts["baseline"].astype(bool)]) if "baseline" in counts
            else set())
    n_base = sum(t in base for t in themes)
    topical = wide.iloc[n_base:]
    vmax = float(np.nanmax(topical.to_numpy())) if topical.size else None
    # Drawn near its printed size (at most 95 mm tall), so its labels stay legible on paper.
    ax = new_axes(ax, figsize=(min(2.8 + 1.0 * len(docs), 8), 0.22 * len(themes) + 1.7))
    sns.heatmap(wide, ax=ax, cmap=SEQUENTIAL, annot=True, fmt=fmt, annot_kws={"fontsize": 8},
                linewidths=0.5, linecolor="white", vmin=0, vmax=vmax or None,
                cbar_kws={"label": "Matches per 1,000 words" if value == "per_1k_words" else value,
                          "shrink": 0.7})
    ax.set_yticklabels([_wrap(t + (" (shared)" if t in base else ""), 44) for t in themes],
                       rotation=0, fontsize=8)
    doc_axis(ax, "x", [_name(d, labels, width=80) for d in docs], "Document", width=16)
    if n_base and n_base < len(themes):
        ax.axhline(n_base, color="0.2", lw=1.6)
    for d, t in (highlight or []):
        if d in docs and t in themes:
            ax.add_patch(Rectangle((docs.index(d), themes.index(t)), 1, 1, fill=False,
                                   edgecolor="#d55e00", lw=2.2, clip_on=False))
    ax.grid(False)
    return finish(ax, "Theme rates by document", None, "Theme")


def plot_dispersion(matches, themes=None, docs=None, ax=None, labels: dict | None = None,
                    max_lanes: int = MAX_LANES):
    """Where each theme occurs: one tick per match at its relative position (0-1).

    Themes are rows; within a row each document has its own lane and colour.
    With more than `max_lanes` documents the lanes would be too thin to see, so
    each row is one lane holding every document's matches. Draws from
    :func:`analysis.themes.find_matches` (column ``position``); `labels`
    (``doc_id -> label``) names the documents in the legend.
    """
    themes = list(themes) if themes is not None else list(dict.fromkeys(matches.theme))
    docs = list(docs) if docs is not None else list(dict.fromkeys(matches.doc_id))
    ax = new_axes(ax, figsize=(8.5, 0.5 * len(themes) + 1.8))
    pooled = len(docs) > max_lanes
    lanes = 1 if pooled else max(len(docs), 1)
    colors = sns.color_palette(n_colors=lanes)
    lane = 0.8 / lanes
    sub = matches[matches.theme.isin(themes) & matches.doc_id.isin(docs)]
    row = sub.theme.map({t: i for i, t in enumerate(themes)}).to_numpy(float)
    doc_lane = np.zeros(len(sub), int) if pooled else sub.doc_id.map({d: j for j, d in enumerate(docs)}).to_numpy()
    x = sub.position.to_numpy()
    for j in range(lanes):  # one call per lane (at most max_lanes), not per match
        here = doc_lane == j
        base = row[here] - 0.4 + j * lane
        name = f"all {len(docs):,} documents" if pooled else _name(docs[j], labels, 18)
        ax.vlines(x[here], base + 0.1 * lane, base + 0.9 * lane, color=colors[j], lw=1.3 if not pooled else 0.6,
                  alpha=1.0 if not pooled else 0.4, label=name)
    for i in range(1, len(themes)):
        ax.axhline(i - 0.5, color="0.85", lw=0.6)
    ax.set_yticks(range(len(themes)), [_wrap(t, 32) for t in themes], fontsize=8.5)
    ax.set_ylim(len(themes) - 0.5, -0.5)
    ax.set_xlim(0, 1)
    ax.grid(axis="y", visible=False)
    # Below the plot: readable labels are long and would squeeze it from the side.
    ax.legend(title="Document", fontsize=8, title_fontsize=8.5, loc="upper center",
              bbox_to_anchor=(0.5, -0.09), ncol=2, frameon=False)
    return finish(ax, "Where each theme occurs", "Relative position in document (0 = start, 1 = end)",
                  "Theme")


def plot_cooccurrence(cooc, themes=None, ax=None):
    """Theme pairs: colour = log2(observed / expected) paragraphs shared; text = observed.

    From :func:`analysis.keyness.cooccurrence`. Significant pairs are starred.
    Pairs that never share a paragraph are left blank.
    """
    themes = list(themes) if themes is not None else list(
        dict.fromkeys(list(cooc.theme_a) + list(cooc.theme_b)))
    k = len(themes)
    idx = {t: i for i, t in enumerate(themes)}
    lift = np.full((k, k), np.nan)
    text = np.full((k, k), "", dtype=object)
    for r in cooc.itertuples(index=False):
        i, j = idx[r.theme_b], idx[r.theme_a]   # lower triangle
        if r.together > 0 and r.expected > 0:
            lift[i, j] = np.log2(r.together / r.expected)
        text[i, j] = f"{r.together}{'*' if r.significant else ''}"
    # The lower triangle without its empty first row and last column.
    lift, text = lift[1:, :-1], text[1:, :-1]
    ax = new_axes(ax, figsize=(8.2, 0.4 * k + 2.6))
    finite = np.abs(lift[np.isfinite(lift)])
    vmax = max(float(finite.max()) if finite.size else 1.0, 1.0)
    sns.heatmap(lift, ax=ax, cmap=DIVERGING, center=0, vmin=-vmax, vmax=vmax,
                annot=text, fmt="", annot_kws={"fontsize": 8}, linewidths=0.4,
                linecolor="white", mask=np.triu(np.ones((k - 1, k - 1), dtype=bool), 1),
                cbar_kws={"label": "log2(observed / expected shared paragraphs)", "shrink": 0.6})
    ax.grid(False)
    ax.set_xticks(np.arange(k - 1) + 0.5, themes[:-1], rotation=60, ha="right",
                  rotation_mode="anchor", fontsize=8)
    ax.set_yticks(np.arange(k - 1) + 0.5, [_wrap(t, 30) for t in themes[1:]], rotation=0, fontsize=8)
    return finish(ax, "Themes that share paragraphs", "Theme", "Theme")


def plot_keyness(table, doc_id: str, n: int = 10, ax=None, labels: dict | None = None):
    """Horizontal bars of log ratio for one document's top items by G², from a keyness table.

    `table` holds the rows to draw (e.g. :func:`analysis.keyness.top_keyness`
    for one kind); bars are coloured by whether the item is significant.
    """
    t = table[table.doc_id == doc_id].head(n)
    ax = new_axes(ax, figsize=(7, 0.35 * max(len(t), 1) + 1.4))
    colors = [sns.color_palette()[0] if s else "0.7" for s in t.significant]
    ax.barh(range(len(t)), t.log_ratio, color=colors)
    ax.set_yticks(range(len(t)), [_wrap(i, 30) for i in t["item"]], fontsize=8.5)
    ax.invert_yaxis()
    ax.axvline(0, color="0.3", lw=0.8)
    return finish(ax, f"Distinctive items: {_name(doc_id, labels, 24)}",
                  "Log ratio (log2 of relative frequency, document vs rest)", "Item")
