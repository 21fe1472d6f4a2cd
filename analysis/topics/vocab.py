"""The topic vocabulary: unigram and bigram terms, stop words, plural folding, df rules."""

from __future__ import annotations

import math
import re
from itertools import chain

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .. import text as T
from ..arrays import unique_sorted

# A word, or (as an empty group) one other non-space character.
_TOKEN_RE = re.compile(f"({T.WORD_RE.pattern})|\\S")
#: Tokens coded per block (bounds the strings alive at once).
_BLOCK_TOKENS = 2_000_000


def _singular(word: str) -> str | None:
    if len(word) <= 3 or word.endswith(("ss", "us", "is", "'s")):
        return None
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s"):
        return word[:-1]
    return None


class Vocabulary:
    """Tokenise texts into unigram and bigram terms and apply the vocabulary rules.

    Words come from :func:`analysis.text.words`; stop words (the package list
    plus `stop_words`) and words without a letter are dropped. A two-word
    term joins two adjacent kept words (a stop word or punctuation between
    them breaks the pair). With `fold_plurals`, a plural and its singular ("missions",
    "mission") are counted as one term, spelled as the more frequent form. A term is kept when it occurs in at least `min_df`
    units and in at most `max_df` (a share) of them; the max_df ceiling is
    the corpus-wide boilerplate rule and is applied only with 10 or more units.

    Parameters
    ----------
    min_df : int
    max_df : float
    ngram_max : {1, 2}
    fold_plurals : bool
    stop_words : iterable of str
    """

    def __init__(self, min_df: int = 2, max_df: float = 0.4, ngram_max: int = 2,
                 fold_plurals: bool = True, stop_words=()):
        self.min_df = min_df
        self.max_df = max_df
        self.ngram_max = ngram_max
        self.fold_plurals = fold_plurals
        self.stop_words = stop_words

    @classmethod
    def from_settings(cls, settings: dict) -> "Vocabulary":
        """A vocabulary built from :func:`analysis.topics.topic_settings` output."""
        return cls(min_df=settings["min_df"], max_df=settings["max_df"],
                   ngram_max=settings["ngram_max"], fold_plurals=settings["fold_plurals"],
                   stop_words=tuple(settings["extra_stop_words"] or ()))

    def _word(self, token: str) -> str | None:
        w = token.lower().replace("’", "'")
        if w in self._stop or len(w) < 2 or not any(c.isalpha() for c in w):
            return None
        return w

    def _tokens(self, texts, learn: bool) -> tuple[np.ndarray, np.ndarray]:
        """Every token of `texts` as a word id (-1: a stop word, a non-word or punctuation), and its text.

        One regex pass per text; the tokens are coded by factorising each block
        of texts, and only distinct tokens are normalised in Python. With
        `learn`, new words get ids; otherwise a word the vocabulary never saw
        is -1 (it can be part of no known term, so it acts as a break).
        """
        ids, where = [], []
        found: list[list[str]] = []
        size, first = 0, 0
        known: dict[str, int] = {}      # token -> word id, so each block normalises only new tokens

        def word_id(token: str) -> int:
            w = self._word(token) if token else None
            if w is None:
                return -1
            return self._word_id_.setdefault(w, len(self._word_id_)) if learn else self._word_id_.get(w, -1)

        def flush(first):
            lengths = np.fromiter(map(len, found), dtype=np.int64, count=len(found))
            codes, uniques = pd.factorize(pd.Series(list(chain.from_iterable(found)), dtype=object))
            word = np.fromiter((known[t] if t in known else known.setdefault(t, word_id(t))
                                for t in uniques), dtype=np.int64, count=len(uniques))
            ids.append(word[codes])
            where.append(np.repeat(np.arange(first, first + len(found)), lengths))

        for t in texts:
            found.append(_TOKEN_RE.findall(t))
            size += len(found[-1])
            if size >= _BLOCK_TOKENS:
                flush(first)
                first, size, found = first + len(found), 0, []
        if found:
            flush(first)
        empty = np.zeros(0, np.int64)
        return (np.concatenate(ids) if ids else empty), (np.concatenate(where) if where else empty)

    def _term_ids(self, wid: np.ndarray, text: np.ndarray):
        """The terms of tokens `wid` (word ids, -1 a break) in texts `text`, plurals folded.

        Returns ``(rows, words)`` of the unigrams and ``(rows, first, second)`` of
        the bigrams: two adjacent kept words of one text that differ.
        """
        f = self._fold_[wid.clip(0)]
        f[wid < 0] = -1
        uni = f >= 0
        a, b = f[:-1], f[1:]
        bi = (a >= 0) & (b >= 0) & (a != b) & (text[:-1] == text[1:])
        if self.ngram_max < 2:
            bi[:] = False
        return text[uni], f[uni], text[:-1][bi], a[bi], b[bi]

    def fit_transform(self, texts) -> sp.csr_matrix:
        """Learn the vocabulary from `texts`; return the sparse unit x term count matrix."""
        texts = list(texts)
        return self.fit_tokens(*self.tokens(texts), len(texts))

    def tokens(self, texts) -> tuple[np.ndarray, np.ndarray]:
        """Tokenise `texts` for a fit, forgetting any words learned before.

        With :func:`regroup`, one pass over a corpus's paragraphs serves a fit
        on any units made of them and the counts of any other such units:
        ``fit_tokens(*regroup(tokens, units), n_units)`` equals
        ``fit_transform`` of the units' texts (their paragraphs joined), and
        ``count_tokens`` then equals ``transform`` of other units' texts.

        Returns
        -------
        (ndarray, ndarray)
            Per token, its word id (-1: a stop word, a non-word or punctuation)
            and the index of its text.
        """
        self._forget_words()
        return self._tokens(list(texts), learn=True)

    def _forget_words(self) -> None:
        """Start learning word ids afresh (and bind the stop words) for a new fit."""
        self._stop = frozenset(T.stop_words()) | {str(w).lower() for w in self.stop_words}
        self._word_id_: dict[str, int] = {}

    def corpus_tokens(self, corpus) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`tokens` of a corpus's paragraphs (``corpus.paragraphs["text"]``), from its parse.

        The parse has found every word of the sentences and every mark
        (punctuation, symbols) between them, and a paragraph's sentences
        cover its non-space characters in order: the same tokens, in the same
        order, without a second regex pass over the corpus (8.6 s against
        1.3 s at 5,000 documents). A mark or a word that is not kept is -1, as in
        :meth:`tokens`; a corpus whose marks are unknown is tokenised again.
        """
        words, ids, paragraph, marks = corpus.paragraph_tokens(marks=True)
        if marks is None:
            return self.tokens(corpus.paragraphs["text"].tolist())
        self._forget_words()
        # The parse's words come in order of first use, so the ids are learned in that order too.
        learned = np.fromiter((-1 if (w := self._word(word)) is None
                               else self._word_id_.setdefault(w, len(self._word_id_)) for word in words),
                              dtype=np.int64, count=len(words))
        at, mark_paragraph = marks
        return (np.insert(learned[ids], at, -1),
                np.insert(np.asarray(paragraph, dtype=np.int64), at, mark_paragraph))

    def fit_tokens(self, wid: np.ndarray, text: np.ndarray, n_texts: int) -> sp.csr_matrix:
        """:meth:`fit_transform` from tokens of :meth:`tokens` (`text` in reading order, < `n_texts`)."""
        words = np.array(list(self._word_id_), dtype=object)
        self.fold_map_ = {}
        self._fold_ = np.arange(len(words) + 1)     # the extra entry absorbs the -1 of non-words
        if self.fold_plurals:
            count = np.bincount(wid[wid >= 0], minlength=len(words))
            freq = dict(zip(words.tolist(), count.tolist()))
            for w in sorted(freq):
                sing = _singular(w)
                if sing and sing in freq:
                    # both forms count as the more frequent one ("united nations" stays)
                    if freq[w] >= freq[sing]:
                        self.fold_map_[sing] = w
                    else:
                        self.fold_map_[w] = sing
            for w, to in self.fold_map_.items():
                self._fold_[self._word_id_[w]] = self._word_id_[to]
        u_row, u_word, b_row, b_a, b_b = self._term_ids(wid, text)
        n_words = len(words) + 1
        pair = b_a * n_words + b_b
        pair_codes, pair_first = np.unique(pair, return_index=True)   # sorted: searchsorted below
        strings = np.concatenate([words[unique_sorted(u_word)],
                                  words[b_a[pair_first]] + " " + words[b_b[pair_first]]])
        all_terms = np.sort(strings.astype(str)).astype(object)   # a unigram holds no space: no clash
        col = pd.Index(all_terms)
        uni_col = np.full(n_words, -1, dtype=np.int64)
        used = unique_sorted(u_word)
        uni_col[used] = col.get_indexer(words[used])
        bi_col = col.get_indexer(words[b_a[pair_first]] + " " + words[b_b[pair_first]])
        rows = np.r_[u_row, b_row]
        cols = np.r_[uni_col[u_word], bi_col[np.searchsorted(pair_codes, pair)]]
        full = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_texts, len(all_terms)))
        full.sum_duplicates()
        n = full.shape[0]
        df = np.diff(full.tocsc().indptr)
        lo = max(1, int(self.min_df))
        hi = math.floor(self.max_df * n) if n >= 10 else n
        keep = (df >= lo) & (df <= max(hi, lo))
        if not keep.any():  # tiny corpus: relax the rules rather than fail
            keep = df >= 1
        terms = all_terms
        over = np.flatnonzero((df > max(hi, lo)) & np.array([" " not in t for t in terms], bool))
        #: words dropped by the max_df ceiling, most widespread first
        self.boilerplate_ = [str(terms[j]) for j in over[np.argsort(-df[over], kind="stable")]]
        self.terms_ = terms[keep]
        self.index_ = {t: i for i, t in enumerate(self.terms_)}
        self.is_bigram_ = np.array([" " in t for t in self.terms_], dtype=bool)
        self.df_ = df[keep]
        # Word ids -> kept columns, for transform.
        kept_col = np.full(len(all_terms) + 1, -1, dtype=np.int64)   # the last entry: no term (-1)
        kept_col[np.flatnonzero(keep)] = np.arange(int(keep.sum()))
        self._uni_col_ = kept_col[uni_col]
        pair_keep = kept_col[bi_col] >= 0
        self._pair_codes_, self._pair_cols_ = pair_codes[pair_keep], kept_col[bi_col[pair_keep]]
        return full[:, np.flatnonzero(keep)].tocsr()

    def transform(self, texts) -> sp.csr_matrix:
        """Count the learned terms in new texts."""
        texts = list(texts)
        return self.count_tokens(*self._tokens(texts, learn=False), len(texts))

    def count_tokens(self, wid: np.ndarray, text: np.ndarray, n_texts: int) -> sp.csr_matrix:
        """:meth:`transform` from tokens (word ids of this vocabulary, -1 for unknown words)."""
        u_row, u_word, b_row, b_a, b_b = self._term_ids(wid, text)
        n_words = len(self._word_id_) + 1
        pair = b_a * n_words + b_b
        at = np.minimum(np.searchsorted(self._pair_codes_, pair), max(len(self._pair_codes_) - 1, 0))
        b_col = (np.where(self._pair_codes_[at] == pair, self._pair_cols_[at], -1)
                 if len(self._pair_codes_) else np.full(len(pair), -1))
        u_col = self._uni_col_[u_word]
        rows, cols = np.r_[u_row, b_row], np.r_[u_col, b_col]
        ok = cols >= 0
        m = sp.csr_matrix((np.ones(int(ok.sum())), (rows[ok], cols[ok])),
                          shape=(n_texts, len(self.terms_)))
        m.sum_duplicates()
        return m


def regroup(tokens: tuple[np.ndarray, np.ndarray], group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Tokens of texts as the tokens of groups of them, each group's texts joined in order.

    Parameters
    ----------
    tokens : (ndarray, ndarray)
        Word ids and text index per token, as :meth:`Vocabulary.tokens` gives them.
    group : ndarray of int
        The group of each text.

    Returns
    -------
    (ndarray, ndarray)
        Word ids and group per token, grouped (stably: within a group the
        texts keep their order, so adjacent tokens of consecutive texts pair
        into bigrams as they do in ``"\\n".join(texts)``).
    """
    wid, text = tokens
    unit = np.asarray(group)[text]
    if len(unit) > 1 and (unit[1:] < unit[:-1]).any():
        order = np.argsort(unit, kind="stable")
        return wid[order], unit[order]
    return wid, unit
