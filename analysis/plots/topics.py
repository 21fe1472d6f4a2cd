"""Figures for topic modelling (notebooks 03 and 05). They draw frames from :mod:`analysis.topics`.

Documents are named by their readable label (the ``doc_label`` column, e.g.
"A: Peacekeeping and SSR"); the doc id is used only when a frame has no label.
"""

from __future__ import annotations

import math
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns

from .style import SEQUENTIAL, doc_axis, finish, heatmap_size, new_axes, short_label


def _doc_names(frame, id_col: str = "doc_id", label_col: str = "doc_label") -> dict[str, str]:
    """doc id -> readable label, in order of first appearance."""
    labels = frame[label_col] if label_col in frame else frame[id_col]
    return dict(zip(frame[id_col], labels))


def _topic_names(frame) -> list[str]:
    pairs = frame[["topic", "label"]].drop_duplicates().sort_values("topic")
    return [f"{t}. {lab}" for t, lab in zip(pairs["topic"], pairs["label"])]


def plot_top_terms(topic_terms, n_terms: int = 8, ncols: int = 3, kind: str = "term"):
    """A grid of bar charts: each topic's heaviest terms and their weights.

    Parameters
    ----------
    topic_terms : pandas.DataFrame
        From :func:`analysis.topics.topic_terms_frame` (``topic``, ``label``,
        ``rank``, ``term``, ``kind``, ``weight``).
    n_terms : int
    ncols : int
    kind : {"term", "bigram"}

    Returns
    -------
    ndarray of Axes
    """
    data = topic_terms[(topic_terms["kind"] == kind) & (topic_terms["rank"] <= n_terms)]
    topics = sorted(data["topic"].unique())
    ncols = max(1, min(ncols, len(topics)))
    nrows = max(1, math.ceil(len(topics) / ncols))
    height = 0.26 * n_terms * nrows + 0.9 * nrows + 0.4
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.2 * ncols + 1, height), squeeze=False)
    colors = sns.color_palette(n_colors=max(len(topics), 1))
    for i, ax in enumerate(axes.ravel()):
        if i >= len(topics):
            ax.set_visible(False)
            continue
        t = topics[i]
        d = data[data["topic"] == t].sort_values("rank")
        ax.barh(d["term"], d["weight"], color=colors[i])
        ax.invert_yaxis()
        ax.tick_params(axis="y", labelsize=8)
        ax.tick_params(axis="x", labelsize=7)
        label = textwrap.shorten(d["label"].iloc[0], width=32, placeholder="…")
        finish(ax, f"{t}. {label}", "Weight", None)
        ax.title.set_fontsize(10)
    fig.suptitle("Top terms of each topic (share of the topic's weight)", fontweight="bold",
                 x=0.01, ha="left")
    return axes


def plot_doc_topics(doc_topics, ax=None):
    """Heatmap of topic shares per document (rows sum to 1).

    Parameters
    ----------
    doc_topics : pandas.DataFrame
        ``doc_id``, ``doc_label``, ``topic``, ``label``, ``share``.
    """
    names = _doc_names(doc_topics)
    wide = doc_topics.pivot(index="doc_id", columns="topic", values="share")
    wide = wide.reindex(list(names))
    docs = [names[d] for d in wide.index]
    wide.columns = _topic_names(doc_topics)
    ax = new_axes(ax, figsize=heatmap_size(wide.shape[1], len(wide), col=1.1, row=0.5, extra=(4.0, 2.6)))
    sns.heatmap(wide, ax=ax, cmap=SEQUENTIAL, vmin=0, vmax=max(0.5, float(wide.max().max())),
                annot=len(wide) <= 30, fmt=".0%", cbar_kws={"label": "Share of the document"},
                linewidths=0.5 if len(wide) <= 40 else 0)
    ax.set_xticklabels(ax.get_xticklabels(), rotation=35, ha="right", rotation_mode="anchor", fontsize=8)
    doc_axis(ax, "y", docs, "Document", width=28)
    return finish(ax, "Topic shares of each document", "Topic", None)


