"""The redundancy tables as written: listings capped and per-group values written once.

The tables in memory (and the notebooks) keep everything; the files grow with
the corpus, not with the square of how often a phrase recurs. The same
convention as :func:`analysis.themes.cap_context`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .clusters import DOCS_LISTED


def cap_listings(listings: pd.Series, most: int = DOCS_LISTED) -> pd.Series:
    """";"-joined listings cut after their first `most` items, then ``+N more``.

    ``"a;b;c;d"`` with ``most=2`` is ``"a;b;+2 more"``. A phrase in thousands of
    sentences would otherwise write a cell of hundreds of kilobytes (spreadsheets
    stop at 32,767 characters).

    Parameters
    ----------
    listings : pandas.Series of str
    most : int

    Returns
    -------
    pandas.Series
        A copy; listings of at most `most` items are unchanged.
    """
    out = listings.copy()
    text = listings.fillna("").astype(str).tolist()
    # str methods in a comprehension: pandas' .str.count runs a regex per cell (2.3 s for the
    # 522,000 clusters of 5,000 documents)
    items = np.fromiter((t.count(";") for t in text), dtype=np.int64, count=len(text)) + 1
    long = (items > most) & np.array([t != "" for t in text], dtype=bool)
    if long.any():
        out[long] = [";".join(text[r].split(";", most)[:most]) + f";+{items[r] - most} more"
                     for r in np.flatnonzero(long)]
    return out


def blank_repeats(frame: pd.DataFrame, key: str, columns: list[str]) -> pd.DataFrame:
    """`frame` with `columns` emptied on every row but the first of each `key` group.

    Parameters
    ----------
    frame : pandas.DataFrame
    key : str
        The group column (e.g. ``cluster``); its values repeat on every row.
    columns : list of str
        Values that are the same on every row of a group.

    Returns
    -------
    pandas.DataFrame
        A copy when anything was emptied.
    """
    if frame.empty:
        return frame
    later = frame[key].duplicated().to_numpy()
    if not later.any():
        return frame
    out = frame.copy()
    out.loc[later, columns] = ""
    return out


def written_tables(tables: dict[str, pd.DataFrame], most: int = DOCS_LISTED,
                   phrases_max: int | None = None) -> dict[str, pd.DataFrame]:
    """The tables of :meth:`RedundancyDetector.tables` as the command line writes them.

    ``phrases.csv`` keeps its first `phrases_max` phrases (the table comes in most
    documents first) and names at most `most` documents and sentences per phrase
    (``count`` and ``n_docs`` count them all); ``clusters.csv`` gives a cluster's
    documents and its representative's text on its first row only
    (``representative_id`` is on every row, and the representative's own row has
    its text).

    Parameters
    ----------
    tables : dict of str to DataFrame
    most : int
    phrases_max : int, optional
        Phrases written; None writes every phrase. At 5,000 synthetic documents
        there are 1.5 million, most in two or three sentences.

    Returns
    -------
    dict of str to DataFrame
    """
    out = dict(tables)
    phrases = out.get("phrases.csv")
    if phrases is not None and len(phrases):
        phrases = phrases.head(phrases_max).copy() if phrases_max is not None else phrases.copy()
        for column in ("docs", "sentence_ids"):
            phrases[column] = cap_listings(phrases[column], most)
        out["phrases.csv"] = phrases
    clusters = out.get("clusters.csv")
    if clusters is not None and len(clusters):
        out["clusters.csv"] = blank_repeats(clusters, "cluster", ["docs", "representative_text"])
    return out


__all__ = ["blank_repeats", "cap_listings", "written_tables"]
