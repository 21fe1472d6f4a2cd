"""The text units a topic model is fitted on (paragraphs, sections or documents)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError
from .settings import UNITS


def topic_units(corpus, unit: str = "paragraph") -> pd.DataFrame:
    """The text units a topic model is fitted on.

    Parameters
    ----------
    corpus : Corpus
    unit : {"paragraph", "section", "document"}
        ``paragraph`` keeps each prose paragraph, but joins a list lead and
        its bullet items into one unit (bullets alone are too short to carry
        a topic).

    Returns
    -------
    pandas.DataFrame
        ``unit_id``, ``doc_id``, ``section``, ``heading``, ``paragraph_id``
        (first paragraph of the unit), ``start``, ``end``, ``text``, ``words``.
    """
    if unit not in UNITS:
        raise InputError(f"unit '{unit}' is unknown: use {', '.join(UNITS)}")
    p = corpus.paragraphs
    cols = ["unit_id", "doc_id", "section", "heading", "paragraph_id", "start", "end", "text", "words"]
    if p.empty:
        return pd.DataFrame(columns=cols)
    p = p.copy()
    p["words"] = _paragraph_words(corpus)
    # One pass over groups, by position: no per-row pandas look-ups.
    gid = _unit_ids(p, unit)
    first = np.flatnonzero(np.r_[True, gid[1:] != gid[:-1]])
    if len(first) != gid.max() + 1:  # a group's rows are not contiguous (not in reading order)
        order = np.argsort(gid, kind="stable")
        p, gid = p.iloc[order].reset_index(drop=True), gid[order]
        first = np.flatnonzero(np.r_[True, gid[1:] != gid[:-1]])
    last = np.r_[first[1:], len(gid)] - 1
    texts = p["text"].tolist()
    text = ["\n".join(texts[x:y + 1]) for x, y in zip(first, last)]
    head = p.iloc[first].reset_index(drop=True)
    if unit == "paragraph":
        uid = head["paragraph_id"]
    elif unit == "section":
        uid = [f"{d}:h{int(k):02d}" for d, k in zip(head["doc_id"], head["section"])]
    else:
        uid = head["doc_id"]
    document = unit == "document"
    return pd.DataFrame({
        "unit_id": list(uid), "doc_id": head["doc_id"].tolist(),
        "section": [-1] * len(head) if document else head["section"].astype(int).tolist(),
        "heading": [""] * len(head) if document else head["heading"].tolist(),
        "paragraph_id": head["paragraph_id"].tolist(), "start": head["start"].astype(int).tolist(),
        "end": p["end"].to_numpy()[last].astype(int).tolist(), "text": text,
        "words": np.add.reduceat(p["words"].to_numpy(), first).astype(int).tolist(),
    }, columns=cols)


def unit_of_paragraph(corpus, unit: str) -> np.ndarray:
    """For each row of ``corpus.paragraphs``, the row of ``topic_units(corpus, unit)`` holding it.

    Parameters
    ----------
    corpus : Corpus
    unit : {"paragraph", "section", "document"}

    Returns
    -------
    ndarray of int
    """
    if unit not in UNITS:
        raise InputError(f"unit '{unit}' is unknown: use {', '.join(UNITS)}")
    p = corpus.paragraphs
    return _unit_ids(p, unit) if len(p) else np.zeros(0, np.int64)


def _unit_ids(p: pd.DataFrame, unit: str) -> np.ndarray:
    """Unit number of each paragraph row: units numbered in order of first appearance."""
    if unit == "paragraph":
        # a new block starts at every non-bullet unit and at every section change
        new = (p["kind"] != "bullet") | (p["doc_id"] != p["doc_id"].shift()) | \
              (p["section"] != p["section"].shift())
        keys = [new.cumsum().rename("block")]
    elif unit == "section":
        keys = [p["doc_id"], p["section"]]
    else:
        keys = [p["doc_id"]]
    return p.groupby(keys, sort=False).ngroup().to_numpy()


def _paragraph_words(corpus) -> np.ndarray:
    """Words of each row of ``corpus.paragraphs``: the sum of its sentences' words.

    A unit's sentences cover all of its words (they split it at whitespace),
    so the paragraphs are not tokenised again: at 5,000 documents that was
    three passes of about 4 s, one per kind of unit.
    """
    per = corpus.sentences.groupby("paragraph_id", sort=False)["words"].sum()
    return per.reindex(corpus.paragraphs["paragraph_id"], fill_value=0).to_numpy()


def choose_unit(n_docs: int, unit: str = "auto", min_docs: int = 50) -> tuple[str, str]:
    """Pick the modelling unit and say why.

    Parameters
    ----------
    n_docs : int
    unit : {"auto", "paragraph", "section", "document"}
    min_docs : int
        With ``auto``, documents are the units from this many documents on.

    Returns
    -------
    (str, str)
        The unit and a one-sentence reason.
    """
    if unit != "auto":
        return unit, f"the unit was set to {unit} by the user"
    if n_docs >= min_docs:
        return "document", (f"there are {n_docs} documents (at least {min_docs}), "
                            "enough to model documents directly")
    few = "there is only 1 document" if n_docs == 1 else f"there are only {n_docs} documents"
    return "paragraph", (f"{few} (fewer than {min_docs}), so the model is fitted on "
                         "paragraphs and aggregated to documents")

