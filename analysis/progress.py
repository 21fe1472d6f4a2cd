"""Progress bars for long steps: on the terminal only, never in a notebook's rendered output."""

from __future__ import annotations

import sys


def progress(iterable, desc: str, total: int | None = None, unit: str = "it"):
    """`iterable` wrapped in a tqdm bar on stderr when stderr is a terminal, else as it is.

    Parameters
    ----------
    iterable : iterable
    desc : str
        The bar's label.
    total : int, optional
        Steps expected (for iterables without a length).
    unit : str
        What one step is.
    """
    if not sys.stderr.isatty():
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, desc=desc, total=total, unit=unit, leave=False, mininterval=1.0)
