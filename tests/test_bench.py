"""A smoke run of `make bench` (benchmarks/run.py) on tiny corpora, so the benchmark cannot rot."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))


def test_synthetic_corpus_is_seeded_and_plants_known_pairs(tmp_path):
    from synthetic import make_corpus

    a = make_corpus(6, tmp_path / "a", seed=7, words_per_doc=800, dup_rate=0.2)
    b = make_corpus(6, tmp_path / "b", seed=7, words_per_doc=800, dup_rate=0.2)
    pd.testing.assert_frame_equal(a, b)
    assert [p.read_text() for p in sorted((tmp_path / "a").glob("*.txt"))] == \
           [p.read_text() for p in sorted((tmp_path / "b").glob("*.txt"))]
    assert len(list((tmp_path / "a").glob("*.txt"))) == 6
    assert set(a.kind) == {"exact", "near"}
    exact = a[a.kind == "exact"]
    assert (exact.text_a == exact.text_b).all() and (a.doc_a != a.doc_b).all()
    near = a[a.kind == "near"]
    assert (near.text_a != near.text_b).all()
    # Every planted copy is in the copying document, as written.
    for r in a.itertuples():
        assert r.text_b in (tmp_path / "a" / f"{r.doc_b}.txt").read_text()


@pytest.mark.slow
def test_bench_smoke_run_writes_tables_and_figure(tmp_path):
    out = tmp_path / "bench"
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "5", "10",
                           "--stages", "themes", "--brute-max", "10", "--timeout", "300",
                           "--cache", str(tmp_path / "cache"), "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    scaling = pd.read_csv(out / "scaling.csv")
    assert list(scaling.documents) == [5, 10]
    assert (scaling["exit"].astype(str) == "0").all()
    assert (scaling.wall_s > 0).all() and (scaling.peak_mb > 0).all() and (scaling.output_bytes > 0).all()
    base = pd.read_csv(out / "baseline.csv")
    assert set(base.method) == {"brute force (sparse product)", "MinHash-LSH candidates + exact check"}
    # Exact planted copies have Jaccard 1: brute force must find every one.
    brute = base[base.method.str.startswith("brute")]
    assert (brute.recall_exact.dropna() == 1.0).all()
    assert (out / "scaling.png").stat().st_size > 0 and (out / "machine.csv").is_file()


@pytest.mark.slow
def test_ann_baseline_measures_recall_against_the_exact_search(tmp_path):
    from run import ann_baseline

    ann = ann_baseline([10], tmp_path / "cache", seed=3, queries=200, min_sentences=0)
    row = ann.iloc[0]
    assert row.documents == 10 and row.sentences > 1000 and row.query_sample == 200
    # Every sampled row's 10 exact neighbours are a share of what the index returns.
    assert 0.5 < row.recall_at_10 <= 1.0 and row.probes <= row.clusters
    # Ten documents are below the package's exact-search size: nothing to compare by default.
    assert ann_baseline([10], tmp_path / "cache", seed=3).empty
