"""The shared disk cache: one process computes an entry, the others wait and read it."""

from __future__ import annotations

import multiprocessing
import time

from analysis.diskcache import cached_pickle


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
