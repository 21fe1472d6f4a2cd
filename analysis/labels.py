"""Readable document labels: "A: Peacekeeping and SSR" instead of a file hash.

A label is a letter (A, B, ..., Z, AA, AB, ...) in corpus order and a short
form of the document's title. Every figure, table and sentence a reader sees
names a document by its label; the file id stays available in the key
(``document_labels.csv``) and on hover in the HTML.

Labels can be overridden in the parameter file::

    documents:
      labels: {000_129823eb7e73e70c: "A: Peacekeeping and SSR"}
      labels_file: my-labels.csv      # columns doc_id,label

No file I/O here except reading an override file named in the parameters.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .errors import InputError

LABEL_COLUMNS = ["doc_id", "letter", "short_title", "label", "title", "file"]

# Long phrases a reader knows by their initials, and openers that carry no meaning.
_ABBREVIATIONS = [
    (r"\bsecurity sector reform\b", "SSR"),
    (r"\bdisarmament, demobili[sz]ation,? and reintegration\b", "DDR"),
    (r"\bunited nations\b", "UN"),
    (r"\bafrican union\b", "AU"),
    (r"\bnon-governmental organi[sz]ations?\b", "NGOs"),
]
_OPENERS = re.compile(
    r"^(?:an? |the )?(?:understanding|introduction to|overview of|role of|the role of|significance of|importance of|"
    r"on|about|towards?|a study of|an analysis of)\s+(?:the\s+)?", re.IGNORECASE)
_SMALL = {"a", "an", "and", "or", "of", "in", "on", "the", "for", "to", "with", "at", "by"}


def letter(i: int) -> str:
    """Bijective base-26 letter code of position `i` (0 -> A, 25 -> Z, 26 -> AA).

    Parameters
    ----------
    i : int
        Zero-based position.

    Returns
    -------
    str
    """
    if i < 0:
        raise ValueError("position must be >= 0")
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def short_title(title: str, max_words: int = 3, max_chars: int = 32) -> str:
    """A short form of a title: known phrases abbreviated, openers dropped, cut at a word.

    Parameters
    ----------
    title : str
    max_words : int
        Words kept at most (small words such as "and" are not counted).
    max_chars : int
        Characters kept at most; longer results end in "…".

    Returns
    -------
    str

    Examples
    --------
    >>> short_title("Understanding Peacekeeping and Security Sector Reform")
    'Peacekeeping and SSR'
    """
    t = " ".join(str(title).split())
    for pattern, short in _ABBREVIATIONS:
        t = re.sub(pattern, short, t, flags=re.IGNORECASE)
    t = _OPENERS.sub("", t) or t
    words, kept, counted = t.split(), [], 0
    for w in words:
        if counted >= max_words:
            break
        kept.append(w)
        counted += w.lower() not in _SMALL
    while kept and kept[-1].lower().strip(",:;") in _SMALL:
        kept.pop()
    out = " ".join(kept).rstrip(",:;") or t
    if len(out) > max_chars:
        out = out[:max_chars - 1].rsplit(" ", 1)[0].rstrip(",:;") + "…"
    return out[:1].upper() + out[1:]


def _overrides(settings: dict | None, base: Path | None) -> dict[str, str]:
    settings = settings or {}
    mapping: dict[str, str] = {}
    file = settings.get("labels_file")
    if file:
        path = Path(file)
        if base is not None and not path.is_absolute():
            path = base / path
        try:
            table = pd.read_csv(path, dtype=str)
        except (OSError, ValueError) as exc:
            raise InputError(f"documents.labels_file '{path}' cannot be read: {exc}") from None
        if not {"doc_id", "label"} <= set(table.columns):
            raise InputError(f"documents.labels_file '{path}' needs the columns doc_id and label")
        mapping.update(dict(zip(table["doc_id"], table["label"].fillna(""))))
    mapping.update({str(k): str(v) for k, v in (settings.get("labels") or {}).items()})
    return {k: v for k, v in mapping.items() if v.strip()}


def document_labels(documents: pd.DataFrame, settings: dict | None = None,
                    base: Path | None = None) -> pd.DataFrame:
    """One readable label per document.

    Parameters
    ----------
    documents : DataFrame
        ``Corpus.documents``: ``doc_id``, ``title`` and ``file``, in corpus order.
    settings : dict, optional
        The ``documents`` section of the parameters: ``labels`` (doc_id ->
        label) and ``labels_file`` (a CSV with ``doc_id`` and ``label``).
    base : Path, optional
        Folder a relative ``labels_file`` is resolved against.

    Returns
    -------
    DataFrame
        ``doc_id``, ``letter``, ``short_title``, ``label`` (e.g. "A:
        Peacekeeping and SSR"), ``title`` and ``file``; labels are unique.
    """
    overrides = _overrides(settings, base)
    rows, seen = [], set()
    for i, r in enumerate(documents.itertuples(index=False)):
        code = letter(i)
        short = short_title(r.title)
        label = overrides.get(r.doc_id) or f"{code}: {short}"
        if label in seen:  # an override may repeat a label: keep labels unique
            label = f"{label} ({code})"
        seen.add(label)
        rows.append({"doc_id": r.doc_id, "letter": code, "short_title": short, "label": label,
                     "title": r.title, "file": getattr(r, "file", "")})
    return pd.DataFrame(rows, columns=LABEL_COLUMNS)


def label_map(labels: pd.DataFrame) -> dict[str, str]:
    """``doc_id -> label`` from :func:`document_labels`, for ``Series.map``."""
    return dict(zip(labels["doc_id"], labels["label"]))
