"""The corpus digest: one representative per point, every place cited, word counts that add up.

Fixture ``tests/fixtures/digest/`` (three documents, 16 sentences) plants three groups of
sentences that make the same point (near-copies are always "same point"):

1. harbour (across documents): exact copies in alpha and beta, a near-copy in gamma
   ("last winter" -> "last spring");
2. ferry (within alpha): a near-copy four sentences later ("in summer" -> "in the summer
   months", "to April" -> "until April");
3. beekeepers (across beta and gamma): an exact copy.

The other nine sentences are said once, on unrelated subjects: 12 points in all.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import load_corpus, load_params
from analysis import text as T
from analysis.precision import READ_BACK_REL_TOL
from analysis.findings.digest import (corpus_digest, digest_settings, related_neighbours,
                                      sentence_topics)
from analysis.findings.digest_text import digest_markdown

DIGEST = Path(__file__).parent / "fixtures" / "digest"
GROUPS = {
    "harbour": {"alpha:s0000", "beta:s0000", "gamma:s0000"},
    "ferry": {"alpha:s0002", "alpha:s0005"},
    "beekeepers": {"beta:s0004", "gamma:s0002"},
}
PLANTED = set().union(*GROUPS.values())


@pytest.fixture(scope="module")
def summary():
    from analysis.summary import summarise

    params = load_params(None)
    params["redundancy"] = {**params["redundancy"], "backend": "lexical"}
    return summarise(load_corpus(DIGEST), params)


def test_one_representative_per_planted_group_and_every_unrepeated_sentence(summary):
    d = summary.tables["digest.csv"]
    sentences = summary.corpus.sentences
    assert len(sentences) == 16
    for name, ids in GROUPS.items():
        rows = d[d["sentence_ids"].str.split(";").map(set) == ids]
        assert len(rows) == 1, name
        r = rows.iloc[0]
        assert r["representative_id"] in ids
        assert r["times_made"] == len(ids)
        assert r["places"].count("§") == len(ids)      # every place it is made is cited
        assert not r["members_disagree"]               # copies agree
    # the digest keeps no second member of a group ...
    assert sum(rid in PLANTED for rid in d["representative_id"]) == len(GROUPS)
    # ... and every unrepeated sentence, once, as its own point
    unrepeated = set(sentences["sentence_id"]) - PLANTED
    singles = d[d["times_made"] == 1]
    assert set(singles["representative_id"]) == unrepeated
    assert len(d) == len(GROUPS) + len(unrepeated) == 12
    assert d["point"].is_unique


def test_only_this_document_and_counts(summary):
    d = summary.tables["digest.csv"].set_index("representative_id")
    ferry = d[d.index.isin(GROUPS["ferry"])].iloc[0]
    assert ferry["only_in"] == "alpha" and ferry["n_docs"] == 1
    harbour = d[d.index.isin(GROUPS["harbour"])].iloc[0]
    assert harbour["only_in"] == "" and harbour["n_docs"] == 3
    docs = summary.tables["digest_documents.csv"].set_index("doc_id")
    # alpha: harbour (shared), ferry (own), 3 more own sentences -> 5 points, 4 its own
    assert docs.loc["alpha", "points"] == 5 and docs.loc["alpha", "only_points"] == 4
    assert docs.loc["beta", "points"] == 5 and docs.loc["beta", "only_points"] == 3
    ranks = d[d["only_in"] == "alpha"]["only_rank"].sort_values().tolist()
    assert ranks == [1, 2, 3, 4]


def test_word_counts_add_up(summary):
    s = summary.tables["digest_summary.csv"].iloc[0]
    d = summary.tables["digest.csv"]
    sentences = summary.corpus.sentences
    words = {sid: len(T.words(t)) for sid, t in zip(sentences["sentence_id"], sentences["text"])}
    assert s["words_before"] == sum(words.values())
    assert s["words_after"] == d["words"].sum() == sum(words[r] for r in d["representative_id"])
    dropped = sum(words[i] for ids in GROUPS.values() for i in ids) - sum(
        words[r] for r in d["representative_id"] if r in PLANTED)
    assert s["words_before"] - s["words_after"] == s["words_removed"] == dropped > 0
    by_topic = summary.tables["digest_topics.csv"]
    assert by_topic["words_before"].sum() == s["words_before"]
    assert by_topic["words_after"].sum() == s["words_after"]
    assert summary.findings["digest"]["digest.words"].values["after"] == s["words_after"]


def test_markdown_lists_each_point_once(summary):
    d = summary.tables["digest.csv"]
    md = digest_markdown(d, summary.tables["digest_summary.csv"], summary.findings["digest"])
    s = summary.tables["digest_summary.csv"].iloc[0]
    assert f"{int(s['words_before']):,} words → {int(s['words_after']):,} words" in md
    assert sum(line.startswith("- ") for line in md.splitlines()) >= len(d)
    assert md.count("made 3 times in 3 documents") == 1
    assert md.count("The ferry to the islands") == 1


# ---------------------------------------------------------------- pure functions on small tables

def _flags(points, docs, words=None):
    n = len(points)
    return pd.DataFrame({"sentence_id": [f"s{i}" for i in range(n)], "doc_id": docs, "point": points,
                         "point_size": pd.Series(points).map(pd.Series(points).value_counts()).to_numpy(),
                         "words": words or [10] * n, "restated": pd.Series(points).duplicated().to_numpy()})


def test_sentence_topics_follow_units_and_fall_back_to_the_document():
    sentences = pd.DataFrame({"sentence_id": ["a0", "a1", "a2", "b0"], "doc_id": ["a", "a", "a", "b"],
                              "start": [0, 50, 120, 0]})
    units = pd.DataFrame({"unit_id": ["u1", "u2", "v1"], "doc_id": ["a", "a", "b"],
                          "start": [0, 100, 0], "end": [99, 200, 80]})
    ut = pd.DataFrame({"unit_id": ["u1", "u1", "u2", "u2", "v1", "v1"], "topic": [1, 2, 1, 2, 1, 2],
                       "label": ["x", "y"] * 3, "share": [0.7, 0.3, 0.2, 0.8, np.nan, np.nan]})
    leading = pd.DataFrame({"doc_id": ["a", "b"], "topic": [1, 2], "label": ["x", "y"], "share": [0.5, 0.9]})
    got = sentence_topics(sentences, units, ut, leading)
    assert got["topic"].tolist() == [1, 1, 2, 2]   # b0's unit has no modelled term: b's leading topic
    none = sentence_topics(sentences, None, None, None)
    assert set(none["topic"]) == {0}


def test_related_neighbours_count_distinct_sentences_outside_the_point():
    f = _flags([0, 0, 1, 2], ["a", "b", "a", "b"])
    pairs = pd.DataFrame({"a_id": ["s0", "s1", "s0", "s2"], "b_id": ["s2", "s2", "s1", "s3"],
                          "tier": ["related", "related", "related", "related"]})
    got = related_neighbours(f, pairs).set_index("point")
    assert got.loc[0, "related_neighbours"] == 1     # s2 (s1 is in the same point)
    assert got.loc[1, "related_neighbours"] == 3     # s0, s1, s3
    assert got.loc[1, "related_docs"] == 2
    assert got.loc[2, "related_neighbours"] == 1


def test_loose_groups_are_flagged_not_merged_silently():
    f = _flags([0, 0, 1], ["a", "b", "a"]).assign(unique_to_doc=[False, False, True])
    sentences = pd.DataFrame({"sentence_id": f["sentence_id"], "section": 0, "heading": "h"})
    topics = pd.DataFrame({"sentence_id": f["sentence_id"], "topic": 1, "topic_label": "x"})
    clusters = pd.DataFrame({"sentence_id": ["s0", "s1"], "representative": [True, False],
                             "representative_id": ["s0", "s0"], "cohesion": [0.5, 0.5],
                             "min_similarity": [0.5, 0.5]})
    V = np.eye(3)
    pairs = pd.DataFrame(columns=["a_id", "b_id", "tier"])
    d = corpus_digest(f.assign(text=["x y", "x z", "w"]), clusters, sentences, topics, pairs, V,
                      settings=digest_settings(None, "semantic"))
    assert d["members_disagree"].tolist() == [True, False]
    tight = clusters.assign(cohesion=0.95, min_similarity=0.95)
    d = corpus_digest(f.assign(text=["x y", "x z", "w"]), tight, sentences, topics, pairs, V,
                      settings=digest_settings(None, "semantic"))
    assert not d["members_disagree"].any()


def test_settings_resolve_per_backend():
    s = digest_settings({"digest": {"min_cohesion": {"semantic": 0.9, "lexical": 0.2}}}, "lexical")
    assert s["min_cohesion"] == 0.2 and isinstance(s["min_member_similarity"], float)
    assert digest_settings(None)["min_cohesion"] == 0.80


@pytest.mark.slow
def test_cli_digest_numbers_equal_their_csvs(tmp_path):
    """Every number in the summary's findings (and the digest's) equals the value in its CSV."""
    import yaml

    from analysis.cli import main

    params = load_params(None)
    params["redundancy"] = {**params["redundancy"], "backend": "lexical"}
    pfile = tmp_path / "params.yaml"
    pfile.write_text(yaml.safe_dump(params))
    out = tmp_path / "out"
    assert main(["all", str(DIGEST), "--out", str(out), "--params", str(pfile)]) == 0
    assert (out / "digest.md").read_text().startswith("# Corpus digest")
    for name in ("digest_findings.csv", "summary_findings.csv"):
        checked = check_all_values(out, name)
        assert checked >= 5, name
    keys = pd.read_csv(out / "summary_findings.csv")["key"].tolist()
    assert "redundancy.precision" in keys and "digest.words" in keys


def check_all_values(folder: Path, findings_file: str) -> int:
    """Every value named in a finding's ``value_columns`` equals its evidence row; returns the count."""
    findings = pd.read_csv(folder / findings_file, keep_default_na=False)
    checked = 0
    for f in findings.itertuples():
        values, columns = json.loads(f.values), json.loads(f.value_columns)
        if not f.evidence_file:
            continue
        table = pd.read_csv(folder / f.evidence_file, keep_default_na=False)
        rows = json.loads(f.evidence_rows)
        if rows:
            table = table[table[f.evidence_column].astype(str).isin([str(r) for r in rows])]
        assert len(table), (f.key, f.evidence_file, rows)
        for name, col in columns.items():
            got, want = table[col].iloc[0], values[name]
            if isinstance(want, float) or (isinstance(want, int) and not isinstance(want, bool)):
                assert float(got) == pytest.approx(want, rel=READ_BACK_REL_TOL), (f.key, name)
            else:
                assert str(got) == str(want), (f.key, name)
            checked += 1
    return checked


def test_what_the_corpus_argues_states_the_measured_restatement(summary):
    from analysis.findings.core import first_items
    from analysis.summary import what_the_corpus_argues

    text = what_the_corpus_argues(summary)
    # 16 sentences make 12 points: 4 sentences (25%) restate one, too many to call "seldom".
    assert "25% of their sentences restate a point already made" in text and "seldom" not in text
    assert "themes rather than claims" not in text and "not because they repeat" not in text
    assert "made 3 times" not in text and "(3 times, " in text  # the harbour point, with its places
    assert first_items("A; B; C; D; E", 3, noun="more documents") == "A; B; C and 2 more documents"
    assert first_items("A; B", 3) == "A; B"
