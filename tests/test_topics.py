"""Topic modelling: planted topics, shares, determinism, coherence, stability, k-rule, cache."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from analysis.topics import cache as topic_cache
from analysis.topics import diagnostics as D
from analysis.topics import scan as S
from analysis.corpus import Corpus, parse_document
from analysis.topics import (TopicModel, Vocabulary, aggregate_shares, analyse_topics, auto_labels,
                             choose_unit, doc_similarity, dominant_topics, method_verdict,
                             synthetic_texts, time_fit, topic_settings, topic_units)

# Four exclusive word blocks, 8 invented words each, plus filler every paragraph shares.
BLOCKS = {
    "water": "river lake rain flood dam irrigation reservoir wetland".split(),
    "money": "budget loan bank credit tax revenue debt interest".split(),
    "school": "teacher pupil classroom exam curriculum lesson homework grade".split(),
    "health": "clinic nurse vaccine patient hospital surgery doctor medicine".split(),
}
FILLER = "report program region plan".split()


def planted_paragraphs(n_per_block: int = 15, seed: int = 0) -> tuple[list[str], list[str]]:
    rng = np.random.default_rng(seed)
    texts, truth = [], []
    for name, words in BLOCKS.items():
        for _ in range(n_per_block):
            body = list(rng.choice(words, size=10)) + list(rng.choice(FILLER, size=3))
            rng.shuffle(body)
            texts.append(" ".join(body).capitalize() + ".")
            truth.append(name)
    return texts, truth


def planted_corpus(n_docs: int = 4, seed: int = 0) -> Corpus:
    """n_docs documents; document i is mostly block i (mod 4), in three headed sections."""
    rng = np.random.default_rng(seed)
    names = list(BLOCKS)
    docs = []
    for i in range(n_docs):
        main, other = names[i % 4], names[(i + 1) % 4]
        lines = []
        for sec in range(3):
            lines.append(f"Section {sec + 1} heading")
            for p in range(4):
                block = other if (sec == 2 and p == 0) else main
                words = list(rng.choice(BLOCKS[block], size=12)) + list(rng.choice(FILLER, size=3))
                lines.append(" ".join(words).capitalize() + ".")
        docs.append(parse_document(f"doc{i}", "\n".join(lines)))
    return Corpus(docs=docs)


FAST = {"seed": 7, "topics": {"k_min": 2, "k_max": 5, "n_seeds": 5, "max_iter": 300, "top_n": 6,
                              "lda_max_iter": 20}}


# --------------------------------------------------------------------------- models

@pytest.mark.parametrize("method", ["nmf", "lda"])
def test_planted_topics_are_recovered(method):
    texts, truth = planted_paragraphs()
    model = TopicModel(n_topics=4, method=method, ngram_max=1, max_df=0.9,
                       random_state=1).fit(texts)
    found = set()
    for terms in model.top_terms(5):
        blocks = {name for name, words in BLOCKS.items() for t, _ in terms if t in words}
        assert len(blocks) == 1, terms  # each topic's top words come from one block
        found |= blocks
    assert found == set(BLOCKS)  # and every block is a topic
    # each paragraph's dominant topic is its planted block, up to relabelling
    dom = np.nanargmax(model.unit_topics_, axis=1)
    table = pd.crosstab(pd.Series(truth), pd.Series(dom))
    assert (table.max(axis=1) == 15).all()


def test_unit_shares_sum_to_one_and_prevalence_is_ordered():
    texts, _ = planted_paragraphs()
    model = TopicModel(n_topics=4, ngram_max=1, random_state=0).fit(texts)
    np.testing.assert_allclose(model.unit_topics_.sum(axis=1), 1.0)
    assert model.prevalence_.sum() == pytest.approx(1.0)
    assert list(model.prevalence_) == sorted(model.prevalence_, reverse=True)
    new = model.transform(["river lake rain flood", "zzz unknown words only"])
    assert new[0].sum() == pytest.approx(1.0)
    assert np.isnan(new[1]).all()  # no known term: no shares rather than made-up ones


def test_same_seed_same_output_and_other_seed_differs():
    texts, _ = planted_paragraphs()
    a = TopicModel(n_topics=4, random_state=3).fit(texts)
    b = TopicModel(n_topics=4, random_state=3).fit(texts)
    c = TopicModel(n_topics=4, random_state=4).fit(texts)
    np.testing.assert_array_equal(a.components_, b.components_)
    np.testing.assert_array_equal(a.unit_topics_, b.unit_topics_)
    assert not np.array_equal(a.components_, c.components_)


def test_too_little_text_raises_input_error():
    from analysis.errors import InputError

    with pytest.raises(InputError):
        TopicModel(n_topics=2).fit(["the and of", "it is"])


# --------------------------------------------------------------------------- vocabulary

def test_vocabulary_rules():
    texts = ["Missions in the field; local security forces.",
             "A mission report on local security.",
             "Security forces and the mission.",
             "Security budgets, widely criticised."] * 3
    v = Vocabulary(min_df=2, max_df=0.8, ngram_max=2, fold_plurals=True, stop_words=["widely"])
    X = v.fit_transform(texts)
    terms = set(v.terms_)
    # "security" is in 100% of units (> 80%): boilerplate; "mission" in 75% stays
    assert "security" not in terms and v.boilerplate_ == ["security"]
    assert "widely" not in terms  # extra stop word
    assert "mission" in terms and "missions" not in terms  # plural folded to the commoner form
    assert "local security" in terms and "security forces" in terms
    assert "field local" not in terms  # the ';' between them breaks the phrase
    assert "mission report" in terms
    # hand count: "mission" occurs once in each of the first three texts, four times over
    j = v.index_["mission"]
    assert X[:4, j].toarray().ravel().tolist() == [1, 1, 1, 0]
    assert sp.issparse(X)


def test_stop_word_breaks_bigrams():
    v = Vocabulary(min_df=1, max_df=1.0, ngram_max=2)
    v.fit_transform(["rule of law", "rule law"] * 5)
    assert "rule law" in v.terms_
    X = v.transform(["rule of law"])
    assert X[0, v.index_["rule law"]] == 0


def test_vocabulary_hand_counts_and_transform():
    v = Vocabulary(min_df=1, max_df=1.0, ngram_max=2, fold_plurals=True)
    X = v.fit_transform(["Peace talks. Peace talks peace", "talks talks, peace"])
    # unigrams and bigrams, counted by hand; "talks talks" is no bigram (a word with itself)
    # and the full stop and the comma break pairs; no pair runs from one text into the next
    want = {"peace": [3, 1], "talks": [2, 2], "peace talks": [2, 0], "talks peace": [1, 0]}
    assert sorted(v.terms_) == sorted(want) and list(v.terms_) == sorted(v.terms_)
    for term, counts in want.items():
        assert X[:, v.index_[term]].toarray().ravel().tolist() == counts
    # An unseen word between two known ones is no part of any term: it breaks the pair.
    Y = v.transform(["peace ceasefire talks", "Peace-talks PEACE talks", ""])
    assert Y.shape == (3, 4) and Y[2].nnz == 0
    assert Y[0, v.index_["peace talks"]] == 0 and Y[0, v.index_["peace"]] == 1
    assert Y[1, v.index_["peace talks"]] == 1 and Y[1, v.index_["peace"]] == 1


def test_vocabulary_counts_the_same_in_small_blocks(monkeypatch):
    """Texts are tokenised in blocks of about _BLOCK_TOKENS tokens; the block size changes nothing."""
    from analysis.topics import vocab as vocab_module

    texts, _ = planted_paragraphs()
    whole = Vocabulary(min_df=2, max_df=0.9).fit_transform(texts)
    monkeypatch.setattr(vocab_module, "_BLOCK_TOKENS", 7)
    v = Vocabulary(min_df=2, max_df=0.9)
    blocks = v.fit_transform(texts)
    assert whole.shape == blocks.shape and (whole != blocks).nnz == 0
    assert (v.transform(texts) != blocks).nnz == 0


def test_vocabulary_of_no_usable_words_is_empty():
    v = Vocabulary(min_df=1, max_df=1.0)
    X = v.fit_transform(["the and of", "it is"])
    assert X.shape == (2, 0) and len(v.terms_) == 0
    assert v.transform(["the peace"]).shape == (1, 0)


# --------------------------------------------------------------------------- diagnostics

def test_npmi_hand_values():
    # 4 units; a and b always together, c only without them, d in half of everything
    #            a  b  c  d
    M = np.array([[1, 1, 0, 1],
                  [1, 1, 0, 0],
                  [0, 0, 1, 1],
                  [0, 0, 1, 0]])
    R = sp.csr_matrix(M)
    assert D.npmi_coherence(R, [[0, 1]])[0] == pytest.approx(1.0)
    assert D.npmi_coherence(R, [[0, 2]])[0] == pytest.approx(-1.0)
    assert D.npmi_coherence(R, [[0, 3]])[0] == pytest.approx(0.0)  # p(a,d)=1/4 = p(a)p(d)


def test_planted_topic_is_more_coherent_than_random_words():
    texts, _ = planted_paragraphs()
    v = Vocabulary(min_df=1, max_df=1.0, ngram_max=1)
    R = v.fit_transform(texts)
    planted = [v.index_[w] for w in BLOCKS["water"]]
    rng = np.random.default_rng(0)
    all_words = [w for ws in BLOCKS.values() for w in ws]
    random_set = [v.index_[w] for w in rng.choice(all_words, size=8, replace=False)]
    coh = D.npmi_coherence(R, [planted, random_set])
    assert coh[0] > 0.2 and coh[0] > coh[1] + 0.3


def test_exclusivity_and_diversity():
    P = np.array([[0.5, 0.5, 0.0], [0.0, 0.5, 0.5]])
    assert D.exclusivity(P, [[0], [2]]).tolist() == [1.0, 1.0]
    assert D.exclusivity(P, [[1], [1]]).tolist() == [0.5, 0.5]
    assert D.diversity([[0, 1], [1, 2]]) == 0.75


def test_hungarian_matching_recovers_a_permutation():
    rng = np.random.default_rng(0)
    A = rng.random((5, 30))
    perm = np.array([3, 0, 4, 1, 2])
    partner, sims = D.match_topics(A, A[perm])
    assert (perm[partner] == np.arange(5)).all()
    np.testing.assert_allclose(sims, 1.0)
    per, overall = D.topic_stability([A, A[perm], A[perm[::-1]]])
    assert overall == pytest.approx(1.0)
    per, overall = D.topic_stability([A, rng.random((5, 30))])
    assert overall < 0.95


def test_choose_k_rule():
    scan = pd.DataFrame({"k": [2, 3, 4, 5, 6], "coherence": [0.30, 0.28, 0.26, 0.20, 0.35],
                         "diversity": [1.0, 0.9, 0.9, 0.9, 0.9],
                         "stability": [1.0, 0.95, 0.9, 0.9, 0.6],
                         "stability_min": [1.0, 0.9, 0.8, 0.8, 0.3]})
    # k=6 is most coherent but unstable; k=5 is stable but 0.10 less coherent than k=2;
    # k=4 is the largest stable k within 0.05 of the best coherence
    k, why = S.choose_k(scan, min_stability=0.7, coherence_tolerance=0.05)
    assert k == 4 and "largest k" in why
    k, _ = S.choose_k(scan, min_stability=0.7, coherence_tolerance=0.2)
    assert k == 5
    k, _ = S.choose_k(scan, min_stability=0.7, min_diversity=0.95)
    assert k == 2
    k, why = S.choose_k(scan.assign(stability_min=0.1), min_stability=0.5)
    assert k == 2 and "no k" in why  # nothing qualifies: the most stable k


def test_k_scan_columns_and_range_clipping():
    texts, _ = planted_paragraphs(5)
    s = topic_settings({"seed": 1, "topics": {"k_min": 2, "k_max": 50, "n_seeds": 2,
                                              "max_iter": 100}})
    scan = S.k_scan(texts, s)
    assert scan.k.min() == 2 and scan.k.max() == len(texts) - 1 or scan.k.max() <= 50
    assert {"coherence", "diversity", "exclusivity", "stability", "stability_min"} <= set(scan)
    assert scan.stability.between(0, 1 + 1e-9).all()


# --------------------------------------------------------------------------- the pipeline

def test_units_and_auto_choice(corpus5):
    assert choose_unit(5)[0] == "paragraph"
    assert choose_unit(60)[0] == "document"
    assert choose_unit(5, "section")[0] == "section"
    paras = topic_units(corpus5, "paragraph")
    # list leads absorb their bullets: fewer units than parser paragraphs, same text
    assert len(paras) == (corpus5.paragraphs.kind != "bullet").sum()
    assert len(topic_units(corpus5, "section")) == len(corpus5.sections[corpus5.sections.paragraphs > 0])
    assert topic_units(corpus5, "document").doc_id.tolist() == corpus5.doc_ids
    row = paras.iloc[0]
    assert corpus5.doc(row.doc_id).text[row.start:row.end].startswith(row.text.split("\n")[0])


@pytest.mark.parametrize("unit", ["paragraph", "section", "document"])
def test_one_tokenising_of_the_paragraphs_serves_every_unit(corpus5, mini, unit):
    # fit_tokens on regrouped paragraph tokens == fit_transform on the units' joined texts,
    # and count_tokens == transform for the other kinds of unit
    from analysis.topics.units import unit_of_paragraph
    from analysis.topics.vocab import regroup
    for corpus in (corpus5, mini):
        texts = topic_units(corpus, unit)["text"].tolist()
        ref = Vocabulary(min_df=1)
        want = ref.fit_transform(texts)
        shared = Vocabulary(min_df=1)
        tokens = shared.tokens(corpus.paragraphs["text"].tolist())
        got = shared.fit_tokens(*regroup(tokens, unit_of_paragraph(corpus, unit)), len(texts))
        assert list(shared.terms_) == list(ref.terms_) and (got != want).nnz == 0
        assert got.nnz > 0 and shared.is_bigram_.any()
        for other in ("paragraph", "section", "document"):
            other_texts = topic_units(corpus, other)["text"].tolist()
            counted = shared.count_tokens(*regroup(tokens, unit_of_paragraph(corpus, other)),
                                          len(other_texts))
            assert (counted != ref.transform(other_texts)).nnz == 0


def test_corpus_tokens_are_the_paragraphs_tokenised_again(corpus5, mini):
    """Taken from the parse's words and marks, the same ids and texts as a regex pass over the
    paragraphs, including punctuation runs, a paragraph of marks only, bullets and symbols."""
    from analysis.corpus import Corpus, parse_document

    odd = parse_document("odd", "# Head\n\nOne. Two 2.5 words! Peace-keeping's (U.N.) role\n\n***\n\n"
                                "- a bullet. With two\n- 3 — “quoted” … end_of_line\n")
    nul = parse_document("nul", "Peace keeping\x00mission, civilian protection.\n")
    for corpus in (corpus5, mini, Corpus([odd]), Corpus([odd, nul])):
        ref, shared = Vocabulary(min_df=1), Vocabulary(min_df=1)
        want = ref.tokens(corpus.paragraphs["text"].tolist())
        got = shared.corpus_tokens(corpus)
        assert np.array_equal(want[0], got[0]) and np.array_equal(want[1], got[1])
        assert list(ref._word_id_.items()) == list(shared._word_id_.items())
        assert (got[0] == -1).sum() > 0
    assert Corpus([odd, nul]).sentence_marks is None          # (tokenised again: same tokens)


def test_regroup_joins_texts_in_order_even_when_groups_interleave():
    texts = ["peace keeping", "civilian protection", "rule law", "mission mandate"]
    group = np.array([1, 0, 1, 0])          # groups interleave: 0 = texts 1, 3; 1 = texts 0, 2
    from analysis.topics.vocab import regroup
    joined = ["\n".join([texts[1], texts[3]]), "\n".join([texts[0], texts[2]])]
    ref, shared = Vocabulary(min_df=1, max_df=1.0), Vocabulary(min_df=1, max_df=1.0)
    want = ref.fit_transform(joined)
    got = shared.fit_tokens(*regroup(shared.tokens(texts), group), 2)
    assert list(shared.terms_) == list(ref.terms_) and (got != want).nnz == 0
    assert "keeping rule" in ref.terms_ and "protection mission" in ref.terms_   # across texts


@pytest.mark.parametrize("unit", ["paragraph", "section", "document"])
def test_unit_words_are_the_words_of_the_unit_text(corpus5, mini, unit):
    # counted from the sentences, not by tokenising the units: the same numbers
    from analysis import text as T
    for corpus in (corpus5, mini):
        units = topic_units(corpus, unit)
        assert units["words"].tolist() == [len(T.WORD_RE.findall(t)) for t in units["text"]]
        assert units["words"].sum() == corpus.sentences["words"].sum() > 0


def test_aggregate_shares_is_length_weighted():
    shares = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [np.nan, np.nan]])
    lengths = np.array([3.0, 1.0, 2.0, 0.0])
    out, keys = aggregate_shares(shares, lengths, ["a", "a", "b", "c"])
    assert keys == ["a", "b", "c"]
    np.testing.assert_allclose(out, [[0.75, 0.25], [0.5, 0.5], [0.5, 0.5]])


def test_analyse_topics_planted_corpus():
    corpus = planted_corpus()
    res = analyse_topics(corpus, FAST, n_topics=4)
    assert res.ok and res.unit == "paragraph" and res.k == 4
    sums = res.doc_topics.groupby("doc_id").share.sum()
    np.testing.assert_allclose(sums, 1.0)
    np.testing.assert_allclose(res.section_topics.groupby(["doc_id", "section"]).share.sum(), 1.0)
    unit_sums = res.unit_topics.groupby("unit_id").share.sum()
    np.testing.assert_allclose(unit_sums, 1.0)
    # each document is dominated by its main block, and each by a different topic
    dom = dominant_topics(res.doc_topics)
    assert dom.share.min() > 0.6 and dom.topic.nunique() == 4
    # the other block shows up in section 2 of each document
    d0 = res.section_topics[(res.section_topics.doc_id == "doc0")]
    other = dom.set_index("doc_id").loc["doc1", "topic"]
    assert d0[(d0.section == 2) & (d0.topic == other)].share.iloc[0] > 0.15
    diag = res.topic_diagnostics
    assert len(diag) == 4 and diag.prevalence.sum() == pytest.approx(1.0)
    assert (diag.coherence > 0).all() and (diag.stability > 0.9).all()
    assert diag.representative_text.str.len().gt(0).all()
    assert set(res.k_scan.k) == {2, 3, 4, 5}
    sim = res.doc_similarity
    assert len(sim) == 4 * 3 and sim.similarity.between(-1e-9, 1 + 1e-9).all()
    assert len(res.topic_map) == 4 and res.topic_map.prevalence.sum() == pytest.approx(1.0)
    assert set(res.topic_terms.kind) == {"term", "bigram"}


def test_analyse_topics_is_deterministic():
    corpus = planted_corpus()
    a = analyse_topics(corpus, FAST)
    b = analyse_topics(corpus, FAST)
    assert a.k == b.k
    for name in ("doc_topics", "unit_topics", "topic_terms", "topic_diagnostics", "k_scan"):
        x, y = getattr(a, name), getattr(b, name)
        pd.testing.assert_frame_equal(x.drop(columns=["seconds"], errors="ignore"),
                                      y.drop(columns=["seconds"], errors="ignore"))


def test_user_labels_and_chosen_k_rule():
    corpus = planted_corpus()
    params = {"seed": 7, "topics": dict(FAST["topics"], labels={1: "My first topic"})}
    res = analyse_topics(corpus, params)
    assert res.labels[0] == "My first topic"
    assert res.topic_diagnostics.label.iloc[0] == "My first topic"
    assert res.topic_diagnostics.auto_label.iloc[0] != "My first topic"
    assert (res.doc_topics[res.doc_topics.topic == 1].label == "My first topic").all()
    assert res.k == 4  # four planted blocks: the rule finds them
    assert "stability" in res.k_reason


def test_tiny_corpus_degrades_gracefully(mini):
    one = Corpus(docs=[parse_document("one", "Just a few words here.")])
    res = analyse_topics(one, FAST)
    assert not res.ok and "not enough text" in res.warnings[0]
    res = analyse_topics(mini, FAST)  # three short documents: fits or says why not
    assert res.ok or res.warnings


def test_bad_settings_are_input_errors():
    from analysis.errors import InputError

    with pytest.raises(InputError, match="method"):
        topic_settings({}, method="lsa")
    with pytest.raises(InputError, match="k range"):
        topic_settings({"topics": {"k_min": 5, "k_max": 3}})
    with pytest.raises(InputError, match="n-topics"):
        topic_settings({}, n_topics=0)


def test_doc_similarity_neighbours_only_for_large_n():
    rng = np.random.default_rng(0)
    n, k = 300, 4
    sh = rng.dirichlet(np.ones(k), size=n)
    frame = pd.DataFrame({"doc_id": np.repeat([f"d{i}" for i in range(n)], k),
                          "topic": np.tile(np.arange(1, k + 1), n), "share": sh.ravel()})
    sim = doc_similarity(frame)
    assert len(sim) == n * 10  # 10 neighbours each, not n*(n-1) pairs
    best = sim.groupby("doc_a").similarity.max()
    assert (best <= 1 + 1e-9).all()


def test_method_verdict():
    comp = pd.DataFrame({"method": ["nmf", "lda"], "coherence": [0.2, 0.1],
                         "diversity": [0.9, 0.5], "stability": [0.7, 0.8]})
    assert "so the report uses NMF" in method_verdict(comp, "nmf")
    assert "still uses LDA" in method_verdict(comp, "lda")


def test_synthetic_texts_and_scale_fit():
    texts, truth = synthetic_texts(["alpha beta gamma.", "delta epsilon."], n_docs=50,
                                   n_planted=3, random_state=0)
    assert len(texts) == 50 and set(truth) <= {0, 1, 2}
    s = topic_settings({"seed": 0})
    out = time_fit(texts, s, n_topics=3)
    assert out["units"] == 50 and out["seconds"] > 0


def test_k_scan_cache_hits(tmp_path, monkeypatch):
    texts, _ = planted_paragraphs(4)
    s = topic_settings({"seed": 1, "topics": {"k_min": 2, "k_max": 3, "n_seeds": 2}})
    calls = []
    real = S.k_scan

    def counting(texts, settings, method=None):
        calls.append(1)
        return real(texts, settings, method=method)

    monkeypatch.setattr(topic_cache, "k_scan", counting)
    a = topic_cache.cached_k_scan(texts, s, cache_dir=tmp_path)
    b = topic_cache.cached_k_scan(texts, s, cache_dir=tmp_path)
    assert len(calls) == 1
    pd.testing.assert_frame_equal(a, b)
    topic_cache.cached_k_scan(texts, dict(s, min_df=1), cache_dir=tmp_path)  # new key
    assert len(calls) == 2 and len(list(tmp_path.glob("kscan-*.csv"))) == 2


# --------------------------------------------------------------------------- speed

@pytest.mark.slow
def test_benchmark_fit_large_synthetic_corpus(benchmark, corpus5):
    texts, _ = synthetic_texts(corpus5.paragraphs.text, n_docs=3000, random_state=0)
    s = topic_settings({"seed": 0})
    out = benchmark.pedantic(time_fit, args=(texts, s, 6), rounds=1, iterations=1)
    assert out["units"] == 3000 and out["nonzeros"] > 100_000


def test_auto_labels_grow_phrases():
    texts = ["security sector reform matters", "security sector reform again",
             "sector reform budget", "security sector reform budget"] * 3 + \
            ["river flood dam", "river flood lake", "flood dam lake"] * 3
    model = TopicModel(n_topics=2, max_df=1.0, random_state=0).fit(texts)
    labels = auto_labels(model)
    assert "security sector reform" in labels
    assert all(len(lab.replace(" / ", " ").split()) <= 3 for lab in labels)


def test_cache_key_changes_with_texts_settings_and_code(monkeypatch):
    s = topic_settings({"seed": 1})
    key = topic_cache.scan_key(["a b c"], s)
    assert key == topic_cache.scan_key(["a b c"], dict(s))
    assert key != topic_cache.scan_key(["a b d"], s)
    assert key != topic_cache.scan_key(["a b c"], dict(s, max_df=0.5))
    assert key == topic_cache.scan_key(["a b c"], dict(s, labels={1: "x"}))  # display only
    monkeypatch.setattr(topic_cache, "_code_digest", lambda: "edited")
    assert key != topic_cache.scan_key(["a b c"], s)


@pytest.mark.slow
def test_document_units_and_k_rule_find_planted_k_at_scale(corpus5):
    """600 synthetic documents with 5 planted blocks: document units, k = 5, sections placed."""
    texts, truth = synthetic_texts(corpus5.paragraphs.text, n_docs=600, n_planted=5,
                                   random_state=1)
    big = Corpus(docs=[parse_document(f"s{i:04d}", "Heading\n" + t) for i, t in enumerate(texts)])
    params = {"seed": 3, "topics": {"k_min": 3, "k_max": 7, "n_seeds": 5}}
    res = analyse_topics(big, params)
    assert res.unit == "document" and res.k == 5
    assert (res.topic_diagnostics.stability > 0.95).all()
    dom = dominant_topics(res.doc_topics)
    table = pd.crosstab(truth, dom.topic.to_numpy())
    assert table.max(axis=1).sum() / len(truth) > 0.98
    assert not res.section_topics.empty
    np.testing.assert_allclose(res.section_topics.groupby(["doc_id", "section"]).share.sum(), 1.0)
    assert len(res.doc_similarity) == 600 * 10  # neighbours only, never 600 x 600


def test_document_without_modelled_words_gets_equal_shares_and_a_warning():
    corpus = planted_corpus()
    corpus = Corpus(docs=corpus.docs + [parse_document("empty", "Zzyzx qwxv.")])
    res = analyse_topics(corpus, FAST, n_topics=4)
    shares = res.doc_topics[res.doc_topics.doc_id == "empty"].share
    np.testing.assert_allclose(shares, 0.25)
    assert any("no modelled words" in w and res.doc_labels["empty"] in w for w in res.warnings)


def test_compare_methods_scores_both():
    texts, _ = planted_paragraphs(6)
    s = topic_settings({"seed": 2, "topics": {"n_seeds": 2, "lda_max_iter": 10}})
    comp = S.compare_methods(texts, s, 4)
    assert comp.method.tolist() == ["nmf", "lda"] and (comp.k == 4).all()
    assert comp.coherence.notna().all()


def test_topic_switches_hand_counted():
    from analysis.topics import topic_switches
    # doc b: leading topics by section 2, 2, 1, 2 -> 2 changes; doc a: 1, 1 -> 0.
    rows = []
    for doc, leads in (("b", [2, 2, 1, 2]), ("a", [1, 1])):
        for sec, lead in enumerate(leads):
            for topic in (1, 2):
                rows.append({"doc_id": doc, "section": sec, "topic": topic,
                             "share": 0.7 if topic == lead else 0.3})
    out = topic_switches(pd.DataFrame(rows))
    assert out.to_dict() == {"b": 2, "a": 0}
    assert list(out.index) == ["b", "a"]


def test_topic_concentration_hand_counted():
    from analysis.topics import topic_concentration, topic_mass

    doc_topics = pd.DataFrame({"doc_id": list("AABBCC"),
                               "doc_label": ["A: a"] * 2 + ["B: b"] * 2 + ["C: c"] * 2,
                               "topic": [1, 2] * 3, "label": ["t1", "t2"] * 3,
                               "share": [0.8, 0.2, 0.1, 0.9, 0.5, 0.5]})
    words = pd.Series({"A": 100, "B": 300, "C": 100})
    mass = topic_mass(doc_topics, words)
    np.testing.assert_allclose(mass.groupby("topic").mass_share.sum(), 1.0)
    conc = topic_concentration(doc_topics, words).set_index("topic")
    # topic 1: masses 80, 30, 50 -> A holds 80/160; topic 2: 20, 270, 50 -> B holds 270/340
    assert conc.loc[1, "top_doc"] == "A" and conc.loc[1, "mass_in_top_doc"] == pytest.approx(0.5)
    assert conc.loc[2, "top_doc_label"] == "B: b"
    assert conc.loc[2, "mass_in_top_doc"] == pytest.approx(270 / 340)
    assert conc.loc[1, "share_in_top_doc"] == pytest.approx(0.8)
    assert conc.loc[1, "max_share_elsewhere"] == pytest.approx(0.5)
    assert conc.loc[2, "max_share_elsewhere"] == pytest.approx(0.5)


def test_next_k_split_matches_the_scan():
    texts, _ = planted_paragraphs(10)
    s = topic_settings({"seed": 2, "topics": {"k_min": 3, "k_max": 5, "n_seeds": 4, "ngram_max": 1,
                                              "max_df": 0.9}})
    scan = S.k_scan(texts, s)
    model = TopicModel.from_settings(s, 4).fit(texts)
    nxt = S.next_k_split(texts, s, model, 5)
    assert len(nxt) == 5 and set(nxt.parent_topic) <= {1, 2, 3, 4}
    # the refits are the scan's: its least stable topic is the scan's stability_min at k = 5
    assert nxt.stability.min() == pytest.approx(scan.set_index("k").loc[5, "stability_min"])
    # five topics over four planted blocks: some block is split, and both halves say so
    assert nxt.split.sum() >= 2 and nxt.parent_topic.duplicated().any()
    assert nxt.loc[nxt.split, "sibling_similarity"].notna().all()


@pytest.mark.slow
def test_fits_on_several_processes_give_the_same_topics_as_on_one():
    """topics.n_jobs changes where the independent fits run, not what they find."""
    from analysis.topics.parallel import fit_processes

    corpus = planted_corpus(8)
    # Sections as units: paragraphs are placed by the model too, counted in a thread with two.
    for unit, cap in (("paragraph", 60), ("section", 10)):
        base = {"seed": 3, "topics": {**FAST["topics"], "unit": unit, "scan_max_units": cap}}
        one = analyse_topics(corpus, {**base, "topics": {**base["topics"], "n_jobs": 1}})
        two = analyse_topics(corpus, {**base, "topics": {**base["topics"], "n_jobs": 2}})
        assert len(one.units) > cap        # above the cap: the refits use the sample
        pd.testing.assert_frame_equal(one.k_scan.drop(columns="seconds"), two.k_scan.drop(columns="seconds"))
        assert one.k == two.k and one.stability == two.stability
        np.testing.assert_array_equal(one.model.components_, two.model.components_)
        pd.testing.assert_frame_equal(one.k_next, two.k_next)
        for frame in ("topic_diagnostics", "representatives", "section_topics", "doc_topics"):
            pd.testing.assert_frame_equal(getattr(one, frame), getattr(two, frame))
    # null: one process for a corpus under the cap, every core (at most 4) above it
    assert fit_processes({"n_jobs": None, "scan_max_units": 60}, 60) == 1
    assert fit_processes({"n_jobs": None, "scan_max_units": 60}, 61) == min(__import__("os").cpu_count(), 4)
    assert fit_processes({"n_jobs": 3, "scan_max_units": 60}, 10) == 3
