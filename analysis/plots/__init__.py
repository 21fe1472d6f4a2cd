"""Figures: ``plot_*(frame, ax=None, ...) -> Axes``. No computation, no file I/O.

One module per analysis; every function draws what a tidy frame from the
matching analysis module already holds, and sets a title and axis labels.
"""

from .style import apply_style, finish  # noqa: F401
from .overview import plot_document_lengths, plot_section_lengths, plot_sentence_lengths  # noqa: F401
