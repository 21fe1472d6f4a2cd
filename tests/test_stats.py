import math

import pytest

from analysis import document_stats, parse_document
from analysis.corpus import Corpus
from analysis.stats import mattr, mtld, syllables


def test_mattr_by_hand():
    toks = "a b a c".split()
    # windows of 2: (a b)=1, (b a)=1, (a c)=1 -> 1.0 ; windows of 3: (a b a)=2/3, (b a c)=1 -> 5/6
    assert mattr(toks, 2) == pytest.approx(1.0)
    assert mattr(toks, 3) == pytest.approx(5 / 6)
    assert mattr(toks, 10) == pytest.approx(3 / 4)  # shorter than window: plain TTR


def test_mtld_properties():
    assert math.isnan(mtld([]))
    repetitive = ["the", "cat"] * 50
    varied = [f"w{i}" for i in range(100)]
    assert mtld(varied) > mtld(repetitive)
    # Forward pass on a b a b: ttr after 3 tokens is 2/3 <= 0.72 -> factor; then 1 token left, ttr 1 -> 0
    assert mtld(["a", "b", "a", "b"]) == pytest.approx(4 / 1)


def test_syllables():
    assert syllables("peacekeeping") == 3
    assert syllables("the") == 1


def test_document_stats_hand_counted():
    text = "Title Here\nOne two three. Four five.\n- six seven\n"
    corpus = Corpus([parse_document("d", text)])
    row = document_stats(corpus).iloc[0]
    assert row.words == 7 and row.sentences == 3 and row.bullets == 1 and row.paragraphs == 1
    assert row.sections == 1
    assert row.mean_sentence_words == pytest.approx(7 / 3)
    assert row.type_token_ratio == pytest.approx(1.0)


def test_document_stats_five(corpus5):
    stats = document_stats(corpus5)
    assert list(stats.doc_id) == corpus5.doc_ids
    assert stats.words.sum() == corpus5.sentences.words.sum()
    assert (stats.sentences == corpus5.sentences.groupby("doc_id").size().values).all()
    assert stats.sections.tolist() == [15, 16, 16, 16, 15]
    assert stats.flesch_reading_ease.between(-50, 120).all()
    assert (stats.mattr.between(0, 1)).all()
