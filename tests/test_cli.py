import subprocess
import sys

import pandas as pd
import pytest

from conftest import CORPUS, MINI


def test_help_lists_commands_and_options():
    out = subprocess.run([sys.executable, "-m", "analysis", "--help"], capture_output=True,
                         text=True, check=True).stdout
    assert "overview" in out and "all" in out
    sub = subprocess.run([sys.executable, "-m", "analysis", "overview", "--help"],
                         capture_output=True, text=True, check=True).stdout
    for option in ("CORPUS_DIR", "--out", "--params"):
        assert option in sub


def test_overview_writes_tidy_csvs(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "analysis", "overview", str(CORPUS), "--out",
                           str(tmp_path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    docs = pd.read_csv(tmp_path / "documents.csv")
    assert list(docs.columns[:4]) == ["doc_id", "file", "encoding", "title"]
    assert len(docs) == 5 and docs.sections.tolist() == [15, 16, 16, 16, 15]
    sents = pd.read_csv(tmp_path / "sentences.csv")
    for col in ("doc_id", "sentence_id", "section", "paragraph", "start", "end", "text"):
        assert col in sents.columns
    assert sents.words.sum() == docs.words.sum()
    secs = pd.read_csv(tmp_path / "sections.csv")
    assert len(secs) == docs.sections.sum() + 5  # plus one introduction per document
    # The CSV text round-trips to the file.
    text = (CORPUS / "002_de972e75f5a9a7c2.txt").read_text(encoding="utf-8")
    row = sents[sents.doc_id == "002_de972e75f5a9a7c2"].iloc[10]
    assert text[row.start:row.end] == row.text


def test_all_runs_every_command(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "analysis", "all", str(MINI), "--out",
                           str(tmp_path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "documents.csv").exists()
    printed = {line.rsplit("/", 1)[-1] for line in proc.stdout.split()}
    assert printed == {p.name for p in tmp_path.iterdir() if p.suffix in (".csv", ".gz", ".md", ".parquet")}
    assert "digest.md" in printed and "redundancy_findings.csv" in printed


def test_all_on_one_document(tmp_path):
    corpus = tmp_path / "single"
    corpus.mkdir()
    (corpus / "alpha.txt").write_bytes((MINI / "alpha.txt").read_bytes())
    proc = subprocess.run([sys.executable, "-m", "analysis", "all", str(corpus), "--out",
                           str(tmp_path / "out")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "only one document" in proc.stderr
    counts = pd.read_csv(tmp_path / "out" / "theme_counts.csv")
    assert set(counts.doc_id) == {"alpha"}


def test_written_files_follow_umask(tmp_path):
    import os

    from analysis.output import write_frames
    old = os.umask(0o022)
    try:
        (path,) = write_frames({"a.csv": pd.DataFrame({"x": [1]})}, tmp_path)
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644
    assert path.read_text() == "x\n1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.csv"]  # no temporary left behind


@pytest.mark.slow
def test_same_input_same_numbers(tmp_path):
    """Two runs of every command give identical tables, timings and cache counters aside."""
    for run in ("a", "b"):
        proc = subprocess.run([sys.executable, "-m", "analysis", "all", str(MINI), "--out",
                               str(tmp_path / run)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
    files = sorted(p.name for p in (tmp_path / "a").glob("*.csv"))
    assert len(files) > 20
    volatile = ("seconds", "cache_hits", "encoded")
    for name in files:
        a, b = (pd.read_csv(tmp_path / run / name) for run in ("a", "b"))
        keep = [c for c in a.columns if not any(v in c for v in volatile)]
        pd.testing.assert_frame_equal(a[keep], b[keep], check_exact=True, obj=name)


def test_all_fits_each_analysis_once(tmp_path, monkeypatch):
    # The digest reuses what the themes, topics and redundancy commands fitted.
    import analysis.redundancy as R
    import analysis.themes as TH
    import analysis.topics as TO
    from analysis.cli import main

    calls = {"redundancy": 0, "themes": 0, "topics": 0}

    def counting(module, name, key):
        real = getattr(module, name)

        def wrapper(*args, **kwargs):
            calls[key] += 1
            return real(*args, **kwargs)
        monkeypatch.setattr(module, name, wrapper)

    counting(R, "detect_redundancy", "redundancy")
    counting(TH, "analyse_themes", "themes")
    counting(TO, "analyse_topics", "topics")
    assert main(["all", str(MINI), "--out", str(tmp_path)]) == 0
    assert calls == {"redundancy": 1, "themes": 1, "topics": 1}
    assert (tmp_path / "digest.csv").is_file() and (tmp_path / "sentence_pairs.csv").is_file()
