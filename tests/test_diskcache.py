"""The shared disk cache: one process computes an entry, the others wait and read it."""

from __future__ import annotations

import multiprocessing
import pickle
import time

from analysis.diskcache import cached_pickle, wait_for_writes


def _slow_square(args):
    entry, log, x = args

    def compute():
        with open(log, "a") as fh:        # one line per computation
            fh.write("computed\n")
        time.sleep(0.5)
        return x * x

    return cached_pickle(entry, compute)


def test_concurrent_processes_compute_an_entry_once(tmp_path):
    entry, log = tmp_path / "cache" / "square.pkl", tmp_path / "log.txt"
    with multiprocessing.get_context("fork").Pool(3) as pool:
        results = pool.map(_slow_square, [(entry, log, 7)] * 3)
    assert results == [49, 49, 49]
    assert log.read_text().splitlines() == ["computed"]
    # No temporary file is left beside the entry.
    assert sorted(p.name for p in entry.parent.iterdir()) == ["square.pkl", "square.pkl.lock"]


def test_damaged_entry_is_recomputed_and_rewritten(tmp_path):
    entry = tmp_path / "e.pkl"
    entry.write_bytes(b"not a pickle")
    assert cached_pickle(entry, lambda: {"a": 1}) == {"a": 1}
    assert cached_pickle(entry, lambda: {"a": 2}) == {"a": 1}     # now a hit


def test_unwritable_cache_still_returns_the_result(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")                  # a file where the cache folder should be
    assert cached_pickle(blocker / "sub" / "e.pkl", lambda: 5) == 5


def _slow_dump(obj, fh):
    time.sleep(1.0)                       # a large entry: the writer is still at work
    pickle.dump(obj, fh)


def _read_or_compute(args):
    entry, log = args

    def compute():
        with open(log, "a") as fh:
            fh.write("computed again\n")
        return -1

    return cached_pickle(entry, compute)


def test_an_entry_written_in_the_background_is_waited_for_not_computed_again(tmp_path):
    entry, log = tmp_path / "cache" / "big.pkl", tmp_path / "log.txt"
    t0 = time.perf_counter()
    got = cached_pickle(entry, lambda: {"rows": 3}, dump=_slow_dump, in_background=lambda r: True)
    assert got == {"rows": 3}
    assert time.perf_counter() - t0 < 0.9          # returned before the 1 s write ended
    # another process asking now waits for the forked writer's lock, then reads its entry
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.map(_read_or_compute, [(entry, log)]) == [{"rows": 3}]
    assert not log.exists()
    wait_for_writes()
    assert sorted(p.name for p in entry.parent.iterdir()) == ["big.pkl", "big.pkl.lock"]
    # in_background saying no: stored before returning, as without it
    assert cached_pickle(tmp_path / "small.pkl", lambda: 4, in_background=lambda r: False) == 4
    assert (tmp_path / "small.pkl").is_file()
