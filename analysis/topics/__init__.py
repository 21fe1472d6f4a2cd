"""Topic modelling: what the documents talk about, and in what proportions.

Five essays are too few to model directly, so the model is fitted on
smaller units (paragraphs, or sections) and the unit-level topic shares are
aggregated, weighted by length, into document shares. With many documents
(``topics.auto_unit_min_docs`` or more) the documents themselves are the units.

The modules, each importing only those above it in this list:

- :mod:`.settings`: the ``topics`` settings and their defaults;
- :mod:`.units`: the text units a model is fitted on;
- :mod:`.vocab`: terms, stop words, plural folding, document-frequency rules;
- :mod:`.nmf`: :class:`LayoutNMF`, scikit-learn's NMF with the same results, faster at scale;
- :mod:`.model`: :class:`TopicModel` (NMF on TF-IDF or LDA on counts);
- :mod:`.diagnostics`: coherence, exclusivity, diversity, seed stability;
- :mod:`.labels`: automatic topic labels;
- :mod:`.scan`: the k-scan, the rule for k, NMF against LDA;
- :mod:`.cache`: the on-disk k-scan cache;
- :mod:`.frames`: tidy frames (terms, shares, maps, concentration, representatives);
- :mod:`.scale`: timing on a large synthetic corpus;
- :mod:`.pipeline`: :func:`analyse_topics`, which runs everything.
"""

from .cache import cached_k_scan, scan_key
from .diagnostics import diversity, exclusivity, match_topics, npmi_coherence, topic_stability
from .frames import (aggregate_shares, doc_similarity, dominant_topics, representatives,
                     topic_concentration, topic_map, topic_mass, topic_switches,
                     topic_terms_frame)
from .labels import auto_labels, topic_labels
from .model import TopicModel, factorize, iterations, normalize_rows
from .pipeline import TopicResult, analyse_topics
from .scale import scale_check, synthetic_texts, time_fit
from .scan import (choose_k, compare_methods, k_range, k_scan, method_verdict, next_k_split,
                   qualifying)
from .settings import METHODS, TOPIC_DEFAULTS, UNITS, topic_settings
from .units import choose_unit, topic_units
from .vocab import Vocabulary

__all__ = [
    "METHODS", "TOPIC_DEFAULTS", "UNITS", "TopicModel", "TopicResult", "Vocabulary",
    "aggregate_shares", "analyse_topics", "auto_labels", "cached_k_scan", "choose_k",
    "choose_unit", "compare_methods", "diversity", "doc_similarity", "dominant_topics",
    "exclusivity", "factorize", "iterations", "k_range", "k_scan", "match_topics",
    "method_verdict", "next_k_split", "normalize_rows", "npmi_coherence", "qualifying", "representatives",
    "scale_check", "scan_key", "synthetic_texts", "time_fit", "topic_concentration",
    "topic_labels", "topic_map", "topic_mass", "topic_settings", "topic_stability", "topic_switches",
    "topic_terms_frame", "topic_units",
]