def plot_topic_flow(section_topics, ncols: int = 1):
    """How each document moves through its topics, section by section.

    One panel per document: stacked bars of the topic shares of each section,
    in reading order.

    Parameters
    ----------
    section_topics : pandas.DataFrame
        ``doc_id``, ``section``, ``heading``, ``topic``, ``label``, ``share``.

    Returns
    -------
    ndarray of Axes
    """
    doc_names = _doc_names(section_topics)
    docs = list(doc_names)
    names = _topic_names(section_topics)
    colors = sns.color_palette(n_colors=len(names))
    nrows = max(1, math.ceil(len(docs) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(8.5, 1.6 * nrows + 1.2), squeeze=False,
                             sharex=False)
    for i, ax in enumerate(axes.ravel()):
        if i >= len(docs):
            ax.set_visible(False)
            continue
        d = section_topics[section_topics["doc_id"] == docs[i]]
        wide = d.pivot(index="section", columns="topic", values="share").sort_index()
        bottom = np.zeros(len(wide))
        for j, t in enumerate(wide.columns):
            ax.bar(wide.index, wide[t], bottom=bottom, color=colors[j], width=0.9,
                   label=names[j] if i == 0 else None)
            bottom += wide[t].to_numpy()
        ax.set_xticks(wide.index)
        ax.tick_params(labelsize=7)
        ax.set_ylim(0, 1)
        ax.margins(x=0.01)
        finish(ax, short_label(doc_names[docs[i]], 60), "Section (reading order)" if i == len(docs) - 1 else None,
               "Share")
        ax.title.set_fontsize(9)
    fig.suptitle("Topic flow: shares of each section, in reading order", fontweight="bold",
                 x=0.01, ha="left")
    fig.legend(loc="outside lower center", ncol=min(3, len(names)), fontsize=8, frameon=False)
    return axes


def plot_topic_map(topic_map, ax=None):
    """Intertopic distance map: topics placed by 2-D scaling of their term distributions.

    Parameters
    ----------
    topic_map : pandas.DataFrame
        ``topic``, ``label``, ``x``, ``y``, ``prevalence``.
    """
    ax = new_axes(ax, figsize=(8, 5))
    colors = sns.color_palette(n_colors=len(topic_map))
    sizes = 6000 * topic_map["prevalence"].to_numpy() + 150
    for (_, r), color, size in zip(topic_map.iterrows(), colors, sizes):
        ax.scatter(r["x"], r["y"], s=size, color=color, alpha=0.6, edgecolor="k",
                   label=f"{int(r['topic'])}. {r['label']} ({r['prevalence']:.0%})")
        ax.annotate(str(int(r["topic"])), (r["x"], r["y"]), ha="center", va="center",
                    fontsize=9, fontweight="bold")
    ax.margins(0.2)
    ax.axhline(0, color="0.85", lw=0.8, zorder=0)
    ax.axvline(0, color="0.85", lw=0.8, zorder=0)
    legend = ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=8, frameon=False,
                       title="Topic (prevalence)", markerscale=0.3)
    legend.get_title().set_fontsize(8)
    return finish(ax, "Intertopic distance map (area = prevalence)",
                  "Dimension 1 (Jensen-Shannon scaling)", "Dimension 2")


def plot_k_scan(k_scan, chosen_k: int | None = None, min_stability: float | None = None):
    """The k-scan: coherence, diversity/exclusivity and stability against k.

    Parameters
    ----------
    k_scan : pandas.DataFrame
        From :func:`analysis.topics.scan.k_scan`.
    chosen_k : int, optional
        Marked with a vertical line.
    min_stability : float, optional
        Drawn as the stability threshold.

    Returns
    -------
    ndarray of Axes
    """
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.4))
    c = sns.color_palette()
    a = axes[0]
    a.plot(k_scan["k"], k_scan["coherence"], "o-", color=c[0], label="mean")
    if "coherence_min" in k_scan:
        a.plot(k_scan["k"], k_scan["coherence_min"], "o--", color=c[0], alpha=0.5, label="worst topic")
    a.legend(fontsize=8)
    finish(a, "Coherence (NPMI)", "Number of topics k", "NPMI")
    a = axes[1]
    a.plot(k_scan["k"], k_scan["diversity"], "o-", color=c[1], label="diversity")
    a.plot(k_scan["k"], k_scan["exclusivity"], "s-", color=c[2], label="exclusivity")
    a.legend(fontsize=8)
    finish(a, "Distinctness", "Number of topics k", "Score (0-1)")
    a = axes[2]
    a.plot(k_scan["k"], k_scan["stability"], "o-", color=c[3], label="mean")
    if "stability_min" in k_scan:
        a.plot(k_scan["k"], k_scan["stability_min"], "o--", color=c[3], alpha=0.5,
               label="least stable topic")
    if min_stability is not None:
        a.axhline(min_stability, color="0.5", ls=":", lw=1, label="threshold")
    a.set_ylim(min(0.0, float(k_scan[["stability"]].min().min()) - 0.05), 1.05)
    a.legend(fontsize=8)
    finish(a, "Stability across seeds", "Number of topics k", "Matched cosine")
    for a in axes:
        a.set_xticks(k_scan["k"])
        if chosen_k is not None:
            a.axvline(chosen_k, color="k", lw=1, alpha=0.4)
    fig.suptitle("Choosing the number of topics" + (f" (chosen: k = {chosen_k})" if chosen_k else ""),
                 fontweight="bold", x=0.01, ha="left")
    return axes


