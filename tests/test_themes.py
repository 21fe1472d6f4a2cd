"""Theme matching, counts, evidence, keyness, dispersion and co-occurrence.

Fixture counts below were made by hand from tests/fixtures/themes/corpus and
tests/fixtures/themes/themes.yaml.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from analysis import InputError, load_corpus
from analysis.config import DEFAULT_THEMES_FILE, PROJECT_ROOT
from analysis.corpus import Corpus, parse_document
from analysis.keyness import (cooccurrence, g2_threshold, gries_dp, keyness, keyness_table,
                              log_likelihood, log_ratio, top_keyness)
from analysis.themes import (analyse_themes, cap_context, compile_term, find_matches,
                             load_dropped,
                             load_themes, match_text, parse_themes, theme_counts, theme_settings)

FIX = Path(__file__).parent / "fixtures" / "themes"


def themes_of(mapping):
    return parse_themes({"themes": mapping})


def found(text, mapping, name=None):
    theme = themes_of(mapping)[0] if name is None else {t.name: t for t in themes_of(mapping)}[name]
    return [text[s:e] for s, e, _ in match_text(text, theme)]


@pytest.fixture(scope="module")
def fixture_result():
    corpus = load_corpus(FIX / "corpus")
    return corpus, analyse_themes(corpus, None, FIX / "themes.yaml")


@pytest.fixture(scope="module")
def real_result():
    corpus = load_corpus(PROJECT_ROOT / "corpus")
    return corpus, analyse_themes(corpus, None)


# --------------------------------------------------------------------------- matching rules

def test_case_insensitive():
    assert found("Gender, GENDER and gender.", {"g": ["gender"]}) == ["Gender", "GENDER", "gender"]
    assert found("the un and the UN", {"o": ["UN"]}) == ["un", "UN"]


def test_word_boundaries_hyphen_is_a_boundary():
    # "warfare" is a different word; the "war" of "post-war" is a word.
    assert found("war, warfare, post-war, prewar", {"w": ["war"]}) == ["war", "war"]


def test_trailing_wildcard():
    text = "train, trained, training, Trainers; restrain and strain."
    assert found(text, {"t": ["train*"]}) == ["train", "trained", "training", "Trainers"]


def test_wildcard_stops_at_hyphen_and_apostrophe():
    assert found("train-the-trainer", {"t": ["train*"]}) == ["train", "trainer"]


def test_multi_word_across_hyphen_space_runs_and_line_breaks():
    text = "capacity building, capacity-building, capacity  building, capacity\nbuilding, " \
           "capacity - building, capacity of building, capacitybuilding"
    got = found(text, {"c": ["capacity building"]})
    assert got == ["capacity building", "capacity-building", "capacity  building",
                   "capacity\nbuilding", "capacity - building"]
    # A term written with a hyphen behaves the same.
    assert found(text, {"c": ["capacity-building"]}) == got


def test_multi_word_with_wildcard_on_each_word():
    assert found("former combatants and ex-combatant", {"d": ["ex-combatant*", "former combatant*"]}) \
        == ["former combatants", "ex-combatant"]


def test_apostrophes_match_straight_or_curly():
    assert found("the state’s forces and the state's forces", {"s": ["state's forces"]}) == \
        ["state’s forces", "state's forces"]


def test_overlap_longest_wins_within_a_theme():
    text = "Security sector reform, security and the sector."
    theme = themes_of({"ssr": ["security", "security sector reform", "sector"]})[0]
    got = match_text(text, theme)
    assert [(text[s:e], term) for s, e, term in got] == [
        ("Security sector reform", "security sector reform"),
        ("security", "security"), ("sector", "sector")]


def test_overlap_wildcard_vs_phrase():
    # "peace*" matches "peacekeeping"; the longer "peacekeeping missions" wins the overlap.
    text = "peacekeeping missions and peace"
    assert found(text, {"p": ["peace*", "peacekeeping missions"]}) == ["peacekeeping missions", "peace"]


def test_themes_are_counted_independently():
    text = "Security sector reform matters."
    mapping = {"ssr": ["security sector reform"], "reform": ["reform"], "security": ["security"]}
    assert found(text, mapping, "ssr") == ["Security sector reform"]
    assert found(text, mapping, "reform") == ["reform"]
    assert found(text, mapping, "security") == ["Security"]


def test_regex_characters_are_not_interpreted():
    with pytest.raises(InputError, match="train.s"):
        compile_term("train.s", "t")


# --------------------------------------------------------------------------- dictionary errors

@pytest.mark.parametrize("file, words", [
    ("bad_yaml.yaml", ["bad_yaml.yaml", "not valid YAML"]),
    ("empty_theme.yaml", ["'gender'", "no terms"]),
    ("bad_pattern.yaml", ["'training'", "'*train'", "not a valid pattern"]),
    ("no_themes_key.yaml", ["'themes:'"]),
])
def test_dictionary_file_errors_name_theme_and_term(file, words):
    with pytest.raises(InputError) as err:
        load_themes(FIX / file)
    for w in words:
        assert w in str(err.value)


@pytest.mark.parametrize("mapping, words", [
    ({"a": [None]}, ["'a'", "None", "not text"]),
    ({"a": [""]}, ["'a'", "empty term"]),
    ({"a": ["x", "X"]}, ["'a'", "'X'", "twice"]),
    ({"a": ["tr*in"]}, ["'a'", "'tr*in'"]),
    ({"a": ["train**"]}, ["'a'", "'train**'"]),
    ({"a": {"k": "v"}}, ["'a'", "list"]),
    ({}, ["empty"]),
])
def test_parse_errors(mapping, words):
    with pytest.raises(InputError) as err:
        parse_themes({"themes": mapping}, "dict.yaml")
    for w in words:
        assert w in str(err.value)


def test_missing_file():
    with pytest.raises(InputError, match="does not exist"):
        load_themes(FIX / "nope.yaml")


def test_single_string_is_a_one_term_theme():
    assert themes_of({"a": "women"})[0].terms == ("women",)


def test_bad_settings_section():
    with pytest.raises(InputError):
        theme_settings({"themes": "oops"})
    assert theme_settings({})["kwic_chars"] == 60


# --------------------------------------------------------------------------- counts and evidence

def test_fixture_counts_by_hand(fixture_result):
    corpus, r = fixture_result
    c = r["counts"].set_index(["doc_id", "theme"])
    # alpha: "Gender", "GENDER", "Women"; heading "Training and Capacity" is not body text.
    assert c.loc[("alpha", "gender"), "count"] == 3
    # training, trainers, trained, "capacity\nbuilding", "capacity-building"
    assert c.loc[("alpha", "training and capacity building"), "count"] == 5
    assert c.loc[("alpha", "war"), "count"] == 1          # post-war, not warfare
    assert c.loc[("beta", "security sector reform"), "count"] == 3
    assert c.loc[("beta", "reform"), "count"] == 2
    assert c.loc[("beta", "funding"), "count"] == 4       # 3 x funding + "state’s oversight"
    assert c.xs("gamma")["count"].sum() == 0
    # 26 body words in alpha: 3 / 26 * 1000
    assert c.loc[("alpha", "gender"), "words"] == 26
    assert c.loc[("alpha", "gender"), "per_1k_words"] == pytest.approx(3000 / 26)
    assert c.loc[("alpha", "gender"), "paragraph_share"] == 1.0
    assert c.loc[("alpha", "war"), "paragraph_share"] == 0.5


def test_words_match_document_stats(fixture_result, real_result):
    from analysis.stats import document_stats

    for corpus, r in (fixture_result, real_result):
        words = r["counts"].drop_duplicates("doc_id").set_index("doc_id")["words"]
        stats = document_stats(corpus).set_index("doc_id")["words"]
        assert words.to_dict() == stats.to_dict()


def test_section_counts(fixture_result):
    _, r = fixture_result
    s = r["sections"]
    f = s[(s.doc_id == "beta") & (s.theme == "funding")].set_index("section")["count"]
    assert f.to_dict() == {0: 1, 1: 3}
    assert s.groupby(["doc_id", "theme"])["count"].sum().to_dict() == \
        r["counts"].set_index(["doc_id", "theme"])["count"].to_dict()


def test_evidence_rows_are_exact(fixture_result):
    corpus, r = fixture_result
    m = r["matches"]
    for row in m.itertuples():
        assert corpus.doc(row.doc_id).text[row.start:row.end] == row.text
        assert 0 <= row.position <= 1
    kw = m[m.text == "capacity\nbuilding"].iloc[0]
    assert kw.left.endswith("the police in") and kw.right.startswith("and capacity-building")


def test_kwic_width():
    corpus = Corpus([parse_document("d", "aaaa bbbb women cccc dddd.")])
    m = find_matches(corpus, themes_of({"g": ["women"]}), kwic_chars=5)
    assert (m.left[0], m.right[0]) == ("bbbb", "cccc")


def test_cap_context_keeps_context_on_the_first_matches_of_each_document_and_theme():
    text = "Women and men. Women again. Women, women. Funding here."
    corpus = Corpus([parse_document("a", text), parse_document("b", "Women once. Funding twice, funding.")])
    m = find_matches(corpus, themes_of({"g": ["women"], "f": ["funding"]}), kwic_chars=8)
    capped = cap_context(m, 2)
    has_context = (capped.left != "") | (capped.right != "")
    # doc a: 4 "women" (2 keep context), 1 "funding"; doc b: 1 "women", 2 "funding".
    assert has_context.groupby([capped.doc_id, capped.theme]).sum().to_dict() == {
        ("a", "f"): 1, ("a", "g"): 2, ("b", "f"): 2, ("b", "g"): 1}
    late = capped[~has_context]
    assert list(late.start) == [text.index("Women,"), text.index("women.")]
    assert (late.heading == "").all()
    # every row, capped or not, is still checkable against its document
    assert capped.drop(columns=["left", "right", "heading"]).equals(
        m.drop(columns=["left", "right", "heading"]))
    assert cap_context(m, None) is m


def test_real_corpus_counts_equal_evidence_rows(real_result):
    corpus, r = real_result
    m, c = r["matches"], r["counts"]
    assert len(r["themes"]) >= 12
    assert c["count"].sum() == len(m) > 0
    per = m.groupby(["doc_id", "theme"]).size()
    for row in c.itertuples():
        assert per.get((row.doc_id, row.theme), 0) == row.count
    for row in m.itertuples():
        assert corpus.doc(row.doc_id).text[row.start:row.end] == row.text
    # No two rows of one theme overlap.
    for _, g in m.groupby(["doc_id", "theme"]):
        g = g.sort_values("start")
        assert (g.start.to_numpy()[1:] >= g.end.to_numpy()[:-1]).all()
    # Every theme of the default dictionary is found somewhere.
    assert set(m.theme) == {t.name for t in r["themes"]}


def test_default_dictionary_lists_dropped_terms():
    dropped = load_dropped(DEFAULT_THEMES_FILE)
    assert "aid" in dropped and "fund*" in dropped
    assert load_dropped(FIX / "bad_yaml.yaml") == {}


def test_baseline_subjects_parse_first_and_flagged():
    themes = parse_themes({"baseline": {"peace": ["peacekeep*"]}, "themes": {"g": ["gender"]}})
    assert [(t.name, t.baseline) for t in themes] == [("peace", True), ("g", False)]
    with pytest.raises(InputError, match="'g' is listed twice"):
        parse_themes({"baseline": {"g": ["x"]}, "themes": {"g": ["gender"]}})
    with pytest.raises(InputError, match="'baseline:' must be a mapping"):
        parse_themes({"baseline": ["x"], "themes": {"g": ["gender"]}})


def test_default_dictionary_baseline_subjects(real_result):
    _, r = real_result
    base = r["summary"][r["summary"].group == "baseline"].set_index("theme")
    assert list(base.index) == ["peacekeeping", "security sector reform"]
    # Body text only (headings excluded): 290 of the 324 "peacekeep*" in the files, and
    # 113 of the 133 "security sector reform*" + "SSR".
    assert base.matches.to_dict() == {"peacekeeping": 290, "security sector reform": 113}


# --------------------------------------------------------------------------- keyness

def test_log_likelihood_worked_examples():
    # a=20 in c=1000 vs b=10 in d=1000:
    #   E1 = E2 = 1000 * 30 / 2000 = 15
    #   G2 = 2 (20 ln(20/15) + 10 ln(10/15)) = 2 (5.75364 - 4.05465) = 3.39798
    #   log ratio = log2((20/1000) / (10/1000)) = 1
    assert log_likelihood(20, 10, 1000, 1000) == pytest.approx(3.39798, abs=1e-5)
    assert log_ratio(20, 10, 1000, 1000) == pytest.approx(1.0)
    # a=40, b=10, c=d=1000: E = 25; G2 = 2 (40 ln 1.6 + 10 ln 0.4)
    #   = 2 (18.80014 - 9.16291) = 19.27448; log ratio = log2(4) = 2
    assert log_likelihood(40, 10, 1000, 1000) == pytest.approx(19.27448, abs=1e-5)
    assert log_ratio(40, 10, 1000, 1000) == pytest.approx(2.0)
    # a=5, b=0: E1 = 2.5, the b term is 0 ln 0 = 0: G2 = 2 * 5 ln 2 = 6.93147;
    #   log ratio with b -> 0.5: log2((5/1000) / (0.5/1000)) = log2(10) = 3.32193
    assert log_likelihood(5, 0, 1000, 1000) == pytest.approx(6.93147, abs=1e-5)
    assert log_ratio(5, 0, 1000, 1000) == pytest.approx(3.32193, abs=1e-5)
    # Equal rates give G2 = 0.
    assert log_likelihood(10, 20, 1000, 2000) == pytest.approx(0.0)
    # Critical value for p < 0.01 with 1 d.f.
    assert g2_threshold(0.01) == pytest.approx(6.635, abs=1e-3)


def test_keyness_table_flags_and_order():
    freqs = pd.DataFrame({"x": [20, 40, 5], "y": [10, 10, 0]}, index=["a", "b", "c"])
    t = keyness_table(freqs, pd.Series({"x": 1000, "y": 1000}), "word", alpha=0.01)
    tx = t[t.doc_id == "x"].set_index("item")
    assert list(tx.index) == ["b", "c", "a"]               # by G2: 19.27, 6.93, 3.40
    assert tx.significant.to_dict() == {"b": True, "c": True, "a": False}
    assert (tx.direction == "over").all()
    ty = t[t.doc_id == "y"].set_index("item")
    assert ty.loc["b", "g2"] == pytest.approx(19.27448, abs=1e-5)
    assert ty.loc["b", "log_ratio"] == pytest.approx(-2.0)
    assert (ty.direction == "under").all()


def test_keyness_on_fixture_by_hand(fixture_result):
    # gender: a=3 in alpha (26 words), b=0 in beta+gamma (22 + 21 = 43 words).
    #   E1 = 26 * 3 / 69 = 1.130435; G2 = 2 * 3 ln(3 / 1.130435) = 5.85606 (< 6.63: not
    #   significant at 0.01); log ratio = log2((3/26) / (0.5/43)) = 3.31079
    _, r = fixture_result
    k = r["keyness"]
    row = k[(k.kind == "theme") & (k.doc_id == "alpha") & (k.item == "gender")].iloc[0]
    assert (row["count"], row.count_rest, row["size"], row.size_rest) == (3, 0, 26, 43)
    assert row.g2 == pytest.approx(5.85606, abs=1e-5)
    assert row.log_ratio == pytest.approx(3.31079, abs=1e-5)
    assert not row.significant


def test_word_keyness_excludes_stop_words_and_finds_planted_word():
    docs = [parse_document("a", "Drones drones drones drones drones drones drones drones the end."),
            parse_document("b", "Patrols patrols patrols patrols patrols patrols patrols patrols the end.")]
    corpus = Corpus(docs)
    counts = theme_counts(corpus, [], find_matches(corpus, []))
    counts = pd.DataFrame({"doc_id": ["a", "b"], "theme": ["t", "t"], "count": [0, 0],
                           "words": [10, 10]}) if counts.empty else counts
    k = keyness(corpus, counts, alpha=0.01, min_word_freq=2)
    words = k[k.kind == "word"]
    assert "the" not in set(words.item)
    top = top_keyness(k, "word", n=1)
    assert dict(zip(top.doc_id, top.item)) == {"a": "drones", "b": "patrols"}
    assert set(k[k.kind == "bigram"].item) <= {"drones drones", "patrols patrols"}


def test_one_document_corpus_gives_empty_keyness():
    corpus = Corpus([parse_document("only", "Gender and training. Women train.")])
    r = analyse_themes(corpus, None, FIX / "themes.yaml")
    assert r["keyness"].empty and "g2" in r["keyness"].columns
    assert r["counts"]["count"].sum() == len(r["matches"]) == 4


# --------------------------------------------------------------------------- dispersion, co-occurrence

def test_gries_dp_by_hand():
    # all in the first of two equal parts: 0.5 (|1 - .5| + |0 - .5|) = 0.5
    assert gries_dp([4, 0], [100, 100]) == pytest.approx(0.5)
    assert gries_dp([1, 3], [25, 75]) == pytest.approx(0.0)
    assert math.isnan(gries_dp([0, 0], [1, 1]))


def test_dispersion_positions(fixture_result):
    _, r = fixture_result
    d = r["dispersion"].set_index(["doc_id", "theme"])
    row = d.loc[("beta", "funding")]
    assert row["count"] == 4 and row.sections_with == 2 and row.sections_total == 2
    # first "funding" is word 11 of 22 (0-based index 11): 11/22
    assert row["first"] == pytest.approx(11 / 22)
    assert 0 <= row["first"] <= row["mean"] <= row["last"] <= 1


def test_cooccurrence_by_hand():
    # N = 4 paragraphs; A and B both in p1 and p2, C in p3.
    paras = pd.DataFrame({"paragraph_id": ["p1", "p2", "p3", "p4"]})
    m = pd.DataFrame({"theme": ["A", "A", "B", "B", "C"],
                      "paragraph_id": ["p1", "p2", "p1", "p2", "p3"]})
    c = cooccurrence(m, paras, ["A", "B", "C"], alpha=0.2).set_index(["theme_a", "theme_b"])
    ab = c.loc[("A", "B")]
    # expected = 2 * 2 / 4 = 1; lift = 2; P(X >= 2) = C(2,2) C(2,0) / C(4,2) = 1/6
    assert (ab.together, ab.expected, ab.lift) == (2, 1.0, 2.0)
    assert ab.p_value == pytest.approx(1 / 6)
    assert ab.significant
    ac = c.loc[("A", "C")]
    assert ac.together == 0 and ac.p_value == pytest.approx(1.0) and not ac.significant


def test_real_corpus_keyness_and_cooccurrence_shapes(real_result):
    corpus, r = real_result
    k = r["keyness"]
    assert set(k.kind) == {"theme", "word", "bigram"}
    assert set(k.doc_id) == set(corpus.doc_ids)
    assert (k.g2 >= 0).all()
    assert (k.significant == (k.p_value < 0.01)).all()
    n = len([t for t in r["themes"] if not t.baseline])   # baseline subjects are not paired
    assert len(r["cooccurrence"]) == n * (n - 1) // 2


# --------------------------------------------------------------------------- report helpers and figures

def test_report_summaries(fixture_result):
    from analysis.keyness import keyness_summary
    from analysis.themes import kwic_sample

    _, r = fixture_result
    summ = r["summary"].set_index("theme")
    assert summ.loc["gender", "matches"] == 3 and summ.loc["gender", "documents"] == 1
    assert summ.loc["training and capacity building", "terms"] == "train*, capacity building"
    assert summ.loc["gender", "max_document"] == "A: Training and Capacity"
    # training (5) ranks first, funding (4) second, gender and security sector reform (3) next
    # in dictionary order.
    assert summ["rank"].dropna().astype(int).to_dict() == {
        "training and capacity building": 1, "funding": 2, "gender": 3,
        "security sector reform": 4, "reform": 5, "war": 6}
    prof = r["profile"].set_index("doc_id")
    # alpha: training, 5 in 26 words, is both the most frequent and (only theme significant at
    # 0.01, G² 9.76) the most distinctive; beta: funding, 4 of the corpus's 4 matches.
    assert prof.frequent_theme.fillna("none").to_dict() == {
        "alpha": "training and capacity building", "beta": "funding", "gamma": "none"}
    assert prof.loc["beta", "distinctive_theme"] == "funding"
    assert prof.loc["beta", "distinctive_only_here"] and pd.isna(prof.loc["beta", "distinctive_ratio"])
    pairs = r["profile"].dropna(subset=["frequent_theme"]).rename(columns={"frequent_theme": "theme"})
    sample = kwic_sample(r["matches"], pairs, n=2)
    assert len(sample) == 4
    # spread over the document: the first and the last funding match of beta
    fund = sample[sample.theme == "funding"]
    assert list(fund.start) == sorted(r["matches"].query("theme == 'funding'").start)[::3]
    ks = keyness_summary(r["keyness"], 3).set_index("doc_id")
    assert ks.loc["gamma", "themes"] == "–"
    # one multiplier: nobody else uses funding, so it reads "only here", not a ratio
    assert ks.loc["beta", "themes"].startswith("funding (only here)")


def test_kwic_table_escapes_and_highlights():
    from analysis.narrate import kwic_table

    frame = pd.DataFrame({"doc_id": ["d<1>"], "theme": ["t"], "left": ["a very long <b>left</b> side"],
                          "text": ["<i>x</i>"], "right": ["right & more words here"]})
    html = kwic_table(frame, caption="C & D", width=12).data
    assert "<mark><b>&lt;i&gt;x&lt;/i&gt;</b></mark>" in html
    assert "d&lt;1&gt;" in html and "C &amp; D" in html
    assert "<b>left</b>" not in html
    assert "…side" in html or "…" in html


def test_figures_draw(fixture_result):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from analysis.plots.themes import (plot_cooccurrence, plot_dispersion, plot_keyness,
                                       plot_theme_heatmap)

    _, r = fixture_result
    labels = {"alpha": "A: Alpha", "beta": "B: Beta", "gamma": "C: Gamma"}
    ax = plot_theme_heatmap(r["counts"], labels=labels,
                            highlight=[("alpha", "training and capacity building")])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["A: Alpha", "B: Beta", "C: Gamma"]
    assert len(ax.patches) == 1   # the one outlined cell
    ax = plot_dispersion(r["matches"], labels=labels)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["A: Alpha", "B: Beta"]
    for ax in (plot_theme_heatmap(r["counts"]), plot_dispersion(r["matches"]),
               plot_cooccurrence(r["cooccurrence"]),
               plot_keyness(r["keyness"][r["keyness"].kind == "theme"], "alpha")):
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    plt.close("all")


def test_benchmark_matching_real_corpus(benchmark):
    corpus = load_corpus(PROJECT_ROOT / "corpus")
    themes = load_themes()
    m = benchmark(find_matches, corpus, themes)
    assert len(m) > 0


def test_parallel_matching_gives_the_serial_frame(monkeypatch):
    """Two forked workers give exactly the matches of one pass, in the same order."""
    import analysis.themes as TH

    corpus = load_corpus(PROJECT_ROOT / "corpus")
    themes = load_themes()
    monkeypatch.setattr(TH, "BATCH_CHARS", 5_000)        # the five essays make many batches
    serial = find_matches(corpus, themes)
    monkeypatch.setattr(TH, "PARALLEL_MIN_CHARS", 0)
    parallel = find_matches(corpus, themes)
    assert len(serial) > 500
    pd.testing.assert_frame_equal(parallel, serial)
    assert TH._BATCH_INPUT == ()                           # the corpus is not kept alive
