"""The topic vocabulary: unigram and bigram terms, stop words, plural folding, df rules."""

from __future__ import annotations

import math
import re

import numpy as np
import scipy.sparse as sp

from .. import text as T

# A word, or (as an empty group) one other non-space character.
_TOKEN_RE = re.compile(f"({T.WORD_RE.pattern})|\\S")


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

    def _words(self, text: str) -> list[str | None]:
        # One regex pass yields words and, as "", any other non-space character
        # (punctuation between words breaks a phrase); each distinct token is
        # normalised once.
        memo = self.__dict__.setdefault("_memo", {})
        out: list[str | None] = []
        broken = False
        for token in _TOKEN_RE.findall(text):
            if not token:
                broken = True
                continue
            if broken:
                out.append(None)
                broken = False
            try:
                out.append(memo[token])
            except KeyError:
                out.append(memo.setdefault(token, self._word(token)))
        return out

    def _terms(self, seq: list[str | None]) -> list[str]:
        fold = self.fold_map_
        seq = [fold.get(w, w) if w else None for w in seq]
        terms = [w for w in seq if w]
        if self.ngram_max >= 2:
            terms += [f"{a} {b}" for a, b in zip(seq, seq[1:]) if a and b and a != b]
        return terms

    def _count(self, token_lists: list[list[str]], index: dict[str, int]) -> sp.csr_matrix:
        indptr, indices, data = [0], [], []
        for terms in token_lists:
            counts: dict[int, int] = {}
            for t in terms:
                j = index.get(t)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            indices.extend(counts.keys())
            data.extend(counts.values())
            indptr.append(len(indices))
        m = sp.csr_matrix((np.asarray(data, dtype=np.float64), np.asarray(indices, dtype=np.int64),
                           np.asarray(indptr, dtype=np.int64)), shape=(len(token_lists), len(index)))
        m.sort_indices()
        return m

    def fit_transform(self, texts) -> sp.csr_matrix:
        """Learn the vocabulary from `texts`; return the sparse unit x term count matrix."""
        self._stop = frozenset(T.STOP_WORDS) | {str(w).lower() for w in self.stop_words}
        self._memo: dict[str, str | None] = {}
        seqs = [self._words(t) for t in texts]
        self.fold_map_ = {}
        if self.fold_plurals:
            freq: dict[str, int] = {}
            for seq in seqs:
                for w in seq:
                    if w:
                        freq[w] = freq.get(w, 0) + 1
            for w in sorted(freq):
                sing = _singular(w)
                if sing and sing in freq:
                    # both forms count as the more frequent one ("united nations" stays)
                    if freq[w] >= freq[sing]:
                        self.fold_map_[sing] = w
                    else:
                        self.fold_map_[w] = sing
        token_lists = [self._terms(s) for s in seqs]
        all_terms = sorted({t for tl in token_lists for t in tl})
        full = self._count(token_lists, {t: i for i, t in enumerate(all_terms)})
        n = full.shape[0]
        df = np.asarray((full > 0).sum(axis=0)).ravel()
        lo = max(1, int(self.min_df))
        hi = math.floor(self.max_df * n) if n >= 10 else n
        keep = (df >= lo) & (df <= max(hi, lo))
        if not keep.any():  # tiny corpus: relax the rules rather than fail
            keep = df >= 1
        terms = np.asarray(all_terms, dtype=object)
        over = np.flatnonzero((df > max(hi, lo)) & np.array([" " not in t for t in terms], bool))
        #: words dropped by the max_df ceiling, most widespread first
        self.boilerplate_ = [str(terms[j]) for j in over[np.argsort(-df[over], kind="stable")]]
        self.terms_ = terms[keep]
        self.index_ = {t: i for i, t in enumerate(self.terms_)}
        self.is_bigram_ = np.array([" " in t for t in self.terms_], dtype=bool)
        self.df_ = df[keep]
        return full[:, np.flatnonzero(keep)].tocsr()

    def transform(self, texts) -> sp.csr_matrix:
        """Count the learned terms in new texts."""
        return self._count([self._terms(self._words(t)) for t in texts], self.index_)

