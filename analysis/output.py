"""Writing result tables: the one place the command line touches the disk."""

from __future__ import annotations

import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .errors import InputError
from .precision import round_floats


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

    A table of more than :data:`GZIP_MIN_ROWS` rows (when pyarrow is installed)
    is written as a gzip-compressed CSV, ``name.csv.gz``, which pandas, R and
    DuckDB read as they are: at 5,000 documents the plain CSVs of such tables
    would be several times the size of the corpus. One of more than
    :data:`PARQUET_MIN_ROWS` rows, too long for a spreadsheet (Excel stops at
    1,048,576 rows), is also written as ``name.parquet``.

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
    writes = [w for name, frame in frames.items() for w in _file_writes(name, frame, out)]
    # Two files at a time, the largest first: pyarrow's CSV and Parquet writers and gzip's
    # compression release the GIL (at 5,000 documents the redundancy tables took 9 s one by one).
    with ThreadPoolExecutor(WRITE_THREADS) as pool:
        list(pool.map(lambda w: w[2](), sorted(writes, key=lambda w: -w[1])))
    return [path for path, _, _ in writes]


def _file_writes(name: str, frame, out: Path) -> list[tuple]:
    """The files :func:`write_frames` makes of one table: ``(path, rows, write)`` each."""
    path = out / name
    if isinstance(frame, str):   # a text output such as digest.md
        return [(path, 0, lambda: write_atomic(path, frame))]
    rounded = lru_cache(maxsize=1)(lambda: round_floats(frame))   # made when first written
    arrow = _parquet_available()
    large = len(frame) > GZIP_MIN_ROWS and arrow
    if large:
        path = path.with_name(path.name + ".gz")
    writes = [(path, len(frame),
               lambda: _write_table(path, lambda tmp: write_csv(rounded(), tmp, compress=large)))]
    if len(frame) > PARQUET_MIN_ROWS and arrow:
        parquet = out / (Path(name).stem + ".parquet")
        writes.append((parquet, len(frame),
                       lambda: _write_table(parquet, lambda tmp: _write_parquet(rounded(), tmp))))
    return writes


def table_files(name: str) -> tuple[str, ...]:
    """Every file a table called `name` (``x.csv``) may be written as: the CSV, gzipped, Parquet."""
    stem = name[:-len(".csv")] if name.endswith(".csv") else name
    return (f"{stem}.csv", f"{stem}.csv.gz", f"{stem}.parquet")


def make_folders(folder: Path) -> list[Path]:
    """Create `folder`'s missing ancestors; return those created, deepest first."""
    missing = []
    for parent in [folder, *folder.parents]:
        if parent.exists():
            break
        missing.append(parent)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create output folder '{folder}': {exc.strerror}") from None
    return missing


def _only_tables(folder: Path) -> bool:
    """Whether `folder` holds nothing but result tables (so it may be replaced whole)."""
    return all(p.is_file() and not p.is_symlink()
               and (p.suffix in (".csv", ".parquet", ".md") or p.name.endswith(".csv.gz") or p.name == ".complete")
               for p in folder.iterdir())


@contextmanager
def staged_folder(out: Path):
    """A temporary folder beside `out` that replaces it only if the block succeeds.

    Yields the temporary folder; write every table into it. When the block
    ends normally the tables are moved into `out`: a folder that holds only
    tables (``*.csv``) is replaced whole, so no table of an earlier run
    survives beside the new ones; a folder holding other files keeps them and
    has only the new tables replaced. When the block raises (an error or an
    interrupt) the temporary folder is removed and `out` is left as it was,
    as are folders that did not exist (none is created).

    Parameters
    ----------
    out : Path
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(f"output path '{out}' is a file, not a folder: pass a folder with --out")
    created = make_folders(out.parent)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    except OSError as exc:
        raise InputError(f"cannot write into '{out.parent}': {exc.strerror}") from None
    try:
        yield tmp
        try:
            _move_into_place(tmp, out)
        except OSError as exc:
            raise InputError(f"cannot move the tables into '{out}': {exc.strerror}") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        remove_if_empty(created)
        raise


def _move_into_place(tmp: Path, out: Path) -> None:
    os.chmod(tmp, 0o777 & ~_umask())
    if out.is_dir() and _only_tables(out):
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.replace(out, old)          # a rename may replace an empty folder (the mkdtemp one)
        os.replace(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    elif out.is_dir():
        new = {f.name for f in tmp.iterdir()}
        for f in sorted(tmp.iterdir()):
            os.replace(f, out / f.name)
            # An earlier run's other form of the same table (x.csv beside a new x.csv.gz) is stale.
            if f.name.endswith((".csv", ".csv.gz")):
                for other in table_files(f.name.removesuffix(".gz")):
                    if other not in new:
                        (out / other).unlink(missing_ok=True)
        tmp.rmdir()
    else:
        os.replace(tmp, out)


def remove_if_empty(folders: list[Path]) -> None:
    """Remove folders that :func:`make_folders` created, deepest first, while they are empty."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            break


