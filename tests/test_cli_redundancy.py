"""The redundancy command line."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main
from analysis.precision import READ_BACK_REL_TOL

PLANTED = Path(__file__).parent / "fixtures" / "redundancy" / "planted"


def test_cli_writes_required_tables(tmp_path, capsys):
    assert main(["redundancy", str(PLANTED), "--out", str(tmp_path), "--backend", "lexical"]) == 0
    err = capsys.readouterr().err
    assert "lexical backend" in err and "restate an earlier point" in err
    pairs = pd.read_csv(tmp_path / "sentence_pairs.csv")
    for col in ["a_id", "b_id", "a_doc", "b_doc", "a_text", "b_text", "lexical", "semantic", "kind",
                "scope", "a_start", "b_start", "a_section", "b_section"]:
        assert col in pairs
    assert {"near-copy", "shared phrase"} <= set(pairs["kind"])
    overlap = pd.read_csv(tmp_path / "doc_overlap.csv")
    assert {"doc_a", "doc_b", "restated", "restated_share", "shared_points"} <= set(overlap)
    for name in ["clusters.csv", "phrases.csv", "novelty.csv", "redundancy_run.csv",
                 "same_point_verification.csv", "labelled_pairs_scored.csv", "redundancy_findings.csv"]:
        assert (tmp_path / name).is_file()
    assert pd.read_csv(tmp_path / "redundancy_run.csv")["backend"].iloc[0] == "lexical"
    check_findings_against_csvs(tmp_path, "redundancy_findings.csv")


def check_findings_against_csvs(folder, findings_file):
    """Every value of every finding equals the value in the evidence row it names."""
    import json
    findings = pd.read_csv(folder / findings_file, keep_default_na=False)
    assert len(findings)
    checked = 0
    for f in findings.itertuples():
        values, columns = json.loads(f.values), json.loads(f.value_columns)
        if not f.evidence_file:
            continue
        table = pd.read_csv(folder / f.evidence_file)
        rows = json.loads(f.evidence_rows)
        if rows:
            table = table[table[f.evidence_column].astype(str).isin([str(r) for r in rows])]
        assert len(table), f.key
        for name, col in columns.items():
            got, want = table[col].iloc[0], values[name]
            if isinstance(want, (int, float)) and not isinstance(want, bool):
                assert got == pytest.approx(want, rel=READ_BACK_REL_TOL), (f.key, name)
            else:
                assert str(got) == str(want), (f.key, name)
            checked += 1
    assert checked >= 5


def test_cli_threshold_override(tmp_path):
    assert main(["redundancy", str(PLANTED), "--out", str(tmp_path), "--backend", "lexical",
                 "--threshold", "0.99"]) == 0
    run = pd.read_csv(tmp_path / "redundancy_run.csv")
    assert run["related_threshold"].iloc[0] == 0.99
    pairs = pd.read_csv(tmp_path / "sentence_pairs.csv")
    assert "related" not in set(pairs["kind"])


def test_cli_rejects_bad_threshold_and_missing_corpus(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["redundancy", str(PLANTED), "--out", str(tmp_path), "--threshold", "1.5"])
    assert exc.value.code == 2
    assert main(["redundancy", str(tmp_path / "nope"), "--out", str(tmp_path)]) == 2
    assert "error:" in capsys.readouterr().err


def test_written_phrases_and_clusters_cap_their_listings():
    """A phrase names at most 10 documents and sentences; a cluster's shared values are on its first row."""
    from analysis.redundancy.export import written_tables

    phrases = pd.DataFrame({"phrase": ["a b c", "d e f"], "n_docs": [12, 2],
                            "docs": [";".join(f"d{i:02}" for i in range(12)), "d01;d02"],
                            "sentence_ids": [";".join(f"s{i}" for i in range(25)), "s1;s2"]})
    clusters = pd.DataFrame({"cluster": [1, 1, 1, 2, 2], "docs": ["x;y"] * 3 + ["z"] * 2,
                             "text": list("abcde"), "representative_text": ["b"] * 3 + ["d"] * 2})
    out = written_tables({"phrases.csv": phrases, "clusters.csv": clusters}, most=10)
    p = out["phrases.csv"]
    assert p.docs[0] == ";".join(f"d{i:02}" for i in range(10)) + ";+2 more"
    assert p.sentence_ids[0].endswith(";s9;+15 more") and p.sentence_ids[0].count(";") == 10
    assert p.docs[1] == "d01;d02" and p.sentence_ids[1] == "s1;s2"
    c = out["clusters.csv"]
    assert c.docs.tolist() == ["x;y", "", "", "z", ""]
    assert c.representative_text.tolist() == ["b", "", "", "d", ""]
    assert c.text.tolist() == list("abcde")
    assert phrases.docs[0].count(";") == 11            # the tables in memory are untouched
    assert written_tables({"phrases.csv": phrases}, phrases_max=1)["phrases.csv"].phrase.tolist() == ["a b c"]
    assert len(written_tables({"phrases.csv": phrases}, phrases_max=None)["phrases.csv"]) == 2
