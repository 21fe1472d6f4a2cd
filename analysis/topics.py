"""Topic modelling: what the documents talk about, and in what proportions.

Five essays are too few to model directly, so the model is fitted on
smaller units (paragraphs, or sections) and the unit-level topic shares are
aggregated, weighted by length, into document shares. With many documents
(``topics.auto_unit_min_docs`` or more) the documents themselves are the units.

Two models sit behind one estimator-style class, :class:`TopicModel`:
NMF on TF-IDF weights and LDA on raw counts, both from scikit-learn. The
vocabulary rules (stop words, a corpus-wide boilerplate ceiling ``max_df``,
``min_df``, plural folding, unigram + bigram terms) are parameters.

The number of topics comes from a k-scan (see :mod:`analysis.topic_diagnostics`)
unless the user fixes it. :func:`analyse_topics` runs the whole pipeline and
returns tidy frames; it does no plotting and no file I/O (the optional k-scan
cache lives in :mod:`analysis.topic_cache`).
"""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.decomposition import NMF, LatentDirichletAllocation
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfTransformer

from . import text as T
from .errors import InputError

#: Settings used when params.yaml has no ``topics:`` section (or leaves a key out).
TOPIC_DEFAULTS: dict = {
    "method": "nmf",               # nmf (on TF-IDF) | lda (on counts)
    "unit": "auto",                # auto | paragraph | section | document
    "auto_unit_min_docs": 50,      # auto: fit on documents when there are at least this many
    "k_min": 2,
    "k_max": 8,
    "n_seeds": 5,                  # refits per k for the stability score (>= 5)
    "min_stability": 0.7,          # k-rule: k qualifies when its least stable topic reaches this
    "min_diversity": 0.75,         # ...and its top-term diversity reaches this
    "coherence_tolerance": 0.05,   # ...and its coherence is this close to the best; largest k wins
    "top_n": 10,                   # top terms per topic (also the NPMI coherence set)
    "min_df": 2,                   # a term must occur in at least this many units
    "max_df": 0.4,                 # ...and in at most this share of units (boilerplate ceiling)
    "ngram_max": 2,                # 1: words only; 2: words and two-word phrases
    "fold_plurals": True,          # count "missions" as "mission" when both occur
    "extra_stop_words": [],        # corpus-specific filler words, dropped before counting
    "max_iter": 400,               # NMF iterations
    "lda_max_iter": 30,            # LDA (batch variational Bayes) passes
    "representative_n": 2,         # representative paragraphs per topic
    "labels": {},                  # {topic number: "your label"} overrides automatic labels
    "scale_docs": 5000,            # size of the synthetic corpus used to time fitting
}

METHODS = ("nmf", "lda")
UNITS = ("paragraph", "section", "document")


def topic_settings(params: dict | None = None, **overrides) -> dict:
    """The ``topics`` settings: defaults, then params.yaml, then non-None overrides.

    Parameters
    ----------
    params : dict, optional
        The full parameter dict from :func:`analysis.config.load_params`.
    **overrides
        Command-line style overrides (``method=``, ``unit=``, ``n_topics=``);
        ``None`` values are ignored.

    Returns
    -------
    dict
        Also holds ``seed`` (from ``params['seed']``).

    Raises
    ------
    InputError
        For an unknown method or unit, or an impossible k range.
    """
    params = params or {}
    s = dict(TOPIC_DEFAULTS)
    s.update({k: v for k, v in (params.get("topics") or {}).items() if v is not None})
    s.update({k: v for k, v in overrides.items() if v is not None})
    s["seed"] = int(params.get("seed", 42))
    s["method"] = str(s["method"]).lower()
    s["unit"] = str(s["unit"]).lower()
    if s["method"] not in METHODS:
        raise InputError(f"topics.method '{s['method']}' is unknown: use one of {', '.join(METHODS)}")
    if s["unit"] not in UNITS + ("auto",):
        raise InputError(f"topics.unit '{s['unit']}' is unknown: use auto, {', '.join(UNITS)}")
    if int(s["k_min"]) < 2 or int(s["k_max"]) < int(s["k_min"]):
        raise InputError(f"topics k range {s['k_min']}..{s['k_max']} is invalid: "
                         "need 2 <= k_min <= k_max in params.yaml")
    if int(s["n_seeds"]) < 2:
        raise InputError("topics.n_seeds must be at least 2 (5 or more recommended)")
    if s.get("n_topics") is not None and int(s["n_topics"]) < 1:
        raise InputError(f"--n-topics {s['n_topics']} is invalid: give a whole number >= 1")
    if not 0 < float(s["max_df"]) <= 1:
        raise InputError(f"topics.max_df {s['max_df']} must be a share in (0, 1]")
    s["labels"] = {int(k): str(v) for k, v in (s.get("labels") or {}).items()}
    return s


# --------------------------------------------------------------------------- units

