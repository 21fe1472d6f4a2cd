"""Writing result tables: the one place the command line touches the disk."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from .errors import InputError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write a file through a temporary sibling, so readers never see half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; reports are for sharing
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_frames(frames: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    """Write each frame as CSV (UTF-8, no index) under `out`, and each string as text.

    Parameters
    ----------
    frames : dict of str to DataFrame or str
        File name to table; a string (e.g. ``digest.md``) is written as it is.
    out : Path

    Returns
    -------
    list of Path
        The files written.
    """
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create output folder '{out}': {exc.strerror}") from None
    written = []
    for name, frame in frames.items():
        path = out / name
        write_atomic(path, frame if isinstance(frame, str) else frame.to_csv(index=False))
        written.append(path)
    return written
