import pytest

from analysis import text as T


@pytest.mark.parametrize("para, expected", [
    ("The U.N. Security Council met. It agreed.", ["The U.N. Security Council met.", "It agreed."]),
    ("Aid came from the U.N. The mission grew.", ["Aid came from the U.N.", "The mission grew."]),
    ("Some tools, e.g. radios, help. Others do not.", ["Some tools, e.g. radios, help.", "Others do not."]),
    ("Reform (SSR) matters. SSR is hard.", ["Reform (SSR) matters.", "SSR is hard."]),
    ("Needs vs. Long-Term Goals differ. Yes.", ["Needs vs. Long-Term Goals differ.", "Yes."]),
    ("Dr. Smith wrote it. J. Doe agreed!", ["Dr. Smith wrote it.", "J. Doe agreed!"]),
    ("Is it working? \"Yes,\" they said.", ["Is it working?", "\"Yes,\" they said."]),
    ("Reduction in violent crime rates", ["Reduction in violent crime rates"]),
    ("Version 2.5 was released. Then 3.0 followed.", ["Version 2.5 was released.", "Then 3.0 followed."]),
    ("lower case. after a stop stays", ["lower case. after a stop stays"]),
])
def test_sentence_spans(para, expected):
    spans = T.sentence_spans(para)
    assert [para[a:b] for a, b in spans] == expected


def test_sentence_spans_offset_and_trim():
    para = "  One two.  Three four.  "
    spans = T.sentence_spans(para, offset=100)
    assert [para[a - 100:b - 100] for a, b in spans] == ["One two.", "Three four."]


@pytest.mark.parametrize("line, is_heading", [
    ("Understanding Peacekeeping and Security Sector Reform", True),
    ("Metrics for success", True),
    ("Sustaining Peace: Long-Term Strategies for Reconstruction", True),
    ("Key accomplishments of the mission include:", False),
    ("- Monitoring ceasefires and peace agreements", False),
    ("Peacekeeping refers to the deployment of international forces.", False),
    ("lower-case start is not a heading", False),
    ("A very long line that has no final punctuation but runs on far too long to be a heading at all in any document", False),
])
def test_is_heading_line(line, is_heading):
    assert T.is_heading_line(line) is is_heading


def test_words_keep_inner_hyphens_and_apostrophes():
    assert T.words("Capacity-building, the state's U.N. role") == [
        "capacity-building", "the", "state's", "u", "n", "role"]
    assert T.content_words("The role of the state in 2024") == ["role", "state"]


def test_tokenize_counts_each_text_and_survives_nul():
    import numpy as np

    texts = ["The U.N. mission's capacity-building", "", "a\x00b  A", "Peace peace"]
    vocab, ids, where = T.tokenize(texts, chunk=2)       # two chunks: ids stay global
    assert np.bincount(where, minlength=4).tolist() == [5, 0, 3, 2]
    assert [vocab[i] for i in ids] == ["the", "u", "n", "mission's", "capacity-building",
                                       "a", "b", "a", "peace", "peace"]
    assert [T.words(t) for t in texts] == [[vocab[i] for i in ids[where == k]] for k in range(4)]


def test_tokenize_places_every_mark_among_the_words():
    import numpy as np

    texts = ["Hello, world! It's U.N. peace-keeping...", "a_b — c", "", "¿Qué?", "***"]
    vocab, ids, where, (at, text) = T.tokenize(texts, chunk=2, marks=True)
    plain = T.tokenize(texts, chunk=2)
    assert all(np.array_equal(a, b) for a, b in zip((vocab, ids, where), plain))   # words unchanged
    # Hand-counted: words 0-5 in text 0 (hello ... peace-keeping), a b c = 6-8, qué = 9.
    assert at.tolist() == [1, 2, 4, 5, 6, 6, 6, 7, 8, 9, 10, 10, 10, 10]
    assert text.tolist() == [0, 0, 0, 0, 0, 0, 0, 1, 1, 3, 3, 4, 4, 4]
    assert T.tokenize(["a\x00b, c"], marks=True)[3] is None          # NUL read as a space: unplaced
