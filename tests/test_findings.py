"""Findings of the overview and themes commands: every number equals its evidence row.

Also: theme rankings leave the baseline subjects out, and one multiplier is used.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main
from analysis.precision import READ_BACK_REL_TOL as CSV_REL

FIX = Path(__file__).parent / "fixtures" / "themes"

# "training" is planted as a baseline subject: it is alpha's most frequent group of terms
# (5 matches against 3 for gender), so a ranking that forgot to leave it out would name it.
BASELINE_DICT = """
baseline:
  training:
    - train*
    - capacity building
themes:
  gender: [gender, women]
  funding: [funding, "state's oversight"]
  reform: [reform]
  war: [war]
"""


def check_findings_against_evidence(out: Path, name: str = "theme_findings.csv") -> pd.DataFrame:
    """Assert every finding's values equal its evidence CSV row; return the findings table."""
    findings = pd.read_csv(out / name, keep_default_na=False)
    assert len(findings) and findings.key.is_unique
    for f in findings.itertuples(index=False):
        values = json.loads(f.values)
        columns = json.loads(f.value_columns)
        rows = json.loads(f.evidence_rows)
        # Every number a reader sees is backed by a column.
        numeric = {k for k, v in values.items() if isinstance(v, (int, float)) and k != "alpha"}
        assert numeric <= set(columns), (f.key, numeric - set(columns))
        evidence = pd.read_csv(out / f.evidence_file, keep_default_na=False, dtype=str)
        backing = evidence[evidence[f.evidence_column].isin([str(r) for r in rows])]
        assert len(backing) == len(rows) == 1, f.key
        row = backing.iloc[0]
        for name, column in columns.items():
            want, got = values[name], row[column]
            if isinstance(want, (int, float)) and not isinstance(want, bool):
                # The tables keep FLOAT_DIGITS significant digits; the finding, every digit.
                assert math.isclose(float(got), want, rel_tol=CSV_REL), (f.key, name, got, want)
            else:
                assert got == str(want), (f.key, name, got, want)
        # The statement is the template filled with these values.
        assert f.statement == f.template.format(**values)
    return findings


def test_real_corpus_findings_equal_their_evidence(tmp_path):
    assert main(["themes", "--out", str(tmp_path)]) == 0
    findings = check_findings_against_evidence(tmp_path)
    keys = set(findings.key)
    assert {"themes.baseline.peacekeeping", "themes.baseline.security_sector_reform",
            "themes.most_frequent.1", "themes.most_concentrated", "themes.pair.1"} <= keys
    docs = pd.read_csv(tmp_path / "theme_profile.csv").doc_id
    for d in docs:
        assert f"themes.most_frequent_in.{d}" in keys and f"themes.most_distinctive_in.{d}" in keys
    # No statement names a document by its file id.
    for d in docs:
        assert not findings.statement.str.contains(d, regex=False).any()


def test_closing_names_each_document_and_its_theme(tmp_path):
    from analysis import load_corpus, load_params
    from analysis.findings.themes import closing_paragraph, short_answer, theme_findings
    from analysis.themes import analyse_themes

    corpus = load_corpus(Path(__file__).parent.parent / "corpus")
    result = analyse_themes(corpus, load_params())
    findings = theme_findings(result)
    text, short = closing_paragraph(findings), short_answer(findings)
    for r in result["profile"].itertuples():
        assert f"- {r.label}: “{r.distinctive_theme}”" in text
        assert f"“{r.distinctive_theme}” in {r.label}" in short
        assert r.doc_id not in text
    assert "290 mentions, in all five documents" in short   # body-text count of peacekeep*
    # Past max_docs documents, the short answer counts themes instead of naming documents,
    # and the closing bullets stop and say how many more there are.
    short2, text2 = short_answer(findings, max_docs=2), closing_paragraph(findings, max_docs=2)
    distinctive = result["profile"].distinctive_theme.dropna()
    top, n = distinctive.value_counts().index[0], distinctive.value_counts().iloc[0]
    assert f"“{top}” (in {['zero', 'one', 'two', 'three', 'four', 'five'][n]})" in short2
    assert f"of the {len(distinctive)} documents with a distinctive theme" in short2
    assert not any(f"in {label}" in short2 for label in result["profile"].label)
    assert text2.count("\n- ") == 3 and f"… and {len(distinctive) - 2} more documents" in text2


def test_most_frequent_agrees_with_the_heatmap_and_skips_the_baseline(tmp_path):
    assert main(["themes", "--out", str(tmp_path)]) == 0
    counts = pd.read_csv(tmp_path / "theme_counts.csv")
    profile = pd.read_csv(tmp_path / "theme_profile.csv").set_index("doc_id")
    topical = counts[~counts.baseline]
    # The heatmap's darkest topical cell in each column is the profile's most frequent theme.
    darkest = topical.loc[topical.groupby("doc_id").per_1k_words.idxmax()].set_index("doc_id").theme
    assert darkest.to_dict() == profile.frequent_theme.to_dict()
    summary = pd.read_csv(tmp_path / "theme_summary.csv")
    assert set(summary.theme[summary.group == "baseline"]) == {"peacekeeping",
                                                               "security sector reform"}
    assert summary["rank"][summary.group == "baseline"].isna().all()
    top = summary[summary.group == "theme"].sort_values("matches").iloc[-1]
    assert summary.set_index("theme").loc[top.theme, "rank"] == 1
    # Baseline subjects are not compared: no keyness and no co-occurrence rows.
    keyness = pd.read_csv(tmp_path / "keyness.csv")
    cooc = pd.read_csv(tmp_path / "theme_cooccurrence.csv")
    for subject in ("peacekeeping", "security sector reform"):
        assert subject not in set(keyness.item[keyness.kind == "theme"])
        assert subject not in set(cooc.theme_a) | set(cooc.theme_b)


