"""How many digits the written tables keep: one rule for every CSV and Parquet file.

Findings keep every digit (their statements are filled before rounding), so a value
read back from a table matches its finding to within :data:`READ_BACK_REL_TOL`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Significant digits of a fraction in the written tables. A float64 prints 17 digits
#: ("0.011720226843100189"): at a million rows that is a third of some files, and no
#: analysis here is meaningful beyond the 6th digit.
FLOAT_DIGITS = 6

#: Relative difference a value read back from a written table may have from the
#: unrounded value (half a unit in the 6th digit is at most 5e-6 of the value).
READ_BACK_REL_TOL = 10.0 ** (1 - FLOAT_DIGITS)


def round_significant(values, digits: int = FLOAT_DIGITS) -> np.ndarray:
    """`values` rounded to `digits` significant digits, as float64.

    A value of ``10**digits`` or more is rounded to a whole number instead, so a count
    held as a float (because a column has gaps) keeps every digit. Each rounded value
    is the double nearest its decimal form, so it prints short ("0.0117202").

    Parameters
    ----------
    values : array-like of float
    digits : int

    Returns
    -------
    numpy.ndarray
        A new float64 array; NaN and infinities are kept.
    """
    x = np.array(values, dtype=np.float64, copy=True, ndmin=1)
    finite = np.isfinite(x)
    big = finite & (np.abs(x) >= 10.0 ** digits)
    x[big] = np.round(x[big])
    small = finite & ~big & (x != 0)
    # Decimals to keep per value. Dividing the whole number rint(x 10^d) by 10^d (both
    # exact when d <= 22) gives the double nearest the decimal, which prints short;
    # smaller values go through the decimal text.
    keep = digits - 1 - np.floor(np.log10(np.abs(x, where=small, out=np.ones_like(x)))).astype(int)
    for d in np.unique(keep[small]):
        m = small & (keep == d)
        if d <= 22:
            scale = 10.0 ** d
            x[m] = np.rint(x[m] * scale) / scale
        else:
            x[m] = np.char.mod(f"%.{digits}g", x[m]).astype(np.float64)
    return x


def round_floats(frame: pd.DataFrame, digits: int = FLOAT_DIGITS) -> pd.DataFrame:
    """`frame` with its float columns rounded by :func:`round_significant`.

    Parameters
    ----------
    frame : pandas.DataFrame
    digits : int

    Returns
    -------
    pandas.DataFrame
        `frame` itself when it has no float column, else a copy.
    """
    floats = [c for c in frame.columns if pd.api.types.is_float_dtype(frame[c].dtype)]
    if not floats:
        return frame
    out = frame.copy()
    for name in floats:
        out[name] = round_significant(out[name].to_numpy(dtype=np.float64)).astype(frame[name].dtype, copy=False)
    return out
