"""Theme frequency, topic modelling and redundancy detection for a folder of texts.

The public API: load a corpus, then hand it to an analysis module; every
analysis returns tidy pandas DataFrames.

>>> from analysis import load_corpus, document_stats
>>> corpus = load_corpus("corpus")            # doctest: +SKIP
>>> document_stats(corpus)                    # doctest: +SKIP
"""

from .config import load_params
from .corpus import Corpus, Document, corpus_from_params, load_corpus, parse_document
from .errors import InputError
from .stats import corpus_summary, document_stats

__all__ = [
    "Corpus", "Document", "InputError", "corpus_from_params", "corpus_summary",
    "document_stats", "load_corpus", "load_params", "parse_document",
]
__version__ = "0.1.0"
