"""Text rules in one place: words, stop words, headings and sentence boundaries.

Every module that needs to know what a word or a sentence is asks here, so
that counts agree across the themes, topics and redundancy analyses.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: A word: letters or digits, with inner hyphens or apostrophes kept
#: ("capacity-building", "state's").
WORD_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")



@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """scikit-learn's English stop words plus possessive fragments.

    Loaded on first use (``text.STOP_WORDS`` too), so that importing the
    package, and ``python -m analysis --help``, stays fast.
    """
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | {"s", "t", "’s"}


def __getattr__(name: str):
    if name == "STOP_WORDS":
        return stop_words()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

BULLET_RE = re.compile(r"^[ \t]*(?:[-*•–]|\d{1,3}[.)])[ \t]+")
MD_HEADING_RE = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$")

# Lower-cased tokens after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset(
    """e.g. i.e. etc. vs. v. cf. al. approx. ca. esp. incl. viz. no. nos. fig. figs.
    mr. mrs. ms. dr. prof. sr. jr. st. mt. gen. col. lt. sgt. capt. maj. adm. gov. sen. rep.
    inc. ltd. co. corp. dept. univ. art. para. sec. ch. vol. pp. p. ed. eds.
    jan. feb. mar. apr. jun. jul. aug. sep. sept. oct. nov. dec.""".split()
)
# After these a capitalised stop word ("The", "In") still starts a sentence.
SENTENCE_FINAL_ABBREVIATIONS = frozenset({"etc.", "al.", "inc.", "ltd.", "co.", "corp."})
INITIALISM_RE = re.compile(r"^(?:[A-Za-z]\.){2,}$")
BOUNDARY_RE = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)")
HEADING_END_PUNCT = tuple(".!?:;,")


def words(text: str) -> list[str]:
    """Lower-cased words of `text`.

    Parameters
    ----------
    text : str

    Returns
    -------
    list of str
    """
    return [w.lower() for w in WORD_RE.findall(text)]


_WORD_OR_BREAK_RE = re.compile(WORD_RE.pattern + "|\x00")
#: The same, and any other character that is not a space: punctuation and symbols ("marks").
_WORD_BREAK_OR_MARK_RE = re.compile(WORD_RE.pattern + "|\x00|\\S")


def tokenize(texts: list[str], chunk: int = 20000, marks: bool = False):
    """Lower-cased :func:`words` of many texts, in one regex pass per `chunk` texts.

    Parameters
    ----------
    texts : list of str
        Sentences or paragraphs.
    chunk : int
        Texts joined per pass (bounds the size of the intermediate list).
    marks : bool
        Also say where the texts' other non-space characters (punctuation,
        symbols) lie among the words: the topic vocabulary pairs two words
        into a bigram only when no such mark stands between them.

    Returns
    -------
    vocabulary : ndarray of str
        Each distinct lower-cased word, in order of first use.
    ids : ndarray of int64
        For each word of the texts, in reading order, its index in `vocabulary`.
    text : ndarray of int64
        For each word, the index of the text it is in, so that
        ``np.bincount(text, minlength=len(texts))`` counts each text's words.
    marks : (ndarray, ndarray) or None
        Only with ``marks=True``: for each mark, in reading order, the number
        of words before it and the index of its text. None when a text holds
        a NUL character (read as a space, so its marks cannot be placed).
    """
    import numpy as np
    import pandas as pd

    vocab: dict[str, int] = {}
    ids, where, mark_at, mark_text = [], [], [], []
    pattern = _WORD_BREAK_OR_MARK_RE if marks else _WORD_OR_BREAK_RE
    words_before, nul = 0, False
    for lo in range(0, len(texts), chunk):
        part = texts[lo:lo + chunk]
        joined = "\x00".join(part) + "\x00"
        if joined.count("\x00") != len(part):   # a text holds NUL: like a space, it ends a word
            joined = "\x00".join(t.replace("\x00", " ") for t in part) + "\x00"
            nul = True
        # Coded as found, then only the distinct tokens lower-cased ("The" and "the" then share
        # an id): lower-casing every token cost a third of the time. The breaks are codes too.
        codes, uniques = pd.factorize(pd.Series(pattern.findall(joined), dtype=object))
        brk = codes == int(np.flatnonzero(uniques == "\x00")[0])
        text_of = lo + np.cumsum(brk) - brk
        # A word begins with a letter or digit; a mark is one other character (a mark never
        # enters the vocabulary).
        remap = np.array([-1 if u == "\x00" else -2 if not u[0].isalnum()
                          else vocab.setdefault(u.lower(), len(vocab)) for u in uniques], dtype=np.int64)
        word_id = remap[codes]
        is_word = word_id >= 0
        ids.append(word_id[is_word])
        where.append(text_of[is_word])
        if marks:
            is_mark = word_id == -2
            mark_at.append((words_before + np.cumsum(is_word) - is_word)[is_mark])
            mark_text.append(text_of[is_mark])
            words_before += int(is_word.sum())
    empty = np.zeros(0, np.int64)
    out = (np.array(list(vocab), dtype=object),
           np.concatenate(ids) if ids else empty, np.concatenate(where) if where else empty)
    if not marks:
        return out
    placed = None if nul else (np.concatenate(mark_at) if mark_at else empty,
                               np.concatenate(mark_text) if mark_text else empty)
    return out + (placed,)


def word_spans(text: str) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the words in `text`."""
    return [m.span() for m in WORD_RE.finditer(text)]