#: Tables with more rows than this are written as ``.csv.gz``, not as plain CSV (when pyarrow
#: is installed). At 5,000 documents: matches, section counts, clusters, shared passages.
GZIP_MIN_ROWS = 250_000

#: Tables written at the same time by :func:`write_frames`.
WRITE_THREADS = 2

#: Tables with more rows than this are also written as Parquet.
PARQUET_MIN_ROWS = 1_000_000

#: gzip level of a large table's CSV: level 4 takes 2.4 s for the 190 MB of theme matches at
#: 5,000 documents (41 MB); level 6 takes twice as long for 10% less.
GZIP_LEVEL = 4


#: Tables with at least this many rows are written by pyarrow's CSV writer, about ten
#: times faster than pandas'. Its files read back the same; they differ in form only:
#: every text field is quoted, and a whole float is written "3", not "3.0".
FAST_CSV_MIN_ROWS = 100_000


def _arrow_table(frame: pd.DataFrame, for_csv: bool = True):
    """`frame` as a pyarrow Table; `for_csv`: one whose CSV holds the values pandas would write."""
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = {}
    for name in frame.columns:
        col = frame[name]
        try:
            arr = pa.array(col, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):   # mixed objects: as pandas prints them
            missing = col.isna().to_numpy()
            arr = pa.array([None if m else str(v) for v, m in zip(col, missing)], type=pa.string())
        if for_csv and pa.types.is_boolean(arr.type):      # pandas writes True/False, pyarrow true/false
            arr = pc.if_else(arr, "True", "False")
        elif for_csv and pa.types.is_dictionary(arr.type):   # categorical: its values
            arr = arr.dictionary_decode()
        columns[str(name)] = arr
    return pa.table(columns)


def write_csv(frame: pd.DataFrame, path, compress: bool = False) -> None:
    """Write `frame` as UTF-8 CSV without its index (pyarrow for large tables, see FAST_CSV_MIN_ROWS).

    Parameters
    ----------
    frame : pandas.DataFrame
    path : str or Path
    compress : bool
        gzip the file (at :data:`GZIP_LEVEL`, with no time stamp in its header, so
        the same table gives the same bytes).
    """
    if compress:
        import gzip

        with open(path, "wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb",
                                                    compresslevel=GZIP_LEVEL, mtime=0) as fh:
            _write_csv_to(frame, fh)
    else:
        _write_csv_to(frame, path)


def _write_csv_to(frame: pd.DataFrame, target) -> None:
    if len(frame) >= FAST_CSV_MIN_ROWS and _parquet_available():
        import pyarrow.csv as pcsv

        pcsv.write_csv(_arrow_table(frame), str(target) if isinstance(target, Path) else target)
    else:
        frame.to_csv(target, index=False, encoding="utf-8")


def _write_parquet(frame: pd.DataFrame, path) -> None:
    import pyarrow.parquet as pq

    # zstd: 40% smaller than the default snappy at 5,000 documents, for 0.3 s more per 1 M rows
    pq.write_table(_arrow_table(frame, for_csv=False), str(path), compression="zstd")


def _parquet_available() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def _write_table(path: Path, write) -> None:
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
