"""Writing tables: the fast (pyarrow) CSV path reads back as the pandas one does."""

import numpy as np
import pandas as pd

from analysis import output
from analysis.output import write_csv, write_frames


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


def test_large_tables_are_also_parquet(tmp_path, monkeypatch):
    monkeypatch.setattr(output, "PARQUET_MIN_ROWS", 3)
    frame = _awkward()
    written = write_frames({"big.csv": frame, "small.csv": frame.head(2)}, tmp_path)
    assert sorted(p.name for p in written) == ["big.csv", "big.parquet", "small.csv"]
    back = pd.read_parquet(tmp_path / "big.parquet")
    assert back["count"].tolist() == [1, 2, 3, 4]
    assert back["significant"].tolist() == [True, False, True, False]   # still booleans
    assert back["mixed"].iloc[:3].tolist() == ["1", "a", "2.5"] and pd.isna(back["mixed"].iloc[3])
    # no temporary files left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.csv", "big.parquet", "small.csv"]
