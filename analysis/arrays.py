"""Array helpers the analyses share.

:func:`unique_sorted` exists because NumPy 2.3 and later find the values of a
plain ``np.unique(x)`` with a hash set, which on millions of integers is more
than ten times slower than sorting (numpy/numpy#31969). At 5,000 documents
that cost about 90 s of the redundancy stage.
"""

from __future__ import annotations

import numpy as np


def unique_sorted(values) -> np.ndarray:
    """The distinct values of an array, in ascending order: ``np.unique(values)``, by sorting.

    The sort is stable (a merge of runs), so input made of a few sorted
    pieces, such as several sorted key arrays joined together, costs little
    more than one pass.

    Parameters
    ----------
    values : array-like
        Integers, booleans or strings. Floating-point input goes to
        ``np.unique``, which treats every NaN as one value.

    Returns
    -------
    ndarray
        One-dimensional, sorted, each value once.
    """
    a = np.asarray(values).ravel()
    if a.dtype.kind in "fc":
        return np.unique(a)
    a = np.sort(a, kind="stable")
    if a.size < 2:
        return a
    keep = np.empty(a.size, dtype=bool)
    keep[0] = True
    np.not_equal(a[1:], a[:-1], out=keep[1:])
    return a[keep]
