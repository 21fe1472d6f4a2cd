"""Results shared between processes through files under ``.cache/``, computed once.

``make -j`` runs the data step and several notebooks at the same time, and
each of them asks for the same slow results (the trained verifier, the topic
k-scan). :func:`cached_pickle` makes the first process compute a result while
the others wait for it and then read it, instead of all computing it at once:
an exclusive lock on ``<entry>.lock`` is held while computing, and the entry
is written to a temporary file of the process's own and renamed into place,
so a reader never sees half a file. Deleting the cache folder is always safe.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

try:
    import fcntl
except ImportError:  # not on POSIX: no lock, at worst two processes compute the same entry
    fcntl = None


@contextmanager
def entry_lock(path: Path):
    """Hold an exclusive lock for computing the cache entry `path` (blocks while another holds it).

    An unwritable cache folder gives no lock rather than an error: it only costs time.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        yield
        return
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)   # closing releases the lock


def write_atomic(path: Path, write: Callable) -> None:
    """Call ``write(binary_file)`` on a temporary file beside `path`, then rename it to `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cached_pickle(path: Path, compute: Callable, load: Callable | None = None,
                  dump: Callable | None = None, in_background: Callable | None = None):
    """The result stored at `path`, or ``compute()`` stored there, computed by one process at a time.

    Parameters
    ----------
    path : Path
        The entry; its name should be a digest of everything the result depends on.
    compute : callable
        Called without arguments on a miss.
    load, dump : callable, optional
        ``load(binary_file) -> result`` and ``dump(result, binary_file)``; pickle by default.
    in_background : callable, optional
        ``in_background(result) -> bool``: whether to store a computed result
        from a forked copy of this process (:func:`_write_forked`), so the
        caller goes on at once. Where processes cannot fork, it is stored here.

    Returns
    -------
    object
        The stored or computed result. A damaged entry is recomputed; a cache that
        cannot be written is skipped.
    """
    path = Path(path)
    load = load or pickle.load
    dump = dump or pickle.dump

    def read():
        if not path.is_file():
            return None, False
        try:
            with path.open("rb") as fh:
                return load(fh), True
        except Exception:   # a damaged or outdated entry is recomputed and rewritten
            return None, False

    result, hit = read()
    if hit:
        return result
    with entry_lock(path):
        result, hit = read()            # written by another process while this one waited
        if hit:
            return result
        result = compute()
        if in_background is not None and hasattr(os, "fork") and in_background(result):
            _write_forked(path, lambda fh: dump(result, fh))
            return result
        try:
            write_atomic(path, lambda fh: dump(result, fh))
        except OSError:
            pass                        # an unwritable cache only costs time
    return result


#: Reapers of the forked writers (:func:`wait_for_writes` joins them).
_WRITERS: list = []


def _write_forked(path: Path, write: Callable) -> None:
    """:func:`write_atomic` in a forked child; returns at once.

    The child inherits the entry's lock (an flock belongs to the open file,
    which both processes hold), so a process waiting for the entry waits for
    the write, not only for the computation. The child leaves with
    ``os._exit``: none of the parent's exit handlers or buffers run twice.
    At 5,000 documents pickling the parse took 6 s of the themes command's
    one busy core; the child does it on another.
    """
    import threading

    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            write_atomic(path, write)
            code = 0
        except BaseException:            # an unwritable cache only costs time; Ctrl-C stops it
            pass
        finally:
            os._exit(code)
    reaper = threading.Thread(target=os.waitpid, args=(pid, 0), daemon=True,
                              name="cache-writer")
    reaper.start()
    _WRITERS.append(reaper)


def wait_for_writes() -> None:
    """Wait until every entry written in the background (``in_background``) is in place."""
    while _WRITERS:
        _WRITERS.pop().join()
