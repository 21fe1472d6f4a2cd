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
    """Write each frame as CSV (UTF-8, no index) under `out`.

    Parameters
    ----------
    frames : dict of str to DataFrame
        File name to table.
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
        _write_table(path, frame, lambda tmp: frame.to_csv(tmp, index=False, encoding="utf-8"))
        written.append(path)
        if len(frame) > PARQUET_MIN_ROWS and _parquet_available():
            parquet = path.with_suffix(".parquet")
            _write_table(parquet, frame, lambda tmp: frame.to_parquet(tmp, index=False))
            written.append(parquet)
    return written


#: Tables with more rows than this are also written as Parquet (when pyarrow is installed).
PARQUET_MIN_ROWS = 1_000_000


def _parquet_available() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def _write_table(path: Path, frame: pd.DataFrame, write) -> None:
    """Stream a table to a temporary sibling and move it into place (no whole-file string in memory)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
