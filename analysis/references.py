"""Reference data the redundancy report cites, read from disk in one place.

The redundancy report (notebook 04) backs its numbers with three kinds of
reference data that live beside the code rather than in the corpus:

- the labelled sentence pairs (package data), on which the "same point"
  verifier is trained and its precision and recall are measured;
- a control corpus of unrelated documents (``control_dir``), on which every
  match is a false positive;
- benchmark timings (``benchmark_dir``) written by
  ``benchmarks/redundancy_scaling.py``.

Every function takes the redundancy settings dict
(:func:`analysis.redundancy.redundancy_params`), resolves the path against the
project root (:func:`analysis.config.resolve_path`) and returns None (or leaves
a key out) when the data is not there, so a report can say so instead of
failing. A file that exists but cannot be used raises
:class:`~analysis.errors.InputError` with a one-line message naming the file.

This is the only module of the redundancy report that reads files; the
analyses in :mod:`analysis.redundancy` stay free of I/O.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .config import resolve_path
from .corpus import Corpus, load_corpus
from .errors import InputError

#: Labels of the labelled pairs (see analysis/redundancy/data/LABELLING.md).
SAME_POINT_LABELS = ("same", "partly", "different")

#: Benchmark tables in ``benchmark_dir``: name -> columns the report needs.
BENCHMARK_TABLES = {
    "embedding_cache": ("run", "sentences", "seconds"),
    "redundancy_scaling": ("sentences", "backend", "stage", "seconds"),
    "machine": ("cpu_count", "when"),
}



def _read_table(path: Path, what: str, columns, numeric=()) -> pd.DataFrame:
    """Read one CSV file and check it has `columns`, with `numeric` ones numeric.

    Raises
    ------
    InputError
        If the file cannot be parsed, is empty, lacks a column or has a
        non-numeric value in a numeric column.
    """
    try:
        frame = pd.read_csv(path)
    except pd.errors.EmptyDataError:
        raise InputError(f"{what} '{path}' is empty") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"{what} '{path}' is not a readable CSV file: {reason}") from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"{what} '{path}' lacks the column(s) {', '.join(missing)}; "
                         f"expected {', '.join(columns)}")
    for col in numeric:
        values = pd.to_numeric(frame[col], errors="coerce")
        if values.isna().any():
            row = int(values.isna().to_numpy().argmax())
            raise InputError(f"{what} '{path}' has a non-numeric {col!r} value in data row {row + 1}")
    return frame


def same_point_labels() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The labelled sentence pairs the "same point" verifier is trained and measured on.

    Shipped as package data (``analysis/redundancy/data/``), so an installed
    package finds them; how they were made is in ``LABELLING.md`` beside them.

    Returns
    -------
    sentences : DataFrame
        ``sentence_id``, ``doc_id``, ``text``: the corpus the pairs come from
        (the verifier's neighbour features are computed among them).
    pairs : DataFrame
        ``pair``, ``sample``, ``scope``, ``weight``, ``a_id``, ``b_id``,
        ``label_pass1``, ``label_pass2``, ``label`` (``same``, ``partly`` or
        ``different``), ``a_text``, ``b_text``.

    Raises
    ------
    InputError
        If the package data is missing or malformed (a broken install).
    """
    folder = Path(__file__).resolve().parent / "redundancy" / "data"
    sentences = _read_table(folder / "reference_sentences.csv", "reference sentences",
                            ("sentence_id", "doc_id", "text"))
    pairs = _read_table(folder / "same_point_pairs.csv", "labelled pairs",
                        ("pair", "a_id", "b_id", "label_pass1", "label_pass2", "label", "weight"),
                        numeric=("weight",))
    bad = sorted(set(pairs["label"]) - set(SAME_POINT_LABELS))
    unknown = sorted(set(pairs["a_id"]).union(pairs["b_id"]) - set(sentences["sentence_id"]))
    if bad or unknown:
        raise InputError(f"labelled pairs in '{folder}' have unknown labels {bad[:3]} "
                         f"or sentence ids {unknown[:3]}")
    return sentences, pairs


def cached_verifier(detector, settings: dict, seed: int = 42):
    """The "same point" verifier trained on the shipped labelled pairs, from the disk cache if present.

    Training measures the verifier by repeated cross-validation, which takes
    tens of seconds; the result depends only on the labelled pairs, the
    embedding backend, the settings and the code, so it is stored under
    ``.cache/verifier/`` keyed by a digest of all of them.

    Parameters
    ----------
    detector : RedundancyDetector
        Supplies the backend (and embeds the reference sentences on a miss).
    settings : dict
        Redundancy settings.
    seed : int

    Returns
    -------
    (SamePointVerifier, dict)
        As :func:`analysis.redundancy.calibration.train_verifier`.
    """
    import hashlib
    import json

    from .config import CACHE_DIR
    from .diskcache import cached_pickle
    from .embeddings import resolve_backend
    from .redundancy import calibration, paraphrase
    from .redundancy.calibration import train_verifier

    sentences, pairs = same_point_labels()
    backend = resolve_backend(detector.backend)
    h = hashlib.sha256()
    for part in (sentences.to_csv(index=False), pairs.to_csv(index=False), backend, str(seed),
                 json.dumps({k: settings[k] for k in ("verifier", "thresholds", "retrieval_floor",
                                                      "near_copy", "near_copy_containment",
                                                      "top_k", "shingle_size")}, sort_keys=True),
                 Path(calibration.__file__).read_text(), Path(paraphrase.__file__).read_text()):
        h.update(part.encode("utf-8"))
    path = CACHE_DIR / "verifier" / f"{h.hexdigest()[:20]}.pkl"
    # One process trains, the others (make -j: the data step and the notebooks) wait and read.
    return cached_pickle(path, lambda: train_verifier(detector, sentences, pairs, settings, seed))


def control_corpus(settings: dict) -> Corpus | None:
    """The control corpus: documents that share no content, for counting false positives.

    Parameters
    ----------
    settings : dict
        Redundancy settings; reads ``control_dir``, relative to the project root.

    Returns
    -------
    Corpus or None
        Read by :func:`analysis.corpus.load_corpus` with its default
        settings; None when the folder does not exist.

    Raises
    ------
    InputError
        If the folder holds no usable text file.
    """
    folder = resolve_path(settings["control_dir"])
    if not folder.is_dir():
        return None
    return load_corpus(folder)


def benchmark_results(settings: dict) -> dict[str, pd.DataFrame]:
    """Benchmark timings written by ``benchmarks/redundancy_scaling.py``.

    Parameters
    ----------
    settings : dict
        Redundancy settings; reads ``benchmark_dir``, relative to the project root.

    Returns
    -------
    dict of str to DataFrame
        ``"embedding_cache"`` (``embedding_cache.csv``: one row per ``run``,
        ``"cold"`` and ``"warm"``, with ``sentences`` and ``seconds``) and
        ``"redundancy_scaling"`` (``redundancy_scaling.csv``: ``sentences``,
        ``backend``, ``stage``, ``seconds``) and ``"machine"`` (``machine.csv``:
        ``cpu_count``, ``when``), each as written. A table whose
        file does not exist is left out; a missing folder gives ``{}``.

    Raises
    ------
    InputError
        If a file exists but is not a readable CSV with those columns.
    """
    folder = resolve_path(settings["benchmark_dir"])
    out = {}
    for name, columns in BENCHMARK_TABLES.items():
        path = folder / f"{name}.csv"
        if path.is_file():
            numeric = [c for c in ("sentences", "seconds", "cpu_count") if c in columns]
            out[name] = _read_table(path, "benchmark file", columns, numeric=numeric)
    return out
