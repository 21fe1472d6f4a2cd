"""Theme frequency, topic modelling and redundancy detection for a folder of texts.

The public API: load a corpus, then hand it to an analysis module; every
analysis returns tidy pandas DataFrames.

>>> from analysis import load_corpus, document_stats
>>> corpus = load_corpus("corpus")            # doctest: +SKIP
>>> document_stats(corpus)                    # doctest: +SKIP
"""

import importlib

from .config import load_params
from .corpus import Corpus, Document, corpus_from_params, load_corpus, parse_document
from .errors import InputError
from .stats import corpus_summary, document_stats

# The analyses load on first use, so that importing the package (and the
# command line's --help) does not pay for scikit-learn or PyTorch.
_LAZY = {
    "analyse_themes": "themes", "load_themes": "themes", "find_matches": "themes",
    "theme_counts": "themes",
    "cooccurrence": "keyness", "dispersion": "keyness",
    "TopicModel": "topics", "analyse_topics": "topics", "topic_settings": "topics",
    "RedundancyDetector": "redundancy", "detect_redundancy": "redundancy",
}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Corpus", "Document", "InputError", "corpus_from_params", "corpus_summary",
    "document_stats", "load_corpus", "load_params", "parse_document", *_LAZY,
]
__version__ = "0.1.0"
