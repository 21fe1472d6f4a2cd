"""Reference data of the redundancy report: read in one place, missing data is
None or absent, a malformed file is a one-line InputError naming the file; the
benchmark numbers the report quotes are computed by a pure function."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.corpus import Corpus
from analysis.errors import InputError
from analysis.redundancy import redundancy_params, speed_summary
from analysis.references import benchmark_results, control_corpus, same_point_labels
from conftest import FIXTURES


def _settings(**paths) -> dict:
    return {**redundancy_params({}), **{k: str(v) for k, v in paths.items()}}


# ------------------------------------------------------------------ reading


def test_shipped_labelled_pairs_load():
    sentences, pairs = same_point_labels()
    assert len(sentences) == 761 and len(pairs) >= 300


def test_committed_control_corpus_and_benchmarks():
    control = control_corpus(redundancy_params({}))
    assert isinstance(control, Corpus) and len(control.docs) >= 2
    bench = benchmark_results(redundancy_params({}))
    assert set(bench) == {"embedding_cache", "redundancy_scaling", "machine"}
    assert int(bench["machine"]["cpu_count"].iloc[0]) >= 1
    assert set(bench["embedding_cache"]["run"]) >= {"cold", "warm"}
    assert "whole detector" in set(bench["redundancy_scaling"]["stage"])


def test_missing_reference_data_is_none_or_absent(tmp_path):
    s = _settings(control_dir=tmp_path / "nope", benchmark_dir=tmp_path / "nope")
    assert control_corpus(s) is None
    assert benchmark_results(s) == {}
    # One benchmark table present, the other absent.
    (tmp_path / "embedding_cache.csv").write_text("run,sentences,seconds\ncold,10,2.0\nwarm,10,0.1\n")
    assert set(benchmark_results(_settings(benchmark_dir=tmp_path))) == {"embedding_cache"}


def test_malformed_benchmark_file_is_input_error(tmp_path):
    (tmp_path / "redundancy_scaling.csv").write_text("sentences,seconds\n1000,0.5\n")
    with pytest.raises(InputError, match="redundancy_scaling.csv"):
        benchmark_results(_settings(benchmark_dir=tmp_path))


# ------------------------------------------------------------------ speed_summary


CACHE = pd.DataFrame({"run": ["cold", "warm"], "backend": "semantic", "sentences": [500, 500],
                      "seconds": [12.5, 0.004]})
SCALING = pd.DataFrame(
    [(4000, "lexical", "embed", 0.5), (4000, "lexical", "whole detector", 8.0),
     (1000, "lexical", "embed", 0.1), (1000, "lexical", "whole detector", 1.0),
     (2000, "lexical", "whole detector", 3.0),
     (2000, "semantic", "whole detector", 30.0), (1000, "semantic", "whole detector", 10.0),
     (1000, "semantic", "embed", 9.5)],
    columns=["sentences", "backend", "stage", "seconds"])


def test_speed_summary_by_hand():
    s = speed_summary(CACHE, SCALING)
    assert s["cache"] == {"sentences": 500, "cold_seconds": 12.5, "warm_seconds": 0.004}
    g = s["lexical_growth"]
    # Smallest and largest lexical whole-detector runs, whatever the row order.
    assert (g["from_sentences"], g["from_seconds"], g["to_sentences"], g["to_seconds"]) == (1000, 1.0, 4000, 8.0)
    assert g["time_ratio"] == pytest.approx(8.0) and g["size_ratio"] == pytest.approx(4.0)
    assert s["semantic_runs"] == [{"sentences": 1000, "seconds": 10.0}, {"sentences": 2000, "seconds": 30.0}]
    assert len(s["lexical_stages"]) == 5 and set(s["lexical_stages"]["backend"]) == {"lexical"}


def test_speed_summary_without_data():
    s = speed_summary(None, None)
    assert s == {"cache": None, "lexical_growth": None, "semantic_runs": [], "lexical_stages": None}
    # One lexical run: no growth to report; no warm run: no cache numbers.
    one = SCALING[(SCALING["backend"] == "lexical") & (SCALING["sentences"] == 1000)]
    s = speed_summary(CACHE[CACHE["run"] == "cold"], one)
    assert s["cache"] is None and s["lexical_growth"] is None and s["semantic_runs"] == []


def test_speed_summary_on_committed_benchmarks():
    bench = benchmark_results(redundancy_params({}))
    s = speed_summary(bench["embedding_cache"], bench["redundancy_scaling"])
    g = s["lexical_growth"]
    assert g["to_sentences"] > g["from_sentences"]
    assert math.isclose(g["time_ratio"], g["to_seconds"] / g["from_seconds"])