def plot_doc_similarity(doc_similarity, ax=None):
    """Heatmap of document-to-document cosine similarity in topic space.

    Parameters
    ----------
    doc_similarity : pandas.DataFrame
        ``doc_a``, ``doc_b``, ``similarity`` and optionally ``doc_a_label``, ``doc_b_label``.
    """
    names = {**_doc_names(doc_similarity, "doc_b", "doc_b_label"),
             **_doc_names(doc_similarity, "doc_a", "doc_a_label")}
    ids = list(dict.fromkeys(list(doc_similarity["doc_a"]) + list(doc_similarity["doc_b"])))
    wide = doc_similarity.pivot(index="doc_a", columns="doc_b", values="similarity")
    wide = wide.reindex(index=ids, columns=ids)
    for d in ids:
        wide.loc[d, d] = 1.0
    ax = new_axes(ax, figsize=heatmap_size(len(ids), len(ids), col=1.0, row=0.6, extra=(4.0, 2.4)))
    sns.heatmap(wide, ax=ax, cmap=SEQUENTIAL, vmin=0, vmax=1, annot=len(ids) <= 15, fmt=".2f",
                cbar_kws={"label": "Cosine similarity"}, linewidths=0.5 if len(ids) <= 40 else 0)
    doc_axis(ax, "x", [names[d] for d in ids], "Document")
    doc_axis(ax, "y", [names[d] for d in ids], "Document", width=28)
    return finish(ax, "How alike the documents are in topic space", None, None)


def plot_topic_mass(topic_mass, ax=None):
    """Where each topic's text lies: stacked bars of each topic's text by document.

    Parameters
    ----------
    topic_mass : pandas.DataFrame
        ``topic``, ``label``, ``doc_id``, ``doc_label``, ``mass_share`` (each
        topic's shares sum to 1), from :func:`analysis.topics.topic_mass`.
    """
    names = _doc_names(topic_mass)
    wide = topic_mass.pivot(index="topic", columns="doc_id", values="mass_share")
    wide = wide.reindex(columns=list(names)).sort_index(ascending=False)
    topics = _topic_names(topic_mass)[::-1]
    ax = new_axes(ax, figsize=(8.5, 0.45 * len(wide) + 2.0))
    # documents get a palette of their own, so no document colour reads as a topic colour
    colors = sns.color_palette("blend:#1b3a4b,#b8d8d8", n_colors=max(len(names), 2))
    left = np.zeros(len(wide))
    for color, d in zip(colors, wide.columns):
        values = wide[d].to_numpy()
        ax.barh(range(len(wide)), values, left=left, color=color, label=short_label(names[d], 36),
                edgecolor="white", linewidth=0.5)
        dark = 0.299 * color[0] + 0.587 * color[1] + 0.114 * color[2] < 0.5
        for y, (x0, v) in enumerate(zip(left, values)):
            if v >= 0.12:
                ax.text(x0 + v / 2, y, f"{v:.0%}", ha="center", va="center", fontsize=8,
                        color="white" if dark else "black")
        left += values
    ax.set_yticks(range(len(wide)), [textwrap.shorten(t, 40, placeholder="…") for t in topics],
                  fontsize=8)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(plt.matplotlib.ticker.PercentFormatter(1.0))
    ax.legend(loc="upper center", bbox_to_anchor=(0.45, -0.16), ncol=min(3, len(names)),
              fontsize=8, frameon=False)
    return finish(ax, "Where each topic's text lies, by document", "Share of the topic's text",
                  None)
