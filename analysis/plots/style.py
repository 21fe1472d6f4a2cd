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
