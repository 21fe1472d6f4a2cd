"""The themes command end to end."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.cli import main

FIX = Path(__file__).parent / "fixtures" / "themes"
FILES = {"theme_counts.csv", "theme_matches.csv", "theme_section_counts.csv",
         "theme_dispersion.csv", "theme_cooccurrence.csv", "keyness.csv", "theme_terms.csv",
         "theme_summary.csv", "theme_profile.csv", "theme_findings.csv"}


def test_user_dictionary(tmp_path, capsys):
    code = main(["themes", str(FIX / "corpus"), "--out", str(tmp_path),
                 "--themes", str(FIX / "themes.yaml"), "--kwic-chars", "10"])
    assert code == 0
    assert FILES <= {p.name for p in tmp_path.iterdir()}
    counts = pd.read_csv(tmp_path / "theme_counts.csv")
    matches = pd.read_csv(tmp_path / "theme_matches.csv", keep_default_na=False)
    assert list(counts.columns[:5]) == ["doc_id", "theme", "count", "words", "per_1k_words"]
    assert "paragraph_share" in counts.columns
    assert list(matches.columns[:8]) == ["doc_id", "theme", "term", "start", "end", "text",
                                        "left", "right"]
    assert set(counts.theme) == {"gender", "training and capacity building",
                                 "security sector reform", "reform", "war", "funding"}
    assert counts["count"].sum() == len(matches) == 18
    assert matches.left.str.len().max() <= 10
    keyness = pd.read_csv(tmp_path / "keyness.csv")
    assert {"g2", "log_ratio", "significant"} <= set(keyness.columns)


def test_default_dictionary_on_real_corpus(tmp_path):
    assert main(["themes", "--out", str(tmp_path)]) == 0
    counts = pd.read_csv(tmp_path / "theme_counts.csv")
    matches = pd.read_csv(tmp_path / "theme_matches.csv")
    assert counts.theme.nunique() >= 12
    assert counts["count"].sum() == len(matches)
    sections = pd.read_csv(tmp_path / "theme_section_counts.csv")
    # only sections where the theme occurs are written, and they hold every match
    assert (sections["count"] > 0).all() and sections["count"].sum() == len(matches)


def test_bad_dictionary_exits_2_with_message(tmp_path, capsys):
    code = main(["themes", str(FIX / "corpus"), "--out", str(tmp_path),
                 "--themes", str(FIX / "bad_pattern.yaml")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: ") and "'training'" in err and "'*train'" in err
    assert "Traceback" not in err
    assert not (tmp_path / "theme_counts.csv").exists()


def test_missing_dictionary_and_bad_alpha(tmp_path, capsys):
    assert main(["themes", str(FIX / "corpus"), "--out", str(tmp_path),
                 "--themes", str(tmp_path / "none.yaml")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["themes", str(FIX / "corpus"), "--out", str(tmp_path), "--alpha", "2"]) == 2
    assert "--alpha" in capsys.readouterr().err


def test_themes_file_from_params(tmp_path):
    params = tmp_path / "params.yaml"
    params.write_text(f"themes:\n  file: {FIX / 'themes.yaml'}\n  kwic_chars: 5\n")
    assert main(["themes", str(FIX / "corpus"), "--out", str(tmp_path / "o"),
                 "--params", str(params)]) == 0
    counts = pd.read_csv(tmp_path / "o" / "theme_counts.csv")
    assert "war" in set(counts.theme)
