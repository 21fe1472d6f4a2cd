"""The one report style: seaborn theme, palette, sizes, and axis finishing."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import seaborn as sns

PALETTE = "colorblind"
SEQUENTIAL = "mako_r"
DIVERGING = "vlag"
FIGSIZE = (8.0, 4.2)


def apply_style() -> None:
    """Apply the report style to every later figure."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE, font_scale=0.95)
    matplotlib.rcParams.update({
        "figure.figsize": FIGSIZE,
        "figure.dpi": 110,
        "savefig.dpi": 150,
        "savefig.bbox": "tight",
        "axes.titleweight": "bold",
        "axes.titlesize": 12,
        "axes.titlelocation": "left",
        "figure.constrained_layout.use": True,
        # Document names, terms and labels are text: "$x$" must not become mathtext.
        "text.parse_math": False,
    })


def new_axes(ax=None, figsize=None):
    """Return `ax`, or the axes of a new figure.

    Labels drawn afterwards are plain text even when :func:`apply_style` was not
    called (a file named ``$\\input{x}$.txt`` is not parsed as mathtext).
    """
    matplotlib.rcParams["text.parse_math"] = False
    if ax is None:
        _, ax = plt.subplots(figsize=figsize or FIGSIZE)
    return ax


def finish(ax, title: str, xlabel: str | None, ylabel: str | None):
    """Set the title and axis labels every figure must have; return `ax`."""
    ax.set_title(title)
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    return ax


def short_label(doc_id: str, width: int = 14) -> str:
    """Shorten a long document id for tick labels."""
    return doc_id if len(doc_id) <= width else doc_id[: width - 1] + "…"


#: More documents than this and a heatmap names none of them on its axis (the labels would overlap).
MAX_DOC_LABELS = 40


def wrap_label(label: str, width: int = 18) -> str:
    """`label` broken onto lines of at most `width` characters, never cut short."""
    import textwrap

    return "\n".join(textwrap.wrap(str(label), width, break_long_words=False)) or str(label)


def doc_axis(ax, axis: str, names, title: str, width: int = 18, max_labels: int = MAX_DOC_LABELS) -> None:
    """Name the documents of a heatmap axis (``"x"`` or ``"y"``) and give the axis its title.

    Each cell's tick carries the whole readable label, wrapped onto lines (and
    slanted on the x axis); with more than `max_labels` documents the ticks are
    left unlabelled and the axis title says so.
    """
    names = list(names)
    ticks = [i + 0.5 for i in range(len(names))]  # heatmap cells are centred on i + 0.5
    if len(names) > max_labels:
        labels, title = [], f"{title} ({len(names):,}: too many to name; see document_labels.csv)"
        ticks = []
    else:
        labels = [wrap_label(n, width) for n in names]
    if axis == "x":
        ax.set_xticks(ticks, labels, rotation=30 if labels else 0, ha="right", rotation_mode="anchor",
                      fontsize=8)
        ax.set_xlabel(title)
    else:
        ax.set_yticks(ticks, labels, rotation=0, fontsize=8, va="center")
        ax.set_ylabel(title)


def heatmap_size(n_cols: int, n_rows: int, col: float = 1.2, row: float = 0.45, extra=(3.0, 2.4),
                 max_size=(10.0, 9.0)) -> tuple[float, float]:
    """A heatmap's figure size in inches, growing with its cells up to `max_size`."""
    return (min(extra[0] + col * min(n_cols, MAX_DOC_LABELS), max_size[0]),
            min(extra[1] + row * min(n_rows, MAX_DOC_LABELS), max_size[1]))