def content_words(text: str) -> list[str]:
    """Lower-cased words that are not stop words and contain a letter."""
    stop = stop_words()
    return [w for w in words(text) if w not in stop and any(c.isalpha() for c in w)]


def is_heading_line(line: str, max_words: int = 14) -> bool:
    """Whether a plain-text line reads as a section heading.

    A heading is a short line that starts with a capital letter or digit,
    is not a bullet, and does not end in sentence punctuation or a colon.
    Lines such as "Key accomplishments include:" therefore stay list leads.

    Parameters
    ----------
    line : str
    max_words : int
        Longer lines are paragraphs whatever their punctuation.

    Returns
    -------
    bool
    """
    s = line.strip()
    if not s or BULLET_RE.match(line) or s.endswith(HEADING_END_PUNCT):
        return False
    if not (s[0].isupper() or s[0].isdigit()):
        return False
    n = len(words(s))
    return 1 <= n <= max_words and len(s) <= 120


def _token_before(text: str, end: int) -> str:
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:end].lstrip("([\"'“‘")


_NEXT_TOKEN_RE = re.compile(r"\s*([\"'“‘(\[]*)(\S*)")
_INITIAL_RE = re.compile(r"[a-z]\.")


def _next_token(text: str, pos: int) -> str:
    # Matching at `pos` (not on text[pos:]) keeps a paragraph's split linear in its length.
    m = _NEXT_TOKEN_RE.match(text, pos)
    return m.group(2) if m else ""


def _is_boundary(text: str, punct_start: int, punct_end: int) -> bool:
    nxt = _next_token(text, punct_end)
    if not nxt:
        return False
    first = nxt[0]
    if not (first.isupper() or first.isdigit()):
        return False
    if text[punct_start] != ".":
        return True
    token = _token_before(text, punct_start + 1).lower()
    if token in SENTENCE_FINAL_ABBREVIATIONS or INITIALISM_RE.match(token):
        # "the U.N. Security Council" continues; "by the U.N. The council" ends.
        next_word = WORD_RE.search(nxt)
        return next_word is not None and next_word.group(0).lower() in stop_words()
    if token in ABBREVIATIONS:
        return False
    if _INITIAL_RE.fullmatch(token):  # a single initial: "J. Smith"
        return False
    return True


def sentence_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Split a paragraph into sentences, as character spans.

    Abbreviations (e.g., vs., Dr.) and initialisms (U.N.) do not end a
    sentence unless a capitalised function word follows; text without final
    punctuation (a bullet item) is one sentence.

    Parameters
    ----------
    text : str
        One paragraph or bullet item.
    offset : int
        Added to every span, so spans index the original document.

    Returns
    -------
    list of (int, int)
        Spans with surrounding whitespace trimmed; ``text[s - offset:e - offset]``
        is the sentence.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in BOUNDARY_RE.finditer(text):
        if _is_boundary(text, m.start(), m.end()):
            spans.append((start, m.end()))
            start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s + offset, e + offset))
    return out
