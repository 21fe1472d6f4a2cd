"""Cross-analysis: redundancy by theme and topic, novel material, shared themes (hand-counted)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis.findings.cross import (cross_findings, cross_settings, restated_by,  # noqa: E402
                                     sentence_themes, theme_novelty, theme_sharing)
from analysis.findings.topics import finding_values_in_csv  # noqa: E402

# Six sentences in two documents. Points: s0 = s3 (cross), s1 = s2 (within a); s4, s5 alone.
FLAGS = pd.DataFrame({
    "sentence_id": ["s0", "s1", "s2", "s3", "s4", "s5"], "doc_id": ["a", "a", "a", "b", "b", "b"],
    "point": [0, 1, 1, 0, 2, 3], "restated": [False, False, True, True, False, False],
    "restated_within": [False, False, True, False, False, False],
    "restated_cross": [False, False, False, True, False, False],
    "related": [True, False, False, False, True, True], "novel": [True, True, False, False, True, True],
    "unique_to_doc": [False, True, True, False, True, True], "words": [10, 20, 20, 10, 30, 40]})
SENTENCES = pd.DataFrame({"sentence_id": FLAGS["sentence_id"], "doc_id": FLAGS["doc_id"],
                          "start": [0, 50, 100, 0, 50, 100], "end": [49, 99, 149, 49, 99, 149]})
# theme "x" in s0, s2 (twice), s3; theme "y" in s4, s5 and s1
MATCHES = pd.DataFrame({"doc_id": ["a", "a", "a", "b", "b", "b", "a"], "theme": ["x", "x", "x", "x", "y", "y", "y"],
                        "start": [5, 101, 120, 3, 60, 110, 55]})


def test_sentence_themes_map_matches_by_offset():
    st = sentence_themes(SENTENCES, MATCHES)
    got = {(r.sentence_id, r.theme): r.matches for r in st.itertuples()}
    assert got == {("s0", "x"): 1, ("s2", "x"): 2, ("s3", "x"): 1, ("s4", "y"): 1, ("s5", "y"): 1,
                   ("s1", "y"): 1}


def test_restated_by_theme_is_hand_counted():
    st = sentence_themes(SENTENCES, MATCHES)
    r = restated_by(FLAGS, st, "theme").set_index("theme")
    # x: s0, s2, s3 -> s2 and s3 restated (2/3), s0 related (1/3)
    assert r.loc["x", "sentences"] == 3 and r.loc["x", "restated"] == 2
    assert r.loc["x", "restated_within"] == 1 and r.loc["x", "restated_cross"] == 1
    assert r.loc["x", "restated_share"] == pytest.approx(2 / 3)
    assert r.loc["x", "related_share"] == pytest.approx(1 / 3)
    # y: s1, s4, s5 -> none restated, s4 and s5 related
    assert r.loc["y", "restated"] == 0 and r.loc["y", "related_share"] == pytest.approx(2 / 3)
    assert list(r.index) == ["x", "y"]   # most restated first


def test_novel_material_counts_only_first_statements_no_other_document_makes():
    st = sentence_themes(SENTENCES, MATCHES)
    n = theme_novelty(FLAGS, st, {"a": "A: Alpha", "b": "B: Beta"}).set_index("row_id")
    # x in a: s0 (shared with b: not novel), s2 (restated) -> 0; x in b: s3 restated -> 0
    assert n.loc["x/a", "novel_points"] == 0 and n.loc["x/b", "novel_words"] == 0
    assert not n.loc[["x/a", "x/b"], "top"].any()   # nobody brings new material on x
    # y in a: s1 (20 words); y in b: s4 + s5 (70 words) -> b is top with 70/90
    assert n.loc["y/b", "novel_words"] == 70 and n.loc["y/b", "top"]
    assert n.loc["y/b", "share_of_theme"] == pytest.approx(70 / 90)
    assert n.loc["y/b", "doc_label"] == "B: Beta"


def test_theme_sharing_spread():
    # themes not in alphabetical order, so a positional mix-up would show
    counts = pd.DataFrame({"doc_id": ["a", "b", "c"] * 3, "theme": ["z"] * 3 + ["q"] * 3 + ["r"] * 3,
                           "count": [5, 4, 3, 10, 1, 0, 2, 2, 0], "baseline": False})
    sh = theme_sharing(counts, min_matches=2, own_share=0.6).set_index("theme")
    assert sh.loc["z", "spread"] == "every document" and sh.loc["z", "documents"] == 3
    assert sh.loc["z", "top_share"] == pytest.approx(5 / 12)
    assert sh.loc["q", "spread"] == "one document's own" and sh.loc["q", "top_doc"] == "a"
    assert sh.loc["q", "top_share"] == pytest.approx(10 / 11)
    assert sh.loc["r", "spread"] == "several"


def test_cross_findings_equal_their_rows():
    st = sentence_themes(SENTENCES, MATCHES)
    tables = {"theme_redundancy.csv": restated_by(FLAGS, st.assign(group="theme"), "theme"),
              "topic_redundancy.csv": restated_by(FLAGS, FLAGS[["sentence_id"]].assign(topic=1, label="t"), "topic"),
              "theme_novelty.csv": theme_novelty(FLAGS, st),
              "theme_sharing.csv": theme_sharing(pd.DataFrame({
                  "doc_id": ["a", "b"] * 2, "theme": ["x", "x", "y", "y"], "count": [3, 1, 2, 2],
                  "baseline": False}))}
    settings = {**cross_settings(None), "min_sentences": 1}
    found = cross_findings(*tables.values(), settings)
    assert found["cross.restated_theme.1"].values["theme"] == "x"
    assert found["cross.revisited_theme"].values["theme"] == "y"
    assert found["cross.novel_source.y"].values["words"] == 70
    assert found["cross.shared_by_all"].values["n"] == 1
    for f in found:
        assert finding_values_in_csv(f, tables[f.evidence.file]) == [], f.key


def test_figures_draw_with_titles_and_labels():
    from analysis.plots.cross import plot_restated_by, plot_theme_novelty, plot_theme_sharing

    st = sentence_themes(SENTENCES, MATCHES)
    for ax in (plot_restated_by(restated_by(FLAGS, st, "theme")),
               plot_theme_novelty(theme_novelty(FLAGS, st, {"a": "A", "b": "B"})),
               plot_theme_sharing(theme_sharing(pd.DataFrame({
                   "doc_id": ["a", "b"], "theme": ["x", "x"], "count": [3, 1], "baseline": False})))):
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
