"""Writing tables: the fast (pyarrow) CSV path reads back as the pandas one does."""

import gzip

import numpy as np
import pandas as pd
import pytest

from analysis import output
from analysis.output import staged_folder, write_csv, write_frames


def _awkward() -> pd.DataFrame:
    return pd.DataFrame({
        "doc_id": ["a", "b", "c", "d"],
        "count": [1, 2, 3, 4],
        "rate": [3.0, 0.1, np.nan, 1e-20],
        "significant": [True, False, True, False],
        "maybe": pd.array([True, None, False, True], dtype=object),
        "text": ['says "so", then', "two\nlines", None, "ünïcode ’quote’"],
        "mixed": [1, "a", 2.5, None],
        "kind": pd.Categorical(["word", "theme", "word", "bigram"]),
    })


def test_fast_csv_reads_back_as_pandas_csv(tmp_path, monkeypatch):
    frame = _awkward()
    write_csv(frame, tmp_path / "slow.csv")            # 4 rows: the pandas writer
    monkeypatch.setattr(output, "FAST_CSV_MIN_ROWS", 1)
    write_csv(frame, tmp_path / "fast.csv")
    slow = pd.read_csv(tmp_path / "slow.csv")
    fast = pd.read_csv(tmp_path / "fast.csv")
    pd.testing.assert_frame_equal(fast, slow)
    # pandas' spelling of booleans, not pyarrow's
    assert "True" in (tmp_path / "fast.csv").read_text() and "true" not in (tmp_path / "fast.csv").read_text()
    assert slow.loc[1, "text"] == "two\nlines" and slow.loc[0, "text"] == 'says "so", then'


def test_large_tables_are_gzipped_csv_and_parquet(tmp_path, monkeypatch):
    monkeypatch.setattr(output, "GZIP_MIN_ROWS", 2)
    monkeypatch.setattr(output, "PARQUET_MIN_ROWS", 3)
    frame = _awkward()
    written = write_frames({"big.csv": frame, "mid.csv": frame.head(3), "small.csv": frame.head(2)},
                           tmp_path)
    assert sorted(p.name for p in written) == ["big.csv.gz", "big.parquet", "mid.csv.gz", "small.csv"]
    back = pd.read_parquet(tmp_path / "big.parquet")
    assert back["count"].tolist() == [1, 2, 3, 4]
    assert back["significant"].tolist() == [True, False, True, False]   # still booleans
    assert back["mixed"].iloc[:3].tolist() == ["1", "a", "2.5"] and pd.isna(back["mixed"].iloc[3])
    # the gzipped CSV reads back as the plain one would
    plain = tmp_path / "plain"
    monkeypatch.setattr(output, "GZIP_MIN_ROWS", 10)
    write_frames({"big.csv": frame}, plain)
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "big.csv.gz"), pd.read_csv(plain / "big.csv"))
    # the same table gives the same bytes (no time stamp in the gzip header)
    first = (tmp_path / "big.csv.gz").read_bytes()
    monkeypatch.setattr(output, "GZIP_MIN_ROWS", 2)
    write_frames({"big.csv": frame}, tmp_path)
    assert (tmp_path / "big.csv.gz").read_bytes() == first
    # no temporary files left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.csv.gz", "big.parquet", "mid.csv.gz", "plain",
                                                          "small.csv"]


def test_a_table_that_changes_form_leaves_no_stale_copy(tmp_path, monkeypatch):
    out = tmp_path / "data"
    out.mkdir()
    (out / "notes.txt").write_text("kept")    # not only tables: tables are replaced one by one
    frame = _awkward()
    monkeypatch.setattr(output, "PARQUET_MIN_ROWS", 10)
    monkeypatch.setattr(output, "GZIP_MIN_ROWS", 10)
    with staged_folder(out) as tmp:
        write_frames({"big.csv": frame}, tmp)
    assert sorted(p.name for p in out.iterdir()) == ["big.csv", "notes.txt"]
    monkeypatch.setattr(output, "GZIP_MIN_ROWS", 3)
    monkeypatch.setattr(output, "PARQUET_MIN_ROWS", 3)
    with staged_folder(out) as tmp:
        write_frames({"big.csv": frame}, tmp)
    assert sorted(p.name for p in out.iterdir()) == ["big.csv.gz", "big.parquet", "notes.txt"]
    monkeypatch.setattr(output, "GZIP_MIN_ROWS", 10)
    monkeypatch.setattr(output, "PARQUET_MIN_ROWS", 10)
    with staged_folder(out) as tmp:
        write_frames({"big.csv": frame}, tmp)
    assert sorted(p.name for p in out.iterdir()) == ["big.csv", "notes.txt"]


def test_floats_keep_six_significant_digits_and_whole_numbers_every_digit():
    from analysis.precision import round_floats, round_significant

    got = round_significant([0.011720226843100189, 123.4567891, -2.5, 1e-20, 3.7e-25,
                             13143177.5, 0.0, np.nan, np.inf])
    assert got[:5].tolist() == [0.0117202, 123.457, -2.5, 1e-20, 3.7e-25]
    assert got[5] == 13143178.0 and got[6] == 0.0           # large values: whole numbers
    assert np.isnan(got[7]) and np.isinf(got[8])
    assert repr(float(got[0])) == "0.0117202"                 # the nearest double: prints short
    frame = pd.DataFrame({"x": [1 / 3], "n": [7], "s": ["a"]})
    out = round_floats(frame)
    assert out["x"].tolist() == [0.333333] and out["n"].tolist() == [7] and frame["x"][0] == 1 / 3
    nofloat = frame[["n", "s"]]
    assert round_floats(nofloat) is nofloat                   # no copy without floats


def test_written_tables_read_back_rounded(tmp_path):
    frame = pd.DataFrame({"p": [0.008881420237786973, 2 / 3]})
    write_frames({"t.csv": frame}, tmp_path)
    assert (tmp_path / "t.csv").read_text().splitlines() == ["p", "0.00888142", "0.666667"]


def test_tables_written_two_at_a_time_are_the_files_written_one_by_one(tmp_path, monkeypatch):
    monkeypatch.setattr(output, "GZIP_MIN_ROWS", 2)
    monkeypatch.setattr(output, "PARQUET_MIN_ROWS", 3)
    frame = _awkward()
    frames = {"small.csv": frame.head(2), "big.csv": frame, "note.md": "# a note\n",
              "mid.csv": frame.head(3).assign(rate=[1 / 3, 2 / 3, 0.123456789])}
    runs = {}
    for threads in (1, 2):
        monkeypatch.setattr(output, "WRITE_THREADS", threads)
        written = write_frames(frames, tmp_path / str(threads))
        runs[threads] = [(p.name, p.read_bytes()) for p in written]
    # listed in the frames' order whatever order they were written in; every byte the same
    assert [name for name, _ in runs[2]] == ["small.csv", "big.csv.gz", "big.parquet", "note.md",
                                             "mid.csv.gz"]
    assert runs[1] == runs[2]
    assert b"0.3333" in gzip.decompress(dict(runs[2])["mid.csv.gz"])   # rounded, as one by one


def test_a_failing_write_is_raised(tmp_path, monkeypatch):
    def broken(frame, path, compress=False):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(output, "write_csv", broken)
    with pytest.raises(OSError, match="No space left"):
        write_frames({"a.csv": _awkward(), "b.md": "text"}, tmp_path)
    # no temporary file left behind (the other file may or may not be written before the failure
    # stops the writes; the staged folder the command line writes into is discarded anyway)
    assert {p.name for p in tmp_path.iterdir()} <= {"b.md"}
