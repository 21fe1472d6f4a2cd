"""Work started in a thread and collected later (analysis.background)."""

import threading

import pytest

from analysis.background import Beside, Deferred, start


def test_deferred_and_start_give_the_same_result_and_raise_at_result():
    assert Deferred(pow, (2, 10)).result() == start(pow, (2, 10)).result() == 1024
    assert start(pow, (2, 10), thread=False).result() == 1024
    failing = start(int, ("not a number",))
    with pytest.raises(ValueError):
        failing.result()


def test_beside_asks_for_one_thread_until_the_caller_waits():
    asked, first, go = [], threading.Event(), threading.Event()

    def work(x, threads):
        asked.append(threads())       # while the caller still works
        first.set()
        go.wait(5)
        asked.append(threads())       # after the caller asked for the result
        return x * 2

    job = Beside(work, (21,))
    assert first.wait(5)              # the first answer is given before result() is called
    threading.Timer(0.2, go.set).start()
    assert job.result() == 42
    assert asked == [1, None]


def test_forked_runs_in_another_process_on_inherited_arguments():
    import os

    from analysis.background import forked

    unpicklable = threading.Lock()              # reaches the child by fork, never pickled

    def where(tag, lock):
        return tag, os.getpid(), lock.locked()

    tag, pid, locked = forked(where, ("x", unpicklable)).result()
    assert (tag, locked) == ("x", False) and pid != os.getpid()
    assert forked(where, ("y", unpicklable), fork=False).result() == ("y", os.getpid(), False)
    with pytest.raises(ValueError):
        forked(int, ("not a number",)).result()


def test_in_row_blocks_covers_every_row_once_and_raises_a_blocks_error():
    import numpy as np

    from analysis.background import in_row_blocks

    for threads in (1, 2):
        seen = np.zeros(1003, dtype=int)
        calls = []

        def mark(lo, hi):
            calls.append((lo, hi))
            seen[lo:hi] += 1

        in_row_blocks(mark, 1003, 100, threads=threads)
        assert (seen == 1).all() and sorted(calls)[-1] == (1000, 1003) and len(calls) == 11
    in_row_blocks(lambda lo, hi: pytest.fail("no rows, no call"), 0, 100)

    def fails(lo, hi):
        if lo == 300:
            raise ValueError("block 3")

    with pytest.raises(ValueError, match="block 3"):
        in_row_blocks(fails, 1003, 100)
