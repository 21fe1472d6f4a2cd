"""An on-disk cache for the topic k-scan, the slow part of the topic analysis.

The key is a SHA-256 hash of the unit texts, every setting that changes the
scan, the method, the source of the modules that compute it and the
scikit-learn version, so any change of input, parameters or code recomputes. Entries are small CSV files under
``analysis.config.CACHE_DIR / "topics"``; deleting the folder is always safe.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import sklearn

from ..config import CACHE_DIR
from ..diskcache import cached_pickle
from .scan import k_scan

#: Bump when the scan's computation changes, to invalidate old entries.
SCAN_VERSION = 1
_KEYS = ("method", "k_min", "k_max", "scan_max_units", "n_seeds", "top_n", "min_df", "max_df", "ngram_max",
         "fold_plurals", "extra_stop_words", "max_iter", "lda_max_iter", "seed")


def _code_digest() -> str:
    """Hash of the modules the scan runs, so editing them invalidates old entries."""
    from .. import text
    from . import diagnostics, model, scan, vocab

    h = hashlib.sha256()
    for mod in (text, vocab, model, diagnostics, scan):
        h.update(Path(mod.__file__).read_bytes())
    return h.hexdigest()


def scan_key(texts, settings: dict, method: str | None = None) -> str:
    """Hash of everything the k-scan depends on: texts, settings, code and library versions."""
    h = hashlib.sha256()
    h.update(_code_digest().encode())
    conf = {k: settings.get(k) for k in _KEYS}
    conf["method"] = method or settings["method"]
    conf["extra_stop_words"] = sorted(str(w) for w in conf["extra_stop_words"] or ())
    h.update(json.dumps([SCAN_VERSION, sklearn.__version__, conf], sort_keys=True,
                        default=str).encode())
    for t in texts:
        h.update(t.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()[:32]


def cached_k_scan(texts, settings: dict, method: str | None = None,
                  cache_dir: str | Path | None = None, use_cache: bool = True) -> pd.DataFrame:
    """:func:`analysis.topics.scan.k_scan`, read from or written to the cache.

    Parameters
    ----------
    texts : sequence of str
    settings : dict
        From :func:`analysis.topics.topic_settings`.
    method : str, optional
    cache_dir : str or Path, optional
        Defaults to ``CACHE_DIR / "topics"``.
    use_cache : bool
        False always recomputes and does not write.

    Returns
    -------
    pandas.DataFrame
    """
    texts = list(texts)
    if not use_cache:
        return k_scan(texts, settings, method=method)
    folder = Path(cache_dir) if cache_dir else CACHE_DIR / "topics"
    path = folder / f"kscan-{scan_key(texts, settings, method)}.csv"
    # One process scans, the others (make -j: the data step and the notebooks) wait and read.
    return cached_pickle(path, lambda: k_scan(texts, settings, method=method), load=pd.read_csv,
                         dump=lambda scan, fh: fh.write(scan.to_csv(index=False).encode("utf-8")))