def test_one_multiplier_per_finding(tmp_path):
    """The profile's ratio is keyness.csv's rate_ratio: the document's rate over the rest's."""
    assert main(["themes", "--out", str(tmp_path)]) == 0
    profile = pd.read_csv(tmp_path / "theme_profile.csv")
    keyness = pd.read_csv(tmp_path / "keyness.csv")
    for r in profile.dropna(subset=["distinctive_ratio"]).itertuples():
        k = keyness[(keyness.doc_id == r.doc_id) & (keyness.item == r.distinctive_theme)].iloc[0]
        assert r.distinctive_ratio == pytest.approx(k.per_1k / k.per_1k_rest, rel=CSV_REL)
        assert r.distinctive_ratio == pytest.approx(k.rate_ratio, rel=CSV_REL)
        # the statement quotes that number, with its baseline named
        f = pd.read_csv(tmp_path / "theme_findings.csv").set_index("key")
        text = f.loc[f"themes.most_distinctive_in.{r.doc_id}", "statement"]
        assert (f"against {r.distinctive_per_1k_rest:.1f} in the other four documents, "
                f"{r.distinctive_ratio:.1f}× their rate") in text


def test_planted_baseline_on_fixture(tmp_path):
    dictionary = tmp_path / "themes.yaml"
    dictionary.write_text(BASELINE_DICT)
    out = tmp_path / "out"
    assert main(["themes", str(FIX / "corpus"), "--out", str(out), "--themes", str(dictionary)]) == 0
    check_findings_against_evidence(out)
    counts = pd.read_csv(out / "theme_counts.csv").set_index(["doc_id", "theme"])
    assert counts.loc[("alpha", "training"), "count"] == 5 and counts.loc[("alpha", "training"), "baseline"]
    profile = pd.read_csv(out / "theme_profile.csv").set_index("doc_id")
    # alpha: training (5) is the baseline, so gender (3 in 26 words) is the most frequent theme;
    # gender's G² against the rest (5.86, p = 0.016) is not significant at 0.01.
    assert profile.loc["alpha", "frequent_theme"] == "gender"
    assert profile.loc["alpha", "frequent_per_1k"] == pytest.approx(3000 / 26, rel=CSV_REL)
    assert pd.isna(profile.loc["alpha", "distinctive_theme"])
    # beta: funding, 4 of the corpus's 4 matches: distinctive and found nowhere else.
    assert profile.loc["beta", "distinctive_theme"] == "funding"
    assert bool(profile.loc["beta", "distinctive_only_here"])
    assert pd.isna(profile.loc["gamma", "frequent_theme"])
    summary = pd.read_csv(out / "theme_summary.csv").set_index("theme")
    assert summary.loc["training", "group"] == "baseline" and pd.isna(summary.loc["training", "rank"])
    assert summary["rank"].dropna().astype(int).to_dict() == {"funding": 1, "gender": 2,
                                                              "reform": 3, "war": 4}
    f = pd.read_csv(out / "theme_findings.csv").set_index("key").statement
    assert f["themes.most_frequent.1"].startswith("After the one shared subject, the most "
                                                  "frequent theme is “funding”: 4 matches")
    assert "which no other document mentions" in f["themes.most_distinctive_in.beta"]
    assert "no theme is used significantly more" in f["themes.most_distinctive_in.alpha"]
    assert f["themes.most_frequent_in.gamma"].endswith("no theme of the dictionary occurs "
                                                       "after the shared subjects.")
    assert f["themes.baseline.training"].startswith(
        "The shared subject “training” is mentioned 5 times in body text, in 1 of 3 documents")


def test_overview_findings_equal_their_evidence(tmp_path):
    assert main(["overview", "--out", str(tmp_path)]) == 0
    findings = check_findings_against_evidence(tmp_path, "overview_findings.csv").set_index("key")
    docs = pd.read_csv(tmp_path / "documents.csv")
    labels = pd.read_csv(tmp_path / "document_labels.csv")
    assert list(labels.columns) == ["doc_id", "letter", "short_title", "label", "title", "file"]
    assert docs.label.tolist() == labels.label.tolist() and docs.label.is_unique
    longest = docs.loc[docs.words.idxmax()]
    assert findings.loc["overview.longest", "statement"] == (
        f"The longest document is {longest.label} (“{longest.title}”), with "
        f"{longest.words:,} words in {longest.sentences:,} sentences.")
    assert json.loads(findings.loc["overview.shortest", "values"])["words"] == docs.words.min()
    assert len([k for k in findings.index if k.startswith("overview.size.")]) == len(docs)
    for d in docs.doc_id:
        assert not findings.statement.str.contains(d, regex=False).any()


def test_prose_bullets_stop_after_most_and_count_the_rest():
    from analysis.findings.core import Finding, Findings
    from analysis.findings.topics import prose

    found = Findings([Finding(f"topics.document.d{i}", "Document {i}.", {"i": i}, None) for i in range(7)])
    text = prose(found, "topics.document.", bullets=True, most=3, more=" documents, in x.csv")
    assert text.splitlines() == ["- Document 0.", "- Document 1.", "- Document 2.",
                                 "- … and 4 more documents, in x.csv"]
    assert prose(found, "topics.document.", bullets=True, most=7).count("\n- ") == 6  # all 7, no "more"
