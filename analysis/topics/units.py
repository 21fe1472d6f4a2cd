"""The text units a topic model is fitted on (paragraphs, sections or documents)."""

from __future__ import annotations

import pandas as pd

from .. import text as T
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
    if unit == "paragraph":
        # a new block starts at every non-bullet unit and at every section change
        new = (p["kind"] != "bullet") | (p["doc_id"] != p["doc_id"].shift()) | \
              (p["section"] != p["section"].shift())
        p["block"] = new.cumsum()
        keys = ["block"]
    elif unit == "section":
        keys = ["doc_id", "section"]
    else:
        keys = ["doc_id"]
    rows = []
    for _, g in p.groupby(keys, sort=False):
        first = g.iloc[0]
        text = "\n".join(g["text"])
        if unit == "paragraph":
            uid = first["paragraph_id"]
        elif unit == "section":
            uid = f"{first['doc_id']}:h{int(first['section']):02d}"
        else:
            uid = first["doc_id"]
        rows.append({
            "unit_id": uid, "doc_id": first["doc_id"],
            "section": int(first["section"]) if unit != "document" else -1,
            "heading": first["heading"] if unit != "document" else "",
            "paragraph_id": first["paragraph_id"], "start": int(first["start"]),
            "end": int(g["end"].iloc[-1]), "text": text, "words": len(T.words(text)),
        })
    return pd.DataFrame(rows, columns=cols)


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

