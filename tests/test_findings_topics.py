"""Topic findings: every value equals its evidence row, and each finding says what is planted."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analysis.cli import main
from analysis.corpus import Corpus, parse_document
from analysis.findings.core import Evidence, Finding
from analysis.findings.topics import (COUNT_VALUE, LIST_VALUE, SETTING_VALUES,
                                     finding_values_in_csv, quoted_list, topic_findings)
from analysis.topics import analyse_topics, topic_settings

BLOCKS = [
    "river lake rain flood dam irrigation reservoir wetland".split(),
    "budget loan bank credit tax revenue debt interest".split(),
    "teacher pupil classroom exam curriculum lesson homework grade".split(),
]
SETTINGS = "seed: 3\ntopics:\n  k_min: 2\n  k_max: 5\n  n_seeds: 5\n  top_n: 6\n"


def _write_corpus(folder, rng, mix: bool = False):
    """Three documents. Unmixed: document i is block i. Mixed: every document mixes all blocks."""
    folder.mkdir()
    for i in range(3):
        lines = ["Overview"]
        for p in range(9):
            block = BLOCKS[p % 3] if mix else BLOCKS[i]
            lines.append(" ".join(rng.choice(block, size=12)).capitalize() + ".")
        (folder / f"doc{i}.txt").write_text("\n".join(lines), encoding="utf-8")


@pytest.fixture
def planted_out(tmp_path):
    rng = np.random.default_rng(0)
    _write_corpus(tmp_path / "corpus", rng)
    params = tmp_path / "params.yaml"
    params.write_text(SETTINGS, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["topics", str(tmp_path / "corpus"), "--out", str(out), "--params", str(params),
                 "--no-cache"]) == 0
    return out


def test_every_finding_value_equals_its_evidence_row(planted_out):
    findings = pd.read_csv(planted_out / "topic_findings.csv", keep_default_na=False)
    assert len(findings) >= 8
    settings = topic_settings({"seed": 3, "topics": {"k_min": 2, "k_max": 5, "n_seeds": 5,
                                                     "top_n": 6}})
    checked = 0
    for row in findings.itertuples():
        values, columns = json.loads(row.values), json.loads(row.value_columns)
        finding = Finding(row.key, row.template, values,
                          Evidence(row.evidence_file, row.evidence_column,
                                   tuple(json.loads(row.evidence_rows)), columns))
        assert finding.text() == row.statement
        evidence = pd.read_csv(planted_out / row.evidence_file, dtype=str, keep_default_na=False)
        assert finding_values_in_csv(finding, evidence) == []
        # every value is backed by a CSV column, or is a stated cut from the settings
        for name, value in values.items():
            if name not in columns and name not in (COUNT_VALUE, LIST_VALUE):
                assert name in SETTING_VALUES, (row.key, name)
                assert value == settings[name]
        checked += len(columns)
    assert checked >= 40


def test_quoted_list():
    assert quoted_list(["a"]) == "“a”" and quoted_list([]) == ""
    assert quoted_list(["a", "b", "c"]) == "“a”, “b” and “c”"


def test_value_check_catches_a_wrong_number(planted_out):
    evidence = pd.read_csv(planted_out / "topic_diagnostics.csv", dtype=str)
    wrong = Finding("topics.topic.1", "{prevalence:.0%}", {"prevalence": 0.123456},
                    Evidence("topic_diagnostics.csv", "topic", (1,), {"prevalence": "prevalence"}))
    assert finding_values_in_csv(wrong, evidence)
    listed = Finding("topics.weak_summary", "{labels}", {LIST_VALUE: "“no such topic”"},
                     Evidence("topic_diagnostics.csv", "topic", (1,)))
    assert finding_values_in_csv(listed, evidence)


def test_planted_documents_are_mirrored_and_a_mixed_corpus_is_not(planted_out, tmp_path):
    findings = pd.read_csv(planted_out / "topic_findings.csv").set_index("key")
    assert {f"topics.mirror.{t}" for t in (1, 2, 3)} <= set(findings.index)
    assert json.loads(findings.loc["topics.mirror_summary", "values"])["n_rows"] == 3
    assert "topics.mirror_none" not in findings.index
    rng = np.random.default_rng(1)
    _write_corpus(tmp_path / "mixed", rng, mix=True)
    corpus_params = {"seed": 3, "topics": {"k_min": 2, "k_max": 4, "n_seeds": 5, "top_n": 6}}
    from analysis.corpus import load_corpus
    res = analyse_topics(load_corpus(tmp_path / "mixed"), corpus_params, n_topics=3)
    keys = topic_findings(res).keys()
    assert "topics.mirror_none" in keys and not any(k.startswith("topics.mirror.") for k in keys)
    # each topic's text is spread: no document holds more than half of it
    assert (res.topic_diagnostics.mass_in_top_doc < 0.5).all()


def test_weak_topics_follow_the_stated_cut(tmp_path):
    rng = np.random.default_rng(0)
    _write_corpus(tmp_path / "corpus", rng)
    from analysis.corpus import load_corpus
    corpus = load_corpus(tmp_path / "corpus")
    strict = {"seed": 3, "topics": {"k_min": 2, "k_max": 4, "n_seeds": 5, "weak_coherence": 1.01}}
    lenient = {"seed": 3, "topics": {"k_min": 2, "k_max": 4, "n_seeds": 5, "weak_coherence": -1}}
    res = analyse_topics(corpus, strict, n_topics=3)
    keys = topic_findings(res).keys()
    assert [k for k in keys if k.startswith("topics.weak.")] == [f"topics.weak.{t}" for t in (1, 2, 3)]
    assert "coherence" in topic_findings(res)["topics.weak.1"].text()
    assert "topics.weak_none" in topic_findings(analyse_topics(corpus, lenient, n_topics=3)).keys()


def test_k_sentence_names_what_the_next_k_does(planted_out):
    f = pd.read_csv(planted_out / "topic_findings.csv").set_index("key")
    model = pd.read_csv(planted_out / "topic_model.csv").iloc[0]
    assert model.k == 3  # three planted blocks
    assert "largest k whose least stable topic" in f.loc["topics.k_choice", "statement"]
    nxt = json.loads(f.loc["topics.k_next", "values"])
    assert nxt["k"] == 4
    scan = pd.read_csv(planted_out / "k_scan.csv").set_index("k")
    if f.loc["topics.k_next", "evidence_file"] == "k_next_topics.csv":
        # the next-k refits reproduce the scan's least stable topic exactly
        assert nxt["stability"] == pytest.approx(scan.loc[4, "stability_min"])
        assert nxt["stability"] < 0.7


def test_representative_paragraph_is_made_of_the_topics_words():
    """Two decoys: two topic words among many words no topic holds. Their share of the topic
    is as large as any paragraph's and they come first, so ranking by share alone would pick
    them; their poor fit (the model cannot reproduce them) keeps them out."""
    rng = np.random.default_rng(4)
    noise = [f"odd{c}word" for c in "abcdefghijklmnopqr"]  # in the vocabulary: in both decoys
    docs = []
    for i, block in enumerate(BLOCKS):
        lines = ["Overview"]
        if i == 0:
            lines.append(" ".join(["river", "lake"] + noise).capitalize() + ".")
            lines.append(" ".join(["dam", "rain"] + noise[::-1]).capitalize() + ".")
        for j in range(8):  # real paragraphs borrow a few words from a varying other topic
            other = BLOCKS[(i + 1 + j % 2) % 3]
            words = list(rng.choice(block, 10)) + list(rng.choice(other, 4))
            lines.append(" ".join(rng.permutation(words)).capitalize() + ".")
        docs.append(parse_document(f"doc{i}", "\n".join(lines)))
    res = analyse_topics(Corpus(docs=docs), {"seed": 3, "topics": {"n_seeds": 3}}, n_topics=3)
    shares = res.unit_topics
    decoy = shares[shares.unit_id == "doc0:p000"].sort_values("share").iloc[-1]
    chosen = res.representatives[res.representatives.topic == decoy.topic]
    assert decoy.share > chosen.share.max()  # by share alone the decoys would win
    fit = res.model.fit_quality()
    assert fit[:2].max() < fit[2:10].min()  # the model reproduces the decoys worst
    assert not {"doc0:p000", "doc0:p001"} & set(chosen.unit_id)
    assert len(chosen) == 2 and (chosen.share >= 0.5).all()
    assert chosen.score.is_monotonic_decreasing
    # and the finding quotes the chosen paragraph's share
    f = topic_findings(res)[f"topics.representative.{int(decoy.topic)}"]
    assert f.values["share"] == pytest.approx(chosen.share.iloc[0])


@pytest.mark.parametrize("n_docs", [1, 2])
def test_mirrors_are_not_assessed_with_fewer_than_three_documents(tmp_path, n_docs):
    rng = np.random.default_rng(2)
    docs = [parse_document(f"doc{i}", "Overview\n" + "\n".join(
        " ".join(rng.choice(BLOCKS[p % 3], size=12)).capitalize() + "." for p in range(12)))
        for i in range(n_docs)]
    res = analyse_topics(Corpus(docs=docs), {"seed": 3, "topics": {"n_seeds": 3}}, n_topics=3)
    found = topic_findings(res)
    keys = found.keys()
    assert "topics.mirror_skipped" in keys
    assert not any(k.startswith(("topics.mirror.", "topics.shared")) or k == "topics.mirror_none"
                   for k in keys)
    expected = "the one document into" if n_docs == 1 else "the 2 documents into"
    assert expected in found["topics.overview"].text()


def test_fixed_k_findings_also_match_their_csv(tmp_path):
    rng = np.random.default_rng(0)
    _write_corpus(tmp_path / "corpus", rng)
    out = tmp_path / "out"
    assert main(["topics", str(tmp_path / "corpus"), "--out", str(out), "--n-topics", "2",
                 "--no-cache"]) == 0
    findings = pd.read_csv(out / "topic_findings.csv", keep_default_na=False).set_index("key")
    assert "fixed by the user" in findings.loc["topics.k_choice", "statement"]
    assert "topics.k_next" not in findings.index
    for key, row in findings.iterrows():
        finding = Finding(key, row.template, json.loads(row["values"]),
                          Evidence(row.evidence_file, row.evidence_column,
                                   tuple(json.loads(row.evidence_rows)),
                                   json.loads(row.value_columns)))
        evidence = pd.read_csv(out / row.evidence_file, dtype=str, keep_default_na=False)
        assert finding_values_in_csv(finding, evidence) == []


def test_k_sentence_when_no_k_meets_the_cuts(tmp_path):
    rng = np.random.default_rng(0)
    _write_corpus(tmp_path / "corpus", rng)
    from analysis.corpus import load_corpus
    from analysis.topics.tables import topic_tables
    params = {"seed": 3, "topics": {"k_min": 2, "k_max": 4, "n_seeds": 3, "min_stability": 1.01}}
    res = analyse_topics(load_corpus(tmp_path / "corpus"), params)
    assert res.k_rule == "most_stable"
    found = topic_findings(res)
    assert "No k kept every topic at stability 1.01" in found["topics.k_choice"].text()
    assert "topics.k_next" not in found.keys()
    tables = topic_tables(res)
    for f in found:
        frame = tables[f.evidence.file].astype(str)
        assert finding_values_in_csv(f, frame) == []
