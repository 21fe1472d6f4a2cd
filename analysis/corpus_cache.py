"""The parsed corpus kept on disk, so each later command and notebook skips parsing.

Every command (``python -m analysis themes``, ``topics``, ``redundancy``)
and every notebook kernel reads the corpus again. At 5,000 documents reading,
parsing and tokenising take about 20 s each time. :func:`cached_corpus`
parses once and stores the result (:func:`analysis.corpus.corpus_from_params`
passes a :class:`~analysis.corpus.Corpus` with its tidy frames and sentence
tokens built) under ``.cache/corpus/``; a later call with the same files and
settings loads it in a few seconds.

The entry's name is a digest of everything the parse depends on: the
folder's path, every entry's name and kind, the bytes of every file with a
document suffix, the reading settings, and the source of the modules that
parse (``corpus.py``, ``text.py``) with the pandas and NumPy versions that
pickled it. Editing, adding, removing or renaming a file therefore misses.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from .diskcache import cached_pickle

#: Entries kept: the newest ones (by use); older ones are deleted when one is written.
KEEP = 4


def _code_digest(code) -> bytes:
    h = hashlib.blake2b(digest_size=16)
    for file in code:
        h.update(Path(file).read_bytes())
    h.update(f"{sys.version_info[:2]} {pd.__version__} {np.__version__}".encode())
    return h.digest()


def corpus_key(folder: Path, extensions, max_file_mb: float, encoding_fallback: str,
               code=()) -> str | None:
    """A digest of everything :func:`analysis.corpus.load_corpus` reads, or None when a file cannot be read.

    Parameters
    ----------
    folder : Path
    extensions, max_file_mb, encoding_fallback
        As :func:`analysis.corpus.load_corpus` takes them.
    code : sequence of Path
        Source files of the parser: editing one changes the key.

    Returns
    -------
    str or None
        Hex digest; None (parse without the cache) when the folder or a file is unreadable.
    """
    exts = sorted({e.lower() if e.startswith(".") else "." + e.lower()
                   for e in ([extensions] if isinstance(extensions, str) else extensions)})
    h = hashlib.blake2b(digest_size=20)
    h.update(_code_digest(code))
    h.update(repr((str(folder.resolve()), exts, float(max_file_mb), encoding_fallback)).encode())
    try:
        for p in sorted(folder.iterdir()):
            if p.name.startswith("."):
                continue
            h.update(b"\0" + p.name.encode("utf-8", "surrogateescape"))
            if p.is_symlink():
                h.update(b"L" + os.fsencode(os.readlink(p)))   # not resolve(): a loop raises
            if not p.is_file():
                h.update(b"D" if p.is_dir() else b"?")
                continue
            size = p.stat().st_size
            h.update(b"F%d" % size)
            if p.suffix.lower() in exts and size <= max_file_mb * 1024 * 1024:
                h.update(p.read_bytes())
    except (OSError, RuntimeError):
        return None
    return h.hexdigest()


#: A parse of more characters than this is stored by a forked process (when the machine has
#: more than one core) while the command goes on: at 5,000 documents (107 M) pickling it took 6 s.
BACKGROUND_MIN_CHARS = 20_000_000


def _large(corpus) -> bool:
    return (os.cpu_count() or 1) > 1 and sum(len(d.text) for d in corpus.docs) > BACKGROUND_MIN_CHARS


def _prune(cache_dir: Path, keep: int) -> None:
    entries = sorted(cache_dir.glob("*.pkl"), key=lambda p: p.stat().st_mtime, reverse=True)
    for p in entries[keep:]:
        p.unlink(missing_ok=True)
        p.with_name(p.name + ".lock").unlink(missing_ok=True)


def cached_corpus(load, folder: str | Path, extensions=(".txt", ".md"), max_file_mb: float = 10,
                  encoding_fallback: str = "cp1252", cache_dir: str | Path | None = None,
                  code=()):
    """``load(folder, extensions, max_file_mb, encoding_fallback)``, stored in `cache_dir` and read
    from there the next time.

    Parameters
    ----------
    load : callable
        The parser, :func:`analysis.corpus.load_corpus` with its frames built
        (passed in, so that this module does not import the one that calls it).
    folder : str or Path
    extensions, max_file_mb, encoding_fallback
        As :func:`analysis.corpus.load_corpus` takes them.
    cache_dir : str or Path, optional
        Where entries live; None parses without a cache.
    code : sequence of Path
        The parser's source files (part of the key).

    Returns
    -------
    Corpus
        What `load` returns.

    Raises
    ------
    InputError
        As :func:`analysis.corpus.load_corpus` does (an unusable folder is never stored).
    """
    folder = Path(folder).expanduser()
    key = corpus_key(folder, extensions, max_file_mb, encoding_fallback, code) \
        if cache_dir is not None and folder.is_dir() else None
    if key is None:
        return load(folder, extensions, max_file_mb, encoding_fallback)
    cache_dir = Path(cache_dir)
    path = cache_dir / f"{key}.pkl"
    corpus = cached_pickle(path, lambda: load(folder, extensions, max_file_mb, encoding_fallback),
                           dump=lambda obj, fh: pickle.dump(obj, fh, protocol=5),
                           in_background=_large)
    try:
        if path.is_file():          # (an entry that could not be written is not created empty)
            os.utime(path)          # marks it newest, so pruning keeps the entries in use
        _prune(cache_dir, KEEP)
    except OSError:
        pass
    return corpus
