"""Parsing the five documents and the mini fixture: structure, ids and offsets."""

import pytest

from analysis import parse_document
from analysis.corpus import INTRO_HEADING

# Headed sections per document, counted by hand from the files.
HEADINGS = {
    "000_129823eb7e73e70c": 15,
    "001_b0cd0dcbebfd2ef1": 16,
    "002_de972e75f5a9a7c2": 16,
    "003_70ea9281a216b308": 16,
    "004_6de3b9978b0359b1": 15,
}
# Bullet items ("- " lines) and list leads (lines ending in ':' before bullets).
BULLETS = {"000_129823eb7e73e70c": 9, "001_b0cd0dcbebfd2ef1": 8, "002_de972e75f5a9a7c2": 7,
           "003_70ea9281a216b308": 6, "004_6de3b9978b0359b1": 9}
LIST_LEADS = {"000_129823eb7e73e70c": 3, "001_b0cd0dcbebfd2ef1": 3, "002_de972e75f5a9a7c2": 2,
              "003_70ea9281a216b308": 2, "004_6de3b9978b0359b1": 1}


def test_five_documents_with_file_stems(corpus5):
    assert corpus5.doc_ids == sorted(HEADINGS)
    assert corpus5.warnings == []


def test_heading_counts(corpus5):
    secs = corpus5.sections
    headed = secs[secs.heading != INTRO_HEADING].groupby("doc_id").size().to_dict()
    assert headed == HEADINGS


def test_known_headings_and_list_leads(corpus5):
    headings = set(corpus5.sections.heading)
    assert "Understanding Peacekeeping and Security Sector Reform" in headings
    assert "Metrics for success" in headings
    assert "Case Study: UN Mission in Sierra Leone" in headings
    paras = corpus5.paragraphs
    leads = paras[paras.kind == "list_lead"]
    assert "Key accomplishments of the mission include:" in set(leads.text)
    assert "Key accomplishments of the mission include:" not in headings


def test_bullets_and_list_leads(corpus5):
    paras = corpus5.paragraphs
    assert paras[paras.kind == "bullet"].groupby("doc_id").size().to_dict() == BULLETS
    assert paras[paras.kind == "list_lead"].groupby("doc_id").size().to_dict() == LIST_LEADS
    # A bullet's text excludes its "- " marker; every list lead is followed by a bullet.
    assert not paras[paras.kind == "bullet"].text.str.startswith("-").any()
    for doc_id, group in paras.groupby("doc_id"):
        kinds = list(group.sort_values("paragraph").kind)
        for i, k in enumerate(kinds):
            if k == "list_lead":
                assert kinds[i + 1] == "bullet"


def test_bullet_lines_match_file(corpus5):
    for doc in corpus5.docs:
        n = sum(1 for line in doc.text.splitlines() if line.startswith("- "))
        assert n == BULLETS[doc.doc_id]


def test_offsets_round_trip(corpus5, mini):
    for corpus in (corpus5, mini):
        for frame in (corpus.sentences, corpus.paragraphs):
            for row in frame.itertuples():
                assert corpus.doc(row.doc_id).text[row.start:row.end] == row.text
        for row in corpus.sections.itertuples():
            text = corpus.doc(row.doc_id).text
            if row.heading != INTRO_HEADING:
                assert row.heading in text[row.start:row.end].splitlines()[0]


def test_sentences_cover_paragraph_words(corpus5):
    # Every word of a paragraph lands in exactly one of its sentences.
    from analysis import text as T
    sents = corpus5.sentences.groupby("paragraph_id").text.apply(lambda s: sum(len(T.words(t)) for t in s))
    paras = corpus5.paragraphs.set_index("paragraph_id").text.map(lambda t: len(T.words(t)))
    assert (sents == paras.loc[sents.index]).all()


def test_paragraph_tokens_are_the_paragraphs_own_words(corpus5, mini):
    # Regrouped from the sentences, they equal a tokenising of the paragraph texts, including a
    # paragraph of no words and bullets, numbers and a sentence break inside a list item.
    from analysis import text as T
    odd = parse_document("odd", "# Head\n\nOne. Two 2.5 words!\n\n***\n\n- a bullet. With two\n- 3\n")
    from analysis.corpus import Corpus
    for corpus in (corpus5, mini, Corpus([odd])):
        vocab, ids, row = corpus.paragraph_tokens()
        v2, ids2, row2 = T.tokenize(corpus.paragraphs["text"].tolist())
        assert list(vocab[ids]) == list(v2[ids2])
        assert row.tolist() == row2.tolist()
    assert len(Corpus([odd]).paragraphs) > len(set(row.tolist()))   # the "***" paragraph has none


def test_ids_unique_and_ordered(corpus5):
    s = corpus5.sentences
    assert s.sentence_id.is_unique
    assert corpus5.paragraphs.paragraph_id.is_unique
    for _, g in s.groupby("doc_id"):
        assert g.start.is_monotonic_increasing
        assert (g.end > g.start).all()


def test_titles(corpus5, mini):
    assert corpus5.doc("001_b0cd0dcbebfd2ef1").title == "The Role of Peacekeeping in Post-Conflict Reconstruction"
    assert mini.doc("gamma").title == "Regional Partnerships in Peacekeeping"


def test_markdown_blocks_and_headings(mini):
    secs = mini.sections[mini.sections.doc_id == "gamma"]
    assert list(secs.heading) == ["Regional Partnerships in Peacekeeping", "Technology and Innovation",
                                  "Political Will"]
    paras = mini.paragraphs[mini.paragraphs.doc_id == "gamma"]
    assert len(paras) == 3  # hard-wrapped lines join into one paragraph per block
    assert "\n" in paras.text.iloc[0]


def test_mini_structure(mini):
    alpha = mini.paragraphs[mini.paragraphs.doc_id == "alpha"]
    assert list(alpha.kind) == ["paragraph", "paragraph", "list_lead", "bullet", "bullet",
                                "paragraph", "paragraph"]
    s = mini.sentences
    assert "The U.N. Security Council often mandates such programs." in set(s.text)
    assert "Regular meetings between police and residents" in set(s.text)
    assert len(s[s.doc_id == "alpha"]) == 11
    assert "Costs & <Benefits> of $Reform_1" in set(mini.sections.heading)


def test_parse_document_without_headings():
    doc = parse_document("plain", "Just one line. And another sentence here.")
    assert doc.title == "plain"
    assert len(doc.sections) == 1 and doc.sections[0].heading == INTRO_HEADING
    assert len(doc.sections[0].units[0].sentences) == 2


def test_crlf_offsets():
    text = "Heading One\r\nFirst one. Second.\r\n- bullet\r\n"
    doc = parse_document("crlf", text)
    unit = doc.sections[0].units[0]
    assert [text[a:b] for a, b in unit.sentences] == ["First one.", "Second."]
    assert text[doc.sections[0].units[1].start:doc.sections[0].units[1].end] == "bullet"
