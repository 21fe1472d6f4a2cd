"""Work started now and collected later: a thread for code that releases the GIL.

The machines this runs on have few cores, and most of an analysis is one
thread of NumPy and pandas. A step that spends its time in compiled code
without the GIL (faiss's search, a count in another process's shadow) can
run in a thread beside it; :func:`start` returns the same future-like object
whether or not a thread is used, so callers have one code path.
"""

from __future__ import annotations


class Deferred:
    """``fn(*args)``, computed when its ``result()`` is asked for: the interface of a future."""

    def __init__(self, fn, args):
        self._fn, self._args = fn, args

    def result(self):
        return self._fn(*self._args)


class _Thread:
    """``fn(*args)`` running in a daemon thread; ``result()`` waits for it.

    A daemon thread, unlike a ``concurrent.futures`` worker, does not hold
    the process open at exit: an interrupted run stops at once instead of
    waiting for a search it no longer needs.
    """

    def __init__(self, fn, args):
        import threading

        self._done = threading.Event()
        self._value, self._error = None, None
        threading.Thread(target=self._run, args=(fn, args), daemon=True,
                         name=f"background-{getattr(fn, '__name__', 'task')}").start()

    def _run(self, fn, args):
        try:
            self._value = fn(*args)
        except BaseException as exc:          # handed to the caller by result()
            self._error = exc
        finally:
            self._done.set()

    def result(self):
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self._value


def start(fn, args, thread: bool = True):
    """``fn(*args)`` as a future: started in a thread when `thread`, else computed when asked for.

    Parameters
    ----------
    fn : callable
    args : tuple
    thread : bool
        Start at once in a (daemon) thread; when False, ``result()`` computes it.

    Returns
    -------
    object with ``result()``
        An exception raised by `fn` is raised again by ``result()``.
    """
    return _Thread(fn, args) if thread else Deferred(fn, args)


class Beside:
    """``fn(*args, threads=...)`` in a thread, on one core while the caller works, then on all.

    `fn` is handed a ``threads`` callable to ask before each of its steps:
    it answers 1 until the caller asks for ``result()``, and None (the
    library's default, every core) from then on. Two busy threads then share
    two cores; a multi-threaded library beside a busy caller would instead
    have its threads wait on each other at every barrier.
    """

    def __init__(self, fn, args):
        import threading

        self._waiting = threading.Event()
        self._future = start(fn, args + (self._threads,))

    def _threads(self):
        return None if self._waiting.is_set() else 1

    def result(self):
        self._waiting.set()
        return self._future.result()


_FORKED: tuple = ()       # (fn, args) of the child being forked: inherited, never pickled


def _run_forked():
    fn, args = _FORKED
    return fn(*args)


class _Forked:
    """``fn(*args)`` in a forked child process; ``result()`` waits for it and returns its value.

    The child inherits `args` (a corpus is not pickled to reach it); only the
    value comes back, pickled.
    """

    def __init__(self, fn, args):
        import multiprocessing

        global _FORKED
        _FORKED = (fn, args)
        try:
            self._pool = multiprocessing.get_context("fork").Pool(1)   # forks here, inheriting _FORKED
        finally:
            _FORKED = ()
        self._value = self._pool.apply_async(_run_forked)

    def result(self):
        try:
            return self._value.get()
        finally:
            self._pool.close()
            self._pool.join()


def forked(fn, args, fork: bool = True):
    """``fn(*args)`` as a future: started at once in a forked process when `fork` (and the
    platform can fork), else computed when asked for.

    For Python-heavy work beside a busy thread: a process does not wait for
    the GIL. The child sees the caller's memory as it was when forked.

    Parameters
    ----------
    fn : callable
    args : tuple
    fork : bool

    Returns
    -------
    object with ``result()``
        An exception raised by `fn` is raised again by ``result()``.
    """
    import multiprocessing

    if fork and "fork" in multiprocessing.get_all_start_methods():
        return _Forked(fn, args)
    return Deferred(fn, args)


#: Threads :func:`in_row_blocks` uses (the machines this is measured on have two cores).
BLOCK_THREADS = 2


def in_row_blocks(fn, n: int, block: int, threads: int = BLOCK_THREADS,
                  desc: str | None = None) -> None:
    """``fn(lo, hi)`` for consecutive row blocks ``[lo, hi)`` of ``range(n)``, on a few threads.

    For NumPy and SciPy steps that release the GIL (products, element-wise
    arithmetic, sorts, gathers) and compute each row on its own: every row
    gets the same numbers as one call over all rows would give it. `fn`
    writes its block's results into the caller's arrays; blocks never share
    a row. An exception in any block is raised here.

    Parameters
    ----------
    fn : callable
        ``fn(lo, hi)``.
    n : int
        Rows.
    block : int
        Rows per call.
    threads : int
    desc : str, optional
        Label of a progress bar over the blocks (on a terminal only).
    """
    from .progress import progress

    starts = range(0, n, block)

    def run(lo):
        return fn(lo, min(lo + block, n))

    def drain(done):
        for _ in (progress(done, desc, total=len(starts), unit="blocks") if desc else done):
            pass

    if threads <= 1 or len(starts) <= 1:
        drain(map(run, starts))
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(threads) as pool:
        drain(pool.map(run, starts))