def topic_units(corpus, unit: str = "paragraph") -> pd.DataFrame:
    """The text units a topic model is fitted on.

    Parameters
    ----------
    corpus : Corpus
    unit : {"paragraph", "section", "document"}
        ``paragraph`` keeps each prose paragraph, but joins a list lead and
        its bullet items into one unit (bullets alone are too short to carry
        a topic).

    Returns
    -------
    pandas.DataFrame
        ``unit_id``, ``doc_id``, ``section``, ``heading``, ``paragraph_id``
        (first paragraph of the unit), ``start``, ``end``, ``text``, ``words``.
    """
    if unit not in UNITS:
        raise InputError(f"unit '{unit}' is unknown: use {', '.join(UNITS)}")
    p = corpus.paragraphs
    cols = ["unit_id", "doc_id", "section", "heading", "paragraph_id", "start", "end", "text", "words"]
    if p.empty:
        return pd.DataFrame(columns=cols)
    p = p.copy()
    if unit == "paragraph":
        # a new block starts at every non-bullet unit and at every section change
        new = (p["kind"] != "bullet") | (p["doc_id"] != p["doc_id"].shift()) | \
              (p["section"] != p["section"].shift())
        p["block"] = new.cumsum()
        keys = ["block"]
    elif unit == "section":
        keys = ["doc_id", "section"]
    else:
        keys = ["doc_id"]
    rows = []
    for _, g in p.groupby(keys, sort=False):
        first = g.iloc[0]
        text = "\n".join(g["text"])
        if unit == "paragraph":
            uid = first["paragraph_id"]
        elif unit == "section":
            uid = f"{first['doc_id']}:h{int(first['section']):02d}"
        else:
            uid = first["doc_id"]
        rows.append({
            "unit_id": uid, "doc_id": first["doc_id"],
            "section": int(first["section"]) if unit != "document" else -1,
            "heading": first["heading"] if unit != "document" else "",
            "paragraph_id": first["paragraph_id"], "start": int(first["start"]),
            "end": int(g["end"].iloc[-1]), "text": text, "words": len(T.words(text)),
        })
    return pd.DataFrame(rows, columns=cols)


def choose_unit(n_docs: int, unit: str = "auto", min_docs: int = 50) -> tuple[str, str]:
    """Pick the modelling unit and say why.

    Parameters
    ----------
    n_docs : int
    unit : {"auto", "paragraph", "section", "document"}
    min_docs : int
        With ``auto``, documents are the units from this many documents on.

    Returns
    -------
    (str, str)
        The unit and a one-sentence reason.
    """
    if unit != "auto":
        return unit, f"the unit was set to {unit} by the user"
    if n_docs >= min_docs:
        return "document", (f"there are {n_docs} documents (at least {min_docs}), "
                            "enough to model documents directly")
    few = "there is only 1 document" if n_docs == 1 else f"there are only {n_docs} documents"
    return "paragraph", (f"{few} (fewer than {min_docs}), so the model is fitted on "
                         "paragraphs and aggregated to documents")


# --------------------------------------------------------------------------- vocabulary

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

    def _words(self, text: str) -> list[str | None]:
        stop = self._stop
        out: list[str | None] = []
        prev_end = 0
        for m in T.WORD_RE.finditer(text):
            if text[prev_end:m.start()].strip():  # punctuation between words breaks a phrase
                out.append(None)
            prev_end = m.end()
            w = m.group(0).lower().replace("’", "'")
            if w in stop or len(w) < 2 or not any(c.isalpha() for c in w):
                out.append(None)
            else:
                out.append(w)
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


# --------------------------------------------------------------------------- models

