"""Figures: ``plot_*(frame, ax=None, ...) -> Axes``. No computation, no file I/O.

One module per analysis; every function draws what a tidy frame from the
matching analysis module already holds, and sets a title and axis labels.
"""

from .overview import plot_document_lengths, plot_section_lengths, plot_sentence_lengths
from .redundancy import (plot_doc_matrix, plot_layers, plot_novelty, plot_points_curve,
                         plot_scaling, plot_scores_by_label, plot_similarity_hist, plot_verification)
from .style import apply_style, finish
from .themes import plot_cooccurrence, plot_dispersion, plot_keyness, plot_theme_heatmap
from .topics import (plot_doc_similarity, plot_doc_topics, plot_k_scan, plot_top_terms,
                     plot_topic_flow, plot_topic_map)

__all__ = [
    "apply_style", "finish",
    "plot_document_lengths", "plot_section_lengths", "plot_sentence_lengths",
    "plot_theme_heatmap", "plot_dispersion", "plot_cooccurrence", "plot_keyness",
    "plot_top_terms", "plot_doc_topics", "plot_topic_flow", "plot_topic_map", "plot_k_scan",
    "plot_doc_similarity",
    "plot_doc_matrix", "plot_novelty", "plot_points_curve", "plot_layers", "plot_verification",
    "plot_scores_by_label",
    "plot_scaling", "plot_similarity_hist",
]
