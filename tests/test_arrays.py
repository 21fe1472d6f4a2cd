"""analysis.arrays: the sort-based unique that stands in for NumPy's hash-based one."""

import numpy as np
import pytest

from analysis.arrays import unique_sorted


@pytest.mark.parametrize("values", [
    [], [7], [3, 1, 3, 2, 1], [5, 5, 5], np.arange(10)[::-1],
    np.random.default_rng(0).integers(-50, 50, 1000),
    np.r_[np.arange(0, 100, 3), np.arange(1, 100, 2), np.arange(0, 100, 5)],   # sorted runs joined
])
def test_unique_sorted_matches_numpy(values):
    got = unique_sorted(np.asarray(values, dtype=np.int64))
    assert np.array_equal(got, np.unique(np.asarray(values, dtype=np.int64)))
    assert got.dtype == np.int64


def test_unique_sorted_keeps_dtype_and_flattens():
    assert unique_sorted(np.array([[2, 1], [1, 2]], dtype=np.uint8)).tolist() == [1, 2]
    assert unique_sorted(np.array(["b", "a", "b"])).tolist() == ["a", "b"]


def test_unique_sorted_floats_treat_nan_as_one_value():
    got = unique_sorted(np.array([1.0, np.nan, 0.5, np.nan, 1.0]))
    assert got[:2].tolist() == [0.5, 1.0] and len(got) == 3 and np.isnan(got[2])