def factorize(counts: sp.csr_matrix, n_topics: int, method: str = "nmf", random_state: int = 0,
              max_iter: int = 400, tfidf: TfidfTransformer | None = None):
    """Fit one NMF or LDA model on a count matrix.

    Parameters
    ----------
    counts : scipy.sparse matrix
        Units x terms counts.
    n_topics : int
    method : {"nmf", "lda"}
    random_state : int
    max_iter : int
    tfidf : TfidfTransformer, optional
        A fitted transformer (NMF only); fitted here when omitted.

    Returns
    -------
    (estimator, ndarray, ndarray, TfidfTransformer or None)
        The fitted scikit-learn estimator, the unit x topic weights and the
        topic x term weights.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if method == "nmf":
            if tfidf is None:
                tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)
            X = tfidf.transform(counts)
            est = NMF(n_components=n_topics, init="random", random_state=random_state,
                      max_iter=max_iter, tol=1e-4)
            W = est.fit_transform(X)
        elif method == "lda":
            est = LatentDirichletAllocation(n_components=n_topics, learning_method="batch",
                                            max_iter=max_iter, random_state=random_state)
            W = est.fit_transform(counts)
        else:
            raise InputError(f"method '{method}' is unknown: use nmf or lda")
    return est, W, est.components_, tfidf


def iterations(settings: dict, method: str | None = None) -> int:
    """The iteration limit the settings give `method` (``max_iter`` or ``lda_max_iter``)."""
    method = method or settings["method"]
    return int(settings["lda_max_iter"] if method == "lda" else settings["max_iter"])


def normalize_rows(m: np.ndarray) -> np.ndarray:
    """Rows scaled to sum to 1; all-zero rows become NaN."""
    m = np.asarray(m, dtype=float)
    s = m.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = m / s
    out[(s == 0).ravel()] = np.nan
    return out


class TopicModel:
    """NMF-on-TF-IDF or LDA-on-counts topic model with explicit vocabulary rules.

    Parameters
    ----------
    n_topics : int
    method : {"nmf", "lda"}
    min_df, max_df, ngram_max, fold_plurals, stop_words
        Vocabulary rules, see :class:`Vocabulary`.
    max_iter : int
    random_state : int

    Attributes
    ----------
    vocabulary_ : Vocabulary
    terms_ : ndarray of str
    components_ : ndarray, shape (n_topics, n_terms)
        Topic-term weights; topics are ordered by prevalence (topic 0 first).
    unit_topics_ : ndarray, shape (n_units, n_topics)
        Topic shares of each training unit; rows sum to 1 (NaN for a unit
        with no kept term).
    prevalence_ : ndarray, shape (n_topics,)
        Length-weighted mean share of each topic over the units; sums to 1.
    unit_lengths_ : ndarray, shape (n_units,)
        The weights: kept single-word tokens per unit.
    fit_seconds_ : float
    n_topics_ : int
        The number of topics actually fitted (`n_topics` clipped to what
        the data can support).
    """

    def __init__(self, n_topics: int = 5, method: str = "nmf", min_df: int = 2,
                 max_df: float = 0.4, ngram_max: int = 2, fold_plurals: bool = True,
                 stop_words=(), max_iter: int = 400, random_state: int = 0):
        self.n_topics = n_topics
        self.method = method
        self.min_df = min_df
        self.max_df = max_df
        self.ngram_max = ngram_max
        self.fold_plurals = fold_plurals
        self.stop_words = stop_words
        self.max_iter = max_iter
        self.random_state = random_state

    @classmethod
    def from_settings(cls, settings: dict, n_topics: int, random_state: int | None = None):
        """A model built from :func:`topic_settings` output."""
        return cls(n_topics=n_topics, method=settings["method"], min_df=settings["min_df"],
                   max_df=settings["max_df"], ngram_max=settings["ngram_max"],
                   fold_plurals=settings["fold_plurals"],
                   stop_words=tuple(settings["extra_stop_words"] or ()),
                   max_iter=iterations(settings),
                   random_state=settings["seed"] if random_state is None else random_state)

    def _vocabulary(self) -> Vocabulary:
        return Vocabulary(min_df=self.min_df, max_df=self.max_df, ngram_max=self.ngram_max,
                          fold_plurals=self.fold_plurals, stop_words=self.stop_words)

    def fit(self, texts, counts: sp.csr_matrix | None = None, vocabulary: Vocabulary | None = None):
        """Fit the vocabulary and the model.

        Parameters
        ----------
        texts : sequence of str
            The units.
        counts, vocabulary : optional
            A count matrix and the fitted :class:`Vocabulary` that made it,
            to skip re-tokenising (the k-scan reuses them).

        Returns
        -------
        self

        Raises
        ------
        InputError
            When the texts hold no usable word or fewer than two units.
        """
        t0 = time.perf_counter()
        texts = list(texts)
        if counts is None or vocabulary is None:
            vocabulary = self._vocabulary()
            counts = vocabulary.fit_transform(texts)
        self.vocabulary_ = vocabulary
        self.terms_ = vocabulary.terms_
        n_units, n_terms = counts.shape
        usable = int((np.asarray(counts.sum(axis=1)).ravel() > 0).sum())
        if usable < 2 or n_terms < 2:
            raise InputError("not enough text for topic modelling: need at least two units "
                             "with words outside the stop-word list")
        self.n_topics_ = int(max(1, min(self.n_topics, usable - 1 if usable > 2 else 2, n_terms)))
        est, W, H, tfidf = factorize(counts, self.n_topics_, self.method, self.random_state,
                                     self.max_iter)
        self.estimator_ = est
        self.tfidf_ = tfidf
        shares = normalize_rows(W)
        # weights: kept single words (phrase counts would favour repetitive units)
        unigrams = np.flatnonzero(~vocabulary.is_bigram_)
        lengths = np.asarray(counts[:, unigrams].sum(axis=1)).ravel()
        lengths = np.where(lengths > 0, lengths, np.asarray(counts.sum(axis=1)).ravel())
        prevalence = np.nansum(shares * lengths[:, None], axis=0)
        prevalence = prevalence / prevalence.sum() if prevalence.sum() > 0 else prevalence
        order = np.argsort(-prevalence, kind="stable")
        self.order_ = order
        self.components_ = np.asarray(H)[order]
        self.unit_weights_ = np.asarray(W)[:, order]
        self.unit_topics_ = shares[:, order]
        self.prevalence_ = prevalence[order]
        self.unit_lengths_ = lengths
        self.counts_ = counts
        self.fit_seconds_ = time.perf_counter() - t0
        return self

    def transform(self, texts) -> np.ndarray:
        """Topic shares of new texts (rows sum to 1; NaN for a text with no known term)."""
        counts = self.vocabulary_.transform(list(texts))
        X = self.tfidf_.transform(counts) if self.method == "nmf" else counts
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            W = self.estimator_.transform(X)
        W = np.asarray(W)[:, self.order_]
        if self.method == "lda":  # LDA gives the prior for an empty text; call it unknown
            W[np.asarray(counts.sum(axis=1)).ravel() == 0] = 0
        return normalize_rows(W)

    def topic_term_distributions(self) -> np.ndarray:
        """Topic-term weights scaled so each topic sums to 1."""
        return normalize_rows(self.components_)

    def top_terms(self, n: int = 10, kind: str = "all") -> list[list[tuple[str, float]]]:
        """The `n` heaviest terms of each topic as ``(term, weight)`` pairs.

        Parameters
        ----------
        n : int
        kind : {"all", "unigram", "bigram"}
        """
        mask = {"all": np.ones(len(self.terms_), bool), "unigram": ~self.vocabulary_.is_bigram_,
                "bigram": self.vocabulary_.is_bigram_}[kind]
        cols = np.flatnonzero(mask)
        out = []
        for row in self.components_:
            w = row[cols]
            idx = cols[np.argsort(-w, kind="stable")[:n]]
            out.append([(str(self.terms_[j]), float(row[j])) for j in idx if row[j] > 0])
        return out


# --------------------------------------------------------------------------- labels and frames

def _phrase(terms: list[str], head: str, max_words: int = 3) -> str:
    """Grow `head` into the longest phrase the overlapping two-word terms allow."""
    words = head.split()
    grown = True
    while grown and len(words) < max_words:
        grown = False
        for t in terms:
            a, _, b = t.partition(" ")
            if b and a == words[-1] and b not in words:
                words.append(b)
                grown = True
                break
            if b and b == words[0] and a not in words:
                words.insert(0, a)
                grown = True
                break
    return " ".join(words)


def auto_labels(model: TopicModel, n_terms: int = 6, max_words: int = 3) -> list[str]:
    """Short labels from each topic's heaviest terms.

    The label starts from the heaviest two-word term among the top
    `n_terms` that contains the topic's top word (else the top word), grows
    it through overlapping two-word terms ("security sector" + "sector
    reform" -> "security sector reform"), and adds the next top term that
    shares no word with it, up to `max_words` words in all.
    """
    labels = []
    for terms in model.top_terms(max(n_terms, 12)):
        names = [t for t, _ in terms]
        if not names:
            labels.append("(empty)")
            continue
        top = names[:n_terms]
        first = names[0]
        head = next((t for t in top if " " in t and first in t.split()), first)
        bigrams = [t for t in top if " " in t]
        parts = [_phrase(bigrams, head, max_words)]
        used = set(parts[0].split())
        for t in names[1:]:
            w = set(t.split())
            if len(used) + len(w) > max_words:
                continue
            if w & used:
                continue
            parts.append(t)
            used |= w
            break
        labels.append(" / ".join(parts))
    return labels


def topic_labels(model: TopicModel, user_labels: dict | None = None) -> list[str]:
    """Automatic labels, with user labels (``{topic number: label}``, 1-based) substituted."""
    labels = auto_labels(model)
    for k, v in (user_labels or {}).items():
        if 1 <= int(k) <= len(labels):
            labels[int(k) - 1] = str(v)
    return labels


def topic_terms_frame(model: TopicModel, labels: list[str], n: int = 10) -> pd.DataFrame:
    """Tidy top terms: ``topic``, ``label``, ``rank``, ``term``, ``kind``, ``weight``.

    ``kind`` is ``term`` for the mixed top list and ``bigram`` for the
    two-word top list (ranks restart for each kind). ``weight`` is the share
    of the topic's total weight.
    """
    dist = model.topic_term_distributions()
    rows = []
    for kind, lists in (("term", model.top_terms(n)), ("bigram", model.top_terms(n, "bigram"))):
        for t, terms in enumerate(lists):
            for r, (term, _) in enumerate(terms, start=1):
                rows.append({"topic": t + 1, "label": labels[t], "rank": r, "term": term,
                             "kind": kind, "weight": float(dist[t, model.vocabulary_.index_[term]])})
    return pd.DataFrame(rows, columns=["topic", "label", "rank", "term", "kind", "weight"])


def _share_frame(shares: np.ndarray, ids: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    k = shares.shape[1]
    frame = ids.loc[ids.index.repeat(k)].reset_index(drop=True)
    frame["topic"] = np.tile(np.arange(1, k + 1), len(ids))
    frame["label"] = [labels[t - 1] for t in frame["topic"]]
    frame["share"] = shares.ravel()
    return frame


def aggregate_shares(unit_shares: np.ndarray, lengths: np.ndarray, groups) -> tuple[np.ndarray, list]:
    """Length-weighted mean of unit topic shares within each group.

    Parameters
    ----------
    unit_shares : ndarray, shape (n_units, k)
        Rows sum to 1, or are NaN for units without a kept term.
    lengths : ndarray, shape (n_units,)
        Weights (kept-term counts).
    groups : sequence
        Group key of each unit, in the order groups should appear.

    Returns
    -------
    (ndarray, list)
        Group x topic shares (each row sums to 1; a group with no usable
        unit gets equal shares) and the group keys.
    """
    keys = list(dict.fromkeys(groups))
    pos = {g: i for i, g in enumerate(keys)}
    gi = np.array([pos[g] for g in groups], dtype=int)
    ok = ~np.isnan(unit_shares).any(axis=1) & (lengths > 0)
    k = unit_shares.shape[1]
    agg = sp.csr_matrix((lengths[ok], (gi[ok], np.flatnonzero(ok))),
                        shape=(len(keys), len(unit_shares))) @ np.nan_to_num(unit_shares)
    tot = agg.sum(axis=1, keepdims=True)
    out = np.where(tot > 0, agg / np.where(tot > 0, tot, 1), 1.0 / k)
    return out, keys


def topic_map(model: TopicModel, labels: list[str]) -> pd.DataFrame:
    """A 2-D intertopic distance map.

    Jensen-Shannon distances between the topic-term distributions, embedded
    in two dimensions by classical (Torgerson) multidimensional scaling, as
    in LDAvis.

    Returns
    -------
    pandas.DataFrame
        ``topic``, ``label``, ``x``, ``y``, ``prevalence``.
    """
    from scipy.spatial.distance import jensenshannon

    P = model.topic_term_distributions()
    k = len(P)
    D = np.zeros((k, k))
    for i in range(k):
        for j in range(i + 1, k):
            D[i, j] = D[j, i] = jensenshannon(P[i], P[j], base=2)
    if k >= 3:
        J = np.eye(k) - 1.0 / k
        B = -0.5 * J @ (D ** 2) @ J
        vals, vecs = np.linalg.eigh(B)
        idx = np.argsort(vals)[::-1][:2]
        xy = vecs[:, idx] * np.sqrt(np.clip(vals[idx], 0, None))
        xy *= np.sign(xy[np.abs(xy).argmax(axis=0), [0, 1]] + 1e-12)  # deterministic orientation
    elif k == 2:
        xy = np.array([[-D[0, 1] / 2, 0.0], [D[0, 1] / 2, 0.0]])
    else:
        xy = np.zeros((k, 2))
    return pd.DataFrame({"topic": np.arange(1, k + 1), "label": labels, "x": xy[:, 0],
                         "y": xy[:, 1], "prevalence": model.prevalence_})


def doc_similarity(doc_topics: pd.DataFrame, neighbours: int | None = None) -> pd.DataFrame:
    """Cosine similarity of documents in topic space.

    Parameters
    ----------
    doc_topics : pandas.DataFrame
        ``doc_id``, ``topic``, ``share`` (long format).
    neighbours : int, optional
        Keep only each document's most similar documents. Defaults to all
        pairs up to 200 documents and 10 neighbours beyond; rows are computed
        in blocks, so no n x n array is held for large n.

    Returns
    -------
    pandas.DataFrame
        ``doc_a``, ``doc_b``, ``similarity`` (both orders; no self-pairs).
    """
    wide = doc_topics.pivot(index="doc_id", columns="topic", values="share")
    wide = wide.reindex(list(dict.fromkeys(doc_topics["doc_id"])))
    ids = wide.index.to_numpy()
    X = wide.to_numpy(dtype=float)
    X = X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-12)
    n = len(ids)
    if neighbours is None:
        neighbours = n - 1 if n <= 200 else 10
    rows_a, rows_b, sims = [], [], []
    for s in range(0, n, 512):
        block = X[s:s + 512] @ X.T
        for i, row in enumerate(block, start=s):
            row[i] = -np.inf
            idx = np.argsort(-row, kind="stable")[:neighbours]
            rows_a += [ids[i]] * len(idx)
            rows_b += list(ids[idx])
            sims += list(row[idx])
    return pd.DataFrame({"doc_a": rows_a, "doc_b": rows_b, "similarity": sims})


# --------------------------------------------------------------------------- the pipeline

@dataclass
class TopicResult:
    """Everything the topics command and notebook show. Frames are tidy."""

    settings: dict
    unit: str
    unit_reason: str
    method: str
    k: int
    k_reason: str
    model: TopicModel | None
    units: pd.DataFrame
    labels: list[str] = field(default_factory=list)
    topic_terms: pd.DataFrame | None = None
    unit_topics: pd.DataFrame | None = None
    doc_topics: pd.DataFrame | None = None
    section_topics: pd.DataFrame | None = None
    topic_diagnostics: pd.DataFrame | None = None
    k_scan: pd.DataFrame | None = None
    topic_map: pd.DataFrame | None = None
    doc_similarity: pd.DataFrame | None = None
    stability: float = float("nan")
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether a model was fitted (False when the corpus is too small)."""
        return self.model is not None


def _representatives(shares: np.ndarray, units: pd.DataFrame, n: int) -> dict[int, list[int]]:
    """Per topic, the units with the highest share among those at least median length."""
    out = {}
    words = units["words"].to_numpy()
    long_enough = words >= np.median(words) if len(words) else words.astype(bool)
    for t in range(shares.shape[1]):
        col = np.nan_to_num(shares[:, t], nan=-1.0)
        score = np.where(long_enough, col, col - 2)  # short units only when nothing else
        idx = [i for i in np.argsort(-score, kind="stable")[:n] if col[i] > 0]
        out[t] = idx
    return out


def analyse_topics(corpus, params: dict | None = None, n_topics: int | None = None,
                   method: str | None = None, unit: str | None = None, k_scan=None,
                   scan_function=None) -> TopicResult:
    """Fit the topic model the settings ask for and build every frame.

    Parameters
    ----------
    corpus : Corpus
    params : dict, optional
        The full parameter dict (``topics`` section and ``seed``).
    n_topics : int, optional
        Fix k instead of choosing it from the k-scan.
    method, unit : str, optional
        Override ``topics.method`` / ``topics.unit``.
    k_scan : pandas.DataFrame, optional
        A k-scan already computed for these units and settings (from the
        cache); computed here when omitted.
    scan_function : callable, optional
        ``f(texts, settings) -> DataFrame`` used instead of
        :func:`analysis.topic_diagnostics.k_scan` (the cache passes one).

    Returns
    -------
    TopicResult
        ``ok`` is False (with a warning saying why) when the corpus is too
        small to model.
    """
    from . import topic_diagnostics as D

    s = topic_settings(params, method=method, unit=unit, n_topics=n_topics)
    chosen_unit, unit_reason = choose_unit(len(corpus.docs), s["unit"], int(s["auto_unit_min_docs"]))
    units = topic_units(corpus, chosen_unit)
    res = TopicResult(settings=s, unit=chosen_unit, unit_reason=unit_reason, method=s["method"],
                      k=0, k_reason="", model=None, units=units)
    texts = units["text"].tolist()
    vocab = Vocabulary(min_df=s["min_df"], max_df=s["max_df"], ngram_max=s["ngram_max"],
                       fold_plurals=s["fold_plurals"], stop_words=tuple(s["extra_stop_words"] or ()))
    counts = vocab.fit_transform(texts) if texts else sp.csr_matrix((0, 0))
    usable = int((np.asarray(counts.sum(axis=1)).ravel() > 0).sum()) if texts else 0
    if usable < 3 or counts.shape[1] < 3:
        res.warnings.append(f"not enough text for topic modelling: {usable} {chosen_unit} unit(s) "
                            f"with {counts.shape[1]} usable term(s); add documents or use a "
                            "smaller unit")
        return res

    # ---- choose k
    if k_scan is None:
        k_scan = (scan_function or D.k_scan)(texts, s)
    res.k_scan = k_scan
    if s.get("n_topics") is not None:
        k = int(s["n_topics"])
        res.k_reason = f"k = {k} was fixed by the user"
    else:
        k, res.k_reason = D.choose_k(k_scan, float(s["min_stability"]),
                                     float(s["coherence_tolerance"]), float(s["min_diversity"]))

    # ---- the model, and its seed replicates for stability
    model = TopicModel.from_settings(s, k).fit(texts, counts=counts, vocabulary=vocab)
    if model.n_topics_ != k:
        res.warnings.append(f"k = {k} is more than the data supports; fitted {model.n_topics_} topics")
    k = model.n_topics_
    res.k, res.model = k, model
    seeds = [s["seed"] + i for i in range(int(s["n_seeds"]))]
    reps = [model.components_] + [
        factorize(counts, k, s["method"], seed, iterations(s))[2] for seed in seeds[1:]]
    per_topic, overall = D.topic_stability(reps)
    res.stability = overall

    labels = topic_labels(model, s["labels"])
    res.labels = labels
    top_n = int(s["top_n"])

    # ---- units, documents, sections
    shares = model.unit_topics_
    lengths = model.unit_lengths_
    res.unit_topics = _share_frame(shares, units[["unit_id", "doc_id", "section", "heading"]], labels)
    doc_sh, doc_keys = aggregate_shares(shares, lengths, units["doc_id"].tolist())
    res.doc_topics = _share_frame(doc_sh, pd.DataFrame({"doc_id": doc_keys}), labels)
    if chosen_unit != "document":
        sec_keys = list(zip(units["doc_id"], units["section"]))
        sec_sh, keys = aggregate_shares(shares, lengths, sec_keys)
        heads = dict(zip(sec_keys, units["heading"]))
        ids = pd.DataFrame({"doc_id": [a for a, _ in keys], "section": [b for _, b in keys],
                            "heading": [heads[kk] for kk in keys]})
        res.section_topics = _share_frame(sec_sh, ids, labels)
    else:  # documents were the units: place each section with the fitted model
        secs = topic_units(corpus, "section")
        sec_sh = model.transform(secs["text"])
        ok = ~np.isnan(sec_sh).any(axis=1)
        res.section_topics = _share_frame(sec_sh[ok], secs.loc[ok, ["doc_id", "section", "heading"]]
                                          .reset_index(drop=True), labels)
    has_words = pd.Series(lengths > 0).groupby(units["doc_id"].to_numpy()).any()
    empty = [d for d in doc_keys if not has_words[d]]
    if empty:
        res.warnings.append(f"{len(empty)} document(s) have no modelled words and get equal "
                            f"shares: {', '.join(empty[:5])}")

    # ---- diagnostics per topic
    para_units = units if chosen_unit == "paragraph" else topic_units(corpus, "paragraph")
    ref = vocab.transform(para_units["text"].tolist()) if chosen_unit != "paragraph" else counts
    para_shares = shares if chosen_unit == "paragraph" else model.transform(para_units["text"])
    uni = model.top_terms(top_n, "unigram")
    top_idx = [[model.vocabulary_.index_[t] for t, _ in terms] for terms in uni]
    coherence = D.npmi_coherence(ref, top_idx)
    excl = D.exclusivity(model.topic_term_distributions(), top_idx)
    reps_idx = _representatives(para_shares, para_units, int(s["representative_n"]))
    doc_dom = res.doc_topics.loc[res.doc_topics.groupby("doc_id", sort=False)["share"].idxmax()]
    autos = auto_labels(model)
    tops, bigrams = model.top_terms(top_n), model.top_terms(5, "bigram")
    rows = []
    for t in range(k):
        rp = para_units.iloc[reps_idx[t]] if reps_idx[t] else para_units.iloc[[]]
        rows.append({
            "topic": t + 1, "label": labels[t], "auto_label": autos[t],
            "prevalence": float(model.prevalence_[t]), "coherence": float(coherence[t]),
            "exclusivity": float(excl[t]), "stability": float(per_topic[t]),
            "top_terms": ", ".join(w for w, _ in tops[t]),
            "top_bigrams": ", ".join(w for w, _ in bigrams[t]),
            "dominant_in": ", ".join(doc_dom.loc[doc_dom["topic"] == t + 1, "doc_id"]),
            "representative_doc": rp["doc_id"].iloc[0] if len(rp) else "",
            "representative_section": rp["heading"].iloc[0] if len(rp) else "",
            "representative_unit": rp["unit_id"].iloc[0] if len(rp) else "",
            "representative_text": rp["text"].iloc[0] if len(rp) else "",
            "representative_units": "; ".join(rp["unit_id"]),
        })
    res.topic_diagnostics = pd.DataFrame(rows)
    res.topic_terms = topic_terms_frame(model, labels, top_n)
    res.topic_map = topic_map(model, labels)
    res.doc_similarity = doc_similarity(res.doc_topics)
    return res


# --------------------------------------------------------------------------- scale

def synthetic_texts(paragraphs, n_docs: int = 2000, n_planted: int = 6, block_words: int = 15,
                    paragraphs_per_doc: tuple[int, int] = (3, 8), planted_per_paragraph: int = 6,
                    random_state: int = 0) -> tuple[list[str], np.ndarray]:
    """A large synthetic corpus built from real paragraphs plus planted topics.

    Each document samples paragraphs from `paragraphs` and, in every
    paragraph, inserts words drawn from one planted block of made-up words
    (block ``t`` holds ``plantTwJ``-style words found nowhere else), so each
    document has one known planted topic.

    Parameters
    ----------
    paragraphs : sequence of str
    n_docs, n_planted, block_words, planted_per_paragraph : int
    paragraphs_per_doc : (int, int)
        Inclusive range of paragraphs per document.
    random_state : int

    Returns
    -------
    (list of str, ndarray)
        The documents and the planted topic of each.
    """
    rng = np.random.default_rng(random_state)
    paragraphs = list(paragraphs)
    if not paragraphs:
        paragraphs = ["text"]
    letters = "abcdefghijklmnopqrstuvwxyz"
    blocks = [[f"planted{letters[t % 26]}{letters[t // 26]}word{letters[j % 26]}{letters[j // 26]}"
               for j in range(block_words)] for t in range(n_planted)]
    truth = rng.integers(0, n_planted, size=n_docs)
    docs = []
    for t in truth:
        n = int(rng.integers(paragraphs_per_doc[0], paragraphs_per_doc[1] + 1))
        parts = []
        for i in rng.integers(0, len(paragraphs), size=n):
            planted = " ".join(rng.choice(blocks[t], size=planted_per_paragraph))
            parts.append(f"{paragraphs[i]} {planted}")
        docs.append("\n\n".join(parts))
    return docs, truth


def time_fit(texts, settings: dict, n_topics: int, method: str | None = None) -> dict:
    """Time vocabulary building plus one model fit on `texts`.

    Returns
    -------
    dict
        ``units``, ``terms``, ``nonzeros``, ``seconds`` (wall clock, from
        :func:`time.perf_counter`).
    """
    s = dict(settings)
    if method:
        s["method"] = method
    t0 = time.perf_counter()
    model = TopicModel.from_settings(s, n_topics).fit(texts)
    seconds = time.perf_counter() - t0
    return {"units": len(texts), "terms": len(model.terms_), "nonzeros": int(model.counts_.nnz),
            "seconds": seconds, "method": s["method"], "k": model.n_topics_}


def scale_check(paragraphs, settings: dict, n_docs: int = 2000, n_planted: int = 6) -> dict:
    """Time a fit on a large synthetic corpus and check the planted topics come back.

    Builds :func:`synthetic_texts` from `paragraphs`, fits a document-level
    model with ``k = n_planted`` and matches fitted to planted topics with the
    Hungarian algorithm on their document counts.

    Returns
    -------
    dict
        :func:`time_fit`'s keys plus ``docs`` and ``recovery`` (share of
        documents whose dominant fitted topic is their planted topic).
    """
    from scipy.optimize import linear_sum_assignment

    texts, truth = synthetic_texts(paragraphs, n_docs=n_docs, n_planted=n_planted,
                                   random_state=int(settings["seed"]))
    t0 = time.perf_counter()
    model = TopicModel.from_settings(settings, n_planted).fit(texts)
    seconds = time.perf_counter() - t0
    shares = np.nan_to_num(model.unit_topics_)
    found = shares.argmax(axis=1)
    table = np.zeros((n_planted, model.n_topics_))
    np.add.at(table, (truth, found), 1)
    r, c = linear_sum_assignment(-table)
    return {"docs": n_docs, "units": len(texts), "terms": len(model.terms_),
            "nonzeros": int(model.counts_.nnz), "seconds": seconds, "method": settings["method"],
            "k": model.n_topics_, "recovery": float(table[r, c].sum() / n_docs)}


def dominant_topics(doc_topics: pd.DataFrame) -> pd.DataFrame:
    """Each document's largest topic: ``doc_id``, ``topic``, ``label``, ``share``, ``runner_up_share``."""
    rows = []
    for doc_id, g in doc_topics.groupby("doc_id", sort=False):
        g = g.sort_values(["share", "topic"], ascending=[False, True])
        top = g.iloc[0]
        rows.append({"doc_id": doc_id, "topic": int(top["topic"]), "label": top["label"],
                     "share": float(top["share"]),
                     "runner_up_share": float(g["share"].iloc[1]) if len(g) > 1 else 0.0})
    return pd.DataFrame(rows, columns=["doc_id", "topic", "label", "share", "runner_up_share"])


def topic_switches(section_topics: pd.DataFrame) -> pd.Series:
    """How often the leading topic changes between consecutive sections of each document.

    Parameters
    ----------
    section_topics : pandas.DataFrame
        ``doc_id``, ``section``, ``topic``, ``share`` (one row per section and topic).

    Returns
    -------
    pandas.Series
        Number of changes, indexed by ``doc_id`` in order of first appearance.
    """
    order = list(dict.fromkeys(section_topics["doc_id"]))
    lead = section_topics.loc[section_topics.groupby(["doc_id", "section"])["share"].idxmax()]
    lead = lead.sort_values(["doc_id", "section"])
    changes = lead.groupby("doc_id")["topic"].apply(lambda t: int((t.diff().fillna(0) != 0).sum()))
    return changes.reindex(order).astype(int)


def method_verdict(comparison: pd.DataFrame, used: str) -> str:
    """One sentence comparing NMF and LDA rows of :func:`analysis.topic_diagnostics.compare_methods`.

    Counts on how many of coherence, diversity and stability each method
    wins, and says whether the method in use is the better one.
    """
    if comparison is None or len(comparison) < 2:
        return ""
    c = comparison.set_index("method")
    wins = {m: 0 for m in c.index}
    for col in ("coherence", "diversity", "stability"):
        wins[c[col].idxmax()] += 1
    better = max(wins, key=lambda m: (wins[m], m == used))
    other = [m for m in c.index if m != used][0]
    if better == used:
        how = "all three" if wins[used] == 3 else f"{wins[used]} of the three"
        return (f"{used.upper()} scores higher than {other.upper()} on {how} measures "
                f"(coherence, diversity, stability), so the report uses {used.upper()}.")
    return (f"{other.upper()} scores higher on {wins[other]} of the three measures (coherence, "
            f"diversity, stability); the report still uses {used.upper()} as set in the parameter "
            f"file (topics.method).")
