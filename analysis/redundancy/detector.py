"""The redundancy detector: three layers, two tiers, one definition of "restated".

- **verbatim**: near-copies by word-shingle overlap (:mod:`.verbatim`);
- **formulaic**: recurring stock phrases (:mod:`.formulaic`);
- **paraphrase**: embedding neighbours checked by a verifier (:mod:`.paraphrase`).

Every candidate pair gets both scores and a tier:

- **same point** (strict): a near-copy, or a pair the verifier accepts
  (kind ``paraphrase``); its precision is measured on held-out labels;
- **related** (themes revisited): cosine at or above the related threshold,
  not the same point;
- a pair that only shares a stock phrase is kind ``shared phrase``.

Points, restated sentences, novelty and the document matrix use the strict
tier only (:mod:`.clusters`). No plotting and no file I/O here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .. import text as T
from ..arrays import unique_sorted
from ..background import Beside, Deferred, forked, in_row_blocks, start
from ..embeddings import Embedder
from ..errors import InputError
from . import clusters as C
from .formulaic import phrase_table
from .paraphrase import (SamePointVerifier, ann_index, is_approximate, neighbours, pair_features,
                         sentence_tokens)
from .settings import DEFAULTS, KINDS, PAIR_COLUMNS, SAME_POINT_KINDS, merge, redundancy_params
from .shingles import _group_pairs, pair_overlap, shingle_sets
from .verbatim import empty_passages, is_near_copy, near_copy_pairs, paragraph_pairs, passages


#: Candidate pairs whose features are computed at a time, and blocks computed at once (bound memory).
VERIFY_BLOCK = 500_000
VERIFY_THREADS = 2


class RedundancyDetector:
    """Find repeated content among the sentences of a corpus.

    Parameters
    ----------
    backend : {"auto", "semantic", "lexical"}
        Embedding backend (see :class:`analysis.embeddings.Embedder`).
    threshold : float, optional
        Cosine of the "related" tier; None takes ``thresholds[backend]``.
    thresholds, retrieval_floor : dict
        Per backend: the related-tier cosine, and the cosine floor of the
        verifier's candidates.
    verifier : SamePointVerifier, optional
        A fitted verifier (with its ``threshold``). None: trained in
        :meth:`fit` from `training` when given, else no verifier (then only
        near-copies are "same point").
    verification : dict, optional
        The held-out measurements of a given `verifier` (as returned by
        :func:`analysis.redundancy.calibration.train_verifier`), reported as
        ``verification_``.
    training : (DataFrame, DataFrame), optional
        Labelled pairs for the verifier: ``(sentences, pairs)`` from
        :func:`analysis.references.same_point_labels`.
    verifier_settings : dict, optional
        ``target_precision``, ``folds``, ``C`` of the verifier.
    near_copy, near_copy_containment : float
        A pair is a near-copy when its shingle Jaccard reaches `near_copy`
        or its containment reaches `near_copy_containment`.
    shingle_size, doc_shingle_size, passage_min_words : int
    passage_max_docs : int, optional
        A run of ``passage_min_words`` words found in more documents than this
        is boilerplate (a stock phrase), not a shared passage.
    lsh, phrase : dict
    top_k, batch_size, lsa_components : int
    lsa_fit_max : int, optional
        Sentences the lexical LSA is fitted on (a seeded sample above this).
    use_lsh : bool
    embedder : Embedder, optional
    random_state : int
    exact_search_max : int
        Sentences up to which the neighbour search is exact (above: a faiss IVF index).
    pairs_max : int, optional
        Pairs of each kind listed in ``pairs_`` (and ``sentence_pairs.csv``),
        strongest first; None lists every pair. Every pair still counts in
        ``pair_counts_``, ``layers_``, the points and the document matrix.

    Attributes
    ----------
    pairs_, clusters_, phrases_, doc_overlap_, novelty_, sentence_flags_,
    passages_, paragraph_pairs_, layers_, points_curve_ : DataFrame
        ``pairs_`` lists the strongest ``pairs_max`` pairs of each kind.
    pair_counts_ : DataFrame
        Every pair found, counted by ``kind`` and ``scope``.
    backend_, model_ : str
    threshold_, floor_ : float
    distinct_points_, restated_ : int
    embed_stats_ : dict
    vectors_ : ndarray
    """

    def __init__(self, backend="auto", threshold=None, thresholds=None, retrieval_floor=None,
                 verifier=None, verification=None, training=None, verifier_settings=None, near_copy=0.35, near_copy_containment=0.80, shingle_size=3,
                 doc_shingle_size=5, passage_min_words=8, passage_max_docs=50, lsh=None, phrase=None, top_k=10,
                 batch_size=512, lsa_components=100, lsa_fit_max=200_000, use_lsh=True, embedder=None,
                 random_state=42, exact_search_max=20_000, pairs_max=20_000):
        self.backend = backend
        self.threshold = threshold
        self.thresholds = thresholds
        self.retrieval_floor = retrieval_floor
        self.verifier = verifier
        self.verification = verification
        self.training = training
        self.verifier_settings = verifier_settings
        self.near_copy = near_copy
        self.near_copy_containment = near_copy_containment
        self.shingle_size = shingle_size
        self.doc_shingle_size = doc_shingle_size
        self.passage_min_words = passage_min_words
        self.passage_max_docs = passage_max_docs
        self.lsh = lsh
        self.phrase = phrase
        self.top_k = top_k
        self.batch_size = batch_size
        self.exact_search_max = exact_search_max
        self.pairs_max = pairs_max
        self.lsa_components = lsa_components
        self.lsa_fit_max = lsa_fit_max
        self.use_lsh = use_lsh
        self.embedder = embedder
        self.random_state = random_state

    @classmethod
    def from_params(cls, params: dict | None = None, **overrides) -> "RedundancyDetector":
        """A detector configured from the ``redundancy`` section of `params`; non-None overrides win."""
        p = redundancy_params(params)
        kw = {k: p[k] for k in ("backend", "thresholds", "retrieval_floor", "near_copy",
                                "near_copy_containment", "shingle_size", "doc_shingle_size",
                                "passage_min_words", "passage_max_docs", "lsh", "phrase", "top_k", "batch_size",
                                "lsa_components", "lsa_fit_max", "exact_search_max", "pairs_max")}
        kw["verifier_settings"] = p["verifier"]
        kw["random_state"] = (params or {}).get("seed", 42)
        kw.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**kw)

    def embed(self, texts, tokens: tuple | None = None) -> np.ndarray:
        """Unit vectors of `texts` with this detector's embedder (sets ``backend_``, ``model_``).

        `tokens` (``Corpus.sentence_tokens`` of the same texts) spares the
        package's own embedder a second tokenising pass.
        """
        if self.embedder is None:
            self.embedder = Embedder(self.backend, batch_size=min(self.batch_size, 128),
                                     lsa_components=self.lsa_components, random_state=self.random_state,
                                     lsa_fit_max=self.lsa_fit_max)
        texts = list(texts)
        if not texts:
            V = np.zeros((0, 1), dtype=np.float32)
        elif tokens is not None and isinstance(self.embedder, Embedder):
            V = self.embedder.encode(texts, tokens=tokens)
        else:                                    # an embedder of the caller's: texts only
            V = self.embedder.encode(texts)
        self.backend_ = getattr(self.embedder, "backend_", "lexical")
        self.model_ = getattr(self.embedder, "model_", "")
        self.embed_stats_ = dict(getattr(self.embedder, "stats_", {}))
        return V

    def candidate_features(self, S: pd.DataFrame, V: np.ndarray, tokens: tuple | None = None):
        """Neighbours, token sets and shingle sets of sentences `S` (vectors `V`).

        `tokens` is ``(vocabulary, ids, sentence)`` of `S`'s texts from
        :func:`analysis.text.tokenize` when already computed (``Corpus.sentence_tokens``).
        """
        nb = self._search(V, thread=False).result()
        self.exact_search_ = bool(nb["exact"])
        return (nb, *self._token_sets(S, tokens))

    def _search(self, V: np.ndarray, thread: bool):
        """Start the neighbour search of `V` (sets ``floor_``); ``result()`` gives its dict.

        In a thread when `thread` (:class:`analysis.background.Beside`): faiss
        searches without the GIL, on one core while the caller builds token
        sets, shingles and phrases, then on all. The neighbours are the same
        either way.
        """
        floors = merge(DEFAULTS["retrieval_floor"], self.retrieval_floor or {})
        self.floor_ = float(floors.get(self.backend_, 0.0))
        args = (V, self.top_k, self.floor_, self.batch_size, self.exact_search_max, self.random_state)
        if not thread:
            return Deferred(neighbours, args)
        # The index is built first, alone: its clustering runs on two threads (ann_index).
        return Beside(neighbours, args + (ann_index(V, self.random_state),))

    def _token_sets(self, S: pd.DataFrame, tokens: tuple | None = None):
        """The verifier's token sets and the shingle sets of sentences `S`."""
        texts = S["text"].tolist()
        tokens = T.tokenize(texts) if tokens is None else tokens
        sets = shingle_sets(tokens, len(texts), self.shingle_size)
        return sentence_tokens(texts, tokens), sets

    # ------------------------------------------------------------------ fit
    def fit(self, corpus, sentences: pd.DataFrame | None = None) -> "RedundancyDetector":
        """Run all layers on a corpus.

        Parameters
        ----------
        corpus : Corpus or None
            Supplies sentences, paragraphs and document text; may be None
            when `sentences` is given (no paragraphs or passages then).
        sentences : DataFrame, optional
            ``doc_id``, ``sentence_id``, ``text`` (optionally ``section``,
            ``heading``, ``start``, ``end``) in reading order.

        Returns
        -------
        self
        """
        S = (corpus.sentences if sentences is None else sentences).reset_index(drop=True)
        for col, default in (("section", 0), ("heading", ""), ("start", -1), ("end", -1)):
            if col not in S:
                S = S.assign(**{col: default})
        n = len(S)
        lsh = merge(DEFAULTS["lsh"], self.lsh or {})
        ph = merge(DEFAULTS["phrase"], self.phrase or {})
        thresholds = merge(DEFAULTS["thresholds"], self.thresholds or {})

        V = self.embed(S["text"], corpus.sentence_tokens if sentences is None else None)
        self.vectors_ = V
        thr = self.threshold if self.threshold is not None else thresholds[self.backend_]
        if not 0 < thr <= 1:
            raise InputError(f"redundancy threshold {thr} must be in (0, 1]")
        self.threshold_ = float(thr)
        # Above exact_search_max sentences the approximate search is the longest single step
        # and runs in faiss without the GIL: it gets a thread while this one does the work that
        # needs no neighbours (at 5,000 documents about 85 s of search beside about 80 s of work).
        search_beside = is_approximate(n, self.top_k, self.exact_search_max)
        search = self._search(V, thread=search_beside)
        floor = self.floor_                  # training the verifier below searches too and resets it
        embed_stats = self.embed_stats_
        self.verifier_ = self.verifier
        self.verification_ = self.verification
        if self.verifier_ is None and self.training is not None:
            from .calibration import train_verifier
            settings = merge(DEFAULTS, {"thresholds": thresholds, "near_copy": self.near_copy,
                                        "near_copy_containment": self.near_copy_containment,
                                        "verifier": self.verifier_settings or {}})
            self.verifier_, self.verification_ = train_verifier(self, *self.training, settings,
                                                                self.random_state)
            self.embed_stats_ = embed_stats  # the corpus's embedding, not the labelled set's
        # Passages and paragraph pairs need no sentence pairs, and are mostly Python (a thread
        # would wait for the GIL): beside the search a forked process finds them while this one
        # builds the candidates (at 5,000 documents they took 35 s of this thread's time).
        verbatim = forked(_verbatim_layers, (self, corpus, lsh),
                          fork=search_beside and corpus is not None)
        tokens, sets = self._token_sets(S, corpus.sentence_tokens if sentences is None else None)

        # Candidates: embedding neighbours, shingle near-copies, shared phrases. Pairs are
        # int64 keys i * n + j (i < j), so the union and the look-ups are array operations.
        X_sh = sets.matrix         # shared by verification, near-copy scores and features
        li, lj, _ = near_copy_pairs(sets, self.near_copy, lsh, self.random_state, self.use_lsh, X_sh)
        self.phrases_, members = phrase_table(
            S, min_n=ph["min_n"], min_docs=ph["min_docs"], min_repeats=ph["min_repeats"],
            tokens=corpus.sentence_tokens if sentences is None else None, with_members=True)
        phrase_of = _phrase_pairs(S, self.phrases_, int(ph["max_pair_sentences"]), members)
        self.passages_, self.paragraph_pairs_ = verbatim.result()
        del verbatim
        nb = search.result()
        del search                                   # it holds the result: let del nb free it
        self.floor_, self.exact_search_ = floor, bool(nb["exact"])
        self.truncated_ = int((nb["sims"][:, -1] >= self.floor_).sum()) if nb["sims"].size else 0
        width = max(n, 1)
        phrase_keys = phrase_of["i"].to_numpy() * width + phrase_of["j"].to_numpy()   # sorted, unique
        keys = unique_sorted(np.concatenate([nb["pairs"]["i"].to_numpy() * width + nb["pairs"]["j"].to_numpy(),
                                             li * width + lj, phrase_keys]).astype(np.int64))
        i, j = keys // width, keys % width
        # Only the keys and each phrase pair's phrase are used from here: the pairs' own
        # columns (about 400 MB at 5,000 documents) would otherwise raise the peak below.
        phrase = phrase_of["phrase"].array           # categorical: a code per pair, not a string
        del phrase_of, nb["pairs"], li, lj
        # Features, verifier score and near-copy test block by block: per-pair feature rows for
        # tens of millions of candidates would not fit, their scores do.
        m = len(keys)
        p_same, cos, jac, ovl = (np.empty(m) for _ in range(4))
        near = np.empty(m, dtype=bool)

        def verify(lo: int, hi: int) -> None:          # one block; blocks write disjoint slices
            b = slice(lo, hi)
            shared = pair_overlap(X_sh, i[b], j[b])      # counted once for both uses
            X = pair_features(i[b], j[b], V, nb, tokens, sets, shingle_overlap=shared)
            p_same[b], cos[b] = self._verify(X), X["cosine"].to_numpy()
            jac[b], ovl[b], near[b] = is_near_copy(sets, i[b], j[b], self.near_copy,
                                                   self.near_copy_containment, overlap=shared)

        # Two blocks at a time: their sparse products, gathers and BLAS calls release the GIL
        # (28 M candidates at 5,000 documents: 31 s on one core, with the other idle).
        in_row_blocks(verify, m, VERIFY_BLOCK, VERIFY_THREADS, desc=f"verifying {m:,} candidate pairs")
        del X_sh, sets, tokens
        same = near | (p_same >= self._verifier_threshold())
        related = ~same & (cos >= self.threshold_)
        at = np.minimum(np.searchsorted(phrase_keys, keys), max(len(phrase_keys) - 1, 0))
        has_phrase = (phrase_keys[at] == keys) if len(phrase_keys) else np.zeros(len(keys), bool)
        # Kinds as codes into KINDS (-1: no kind), phrases as rows of the phrase pairs (-1: none):
        # millions of pairs, so no string per pair until the listed pairs' frame is built.
        kind = np.select([near, same, related, has_phrase], [0, 1, 2, 3], default=-1).astype(np.int8)
        phrase_at = np.where(has_phrase, np.asarray(phrase.codes)[at] if len(phrase) else -1, -1)
        nearest = nb["sims"][:, 0].astype(float) if nb["sims"].shape[1] else np.full(n, np.nan)
        names = phrase.categories.to_numpy(dtype=object)
        del keys, at, near, same, related, phrase, phrase_keys, nb
        # From here only the pairs of some kind count: each array is cut to them once, and the
        # full ones (about 3.5 GB at 5,000 documents) go before the summaries add their own.
        keep = np.flatnonzero(kind >= 0)
        i, j, kind, has_phrase, phrase_at = i[keep], j[keep], kind[keep], has_phrase[keep], phrase_at[keep]
        p_same, cos, jac, ovl = p_same[keep], cos[keep], jac[keep], ovl[keep]
        del keep
        same, related = kind <= 1, kind == 2       # (kinds 0 and 1: near copies and paraphrases)
        docs = pd.factorize(S["doc_id"])[0]
        # Document pairs on a second thread: sparse construction and sorts that release the GIL.
        doc_pairs = start(_doc_pair_counts, (docs[i[related]], docs[j[related]], pd.unique(S["doc_id"])))
        within = docs[i] == docs[j]
        self.pair_counts_ = _pair_counts(kind, within)
        self.layers_ = _layers(n, i, j, kind, has_phrase, within)
        del within
        listed = _strongest(kind, p_same, cos, self.pairs_max)
        self.pairs_ = _pair_frame(S, *(x[listed] for x in (i, j, kind, p_same, jac, ovl, cos, phrase_at)),
                                  names)
        related_docs = doc_pairs.result()

        # Points and the one definition of "restated".
        ai, bi = i[same], j[same]  # (the pair frame is sorted for reading; use the unsorted masks)
        ri, rj = i[related], j[related]
        del i, j, p_same, cos, jac, ovl, same, related, has_phrase, kind, phrase_at
        labels = C.point_labels(n, ai, bi)
        in_phrase = np.zeros(n, dtype=bool)
        in_phrase[members["row"].to_numpy()] = True
        del members
        self.sentence_flags_ = C.sentence_flags(S, labels, ri, rj, in_phrase, nearest)
        self.novelty_ = C.novelty(self.sentence_flags_)
        self.clusters_ = C.clusters(S, V, labels)
        self.points_curve_ = C.points_curve(labels)
        self.restated_ = int(self.sentence_flags_["restated"].sum()) if n else 0
        self.distinct_points_ = n - self.restated_
        doc_names = list(pd.unique(S["doc_id"]))
        self.doc_overlap_ = C.doc_matrix(self.sentence_flags_, doc_names, related=related_docs)
        return self

    def _verify(self, X: pd.DataFrame) -> np.ndarray:
        v = self.verifier_
        if v is None or len(X) == 0:
            return np.zeros(len(X))
        return v.predict_proba(X)

    def _verifier_threshold(self) -> float:
        return float(getattr(self.verifier_, "threshold", np.inf)) if self.verifier_ is not None else np.inf

    def verification_tables(self) -> dict[str, pd.DataFrame]:
        """The verifier's held-out measurements, when it was trained in :meth:`fit`.

        ``same_point_verification.csv``: one row per tier and per option tried
        (precision, recall, Wilson 95% intervals, population-weighted rates);
        ``labelled_pairs_scored.csv``: every labelled pair with its features,
        held-out score and flags.
        """
        r = self.verification_
        if not r:
            return {}
        tiers = pd.DataFrame([{"option": f"{k} tier" if k != "verifier" else "verifier alone",
                               **r[k]} for k in ("strict", "verifier", "related")])
        tiers.loc[tiers["option"] == "related tier", "option"] = "related tier (same or partly)"
        table = pd.concat([tiers.assign(kind="tier"), r["options"].assign(kind="option")],
                          ignore_index=True)
        table["threshold"] = r["threshold"]
        table["labelled_pairs"] = r["n"]
        table["labelled_same"] = r["positives"]
        table["backend"] = self.backend_
        return {"same_point_verification.csv": table,
                "labelled_pairs_scored.csv": r["labelled"].drop(columns=["a_text", "b_text"], errors="ignore")
                .assign(a_text=r["labelled"]["a_text"], b_text=r["labelled"]["b_text"])}

    def tables(self) -> dict[str, pd.DataFrame]:
        """The result tables by CSV file name (and :meth:`verification_tables`)."""
        return {**self.verification_tables(),
            "sentence_pairs.csv": self.pairs_, "clusters.csv": self.clusters_,
            "phrases.csv": self.phrases_, "doc_overlap.csv": self.doc_overlap_,
            "novelty.csv": self.novelty_, "sentence_novelty.csv": self.sentence_flags_,
            "shared_passages.csv": self.passages_, "paragraph_pairs.csv": self.paragraph_pairs_,
            "redundancy_layers.csv": self.layers_, "distinct_points.csv": self.points_curve_,
            "redundancy_run.csv": self.run_info(),
        }

    def pair_total(self, kinds=KINDS, scope: str | None = None) -> int:
        """Pairs found of `kinds` (in `scope`, "within" or "cross", when given), listed or not."""
        c = self.pair_counts_
        m = c["kind"].isin(list(kinds)) & ((c["scope"] == scope) if scope else True)
        return int(c.loc[m, "pairs"].sum())

    def run_info(self) -> pd.DataFrame:
        """One row: backend, model, thresholds, counts, and (labelled as such) timings."""
        st = self.embed_stats_
        v = self.verifier_
        return pd.DataFrame([{
            "backend": self.backend_, "model": self.model_, "related_threshold": self.threshold_,
            "retrieval_floor": self.floor_, "verifier_threshold": getattr(v, "threshold", np.nan),
            "near_copy": self.near_copy, "sentences": len(self.sentence_flags_),
            "restated": self.restated_, "distinct_points": self.distinct_points_,
            "restated_within": int(self.novelty_["restated_within"].sum()) if len(self.novelty_) else 0,
            "restated_cross": int(self.novelty_["restated_cross"].sum()) if len(self.novelty_) else 0,
            "same_point_pairs": self.pair_total(SAME_POINT_KINDS),
            "related_pairs": self.pair_total(("related",)),
            "pairs_total": self.pair_total(), "pairs_listed": len(self.pairs_),
            "related_sentences": int(self.sentence_flags_["related"].sum()) if len(self.sentence_flags_) else 0,
            "truncated_neighbour_lists": self.truncated_,
            "neighbour_search": "exact" if getattr(self, "exact_search_", True) else "approximate (faiss IVF)",
            "timing_embed_seconds": st.get("seconds", np.nan),
            "timing_model_load_seconds": st.get("load_seconds", np.nan),
            "cache_hits": st.get("cache_hits", 0), "encoded": st.get("encoded", 0),
        }])


# ---------------------------------------------------------------------- helpers

def _verbatim_layers(det: RedundancyDetector, corpus, lsh: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Shared passages and near-copy paragraph pairs of `corpus` (None: no passages)."""
    return ((passages(corpus, det.passage_min_words, det.passage_max_docs)
             if corpus is not None else empty_passages()),
            paragraph_pairs(corpus, det.shingle_size, det.near_copy, lsh, det.random_state, det.use_lsh))


def _phrase_pairs(S: pd.DataFrame, phrases: pd.DataFrame, max_sentences: int | None = None,
                  members: pd.DataFrame | None = None) -> pd.DataFrame:
    """Sentence pairs sharing a formulaic phrase, each with the longest phrase it shares.

    A phrase in more than `max_sentences` sentences gives no pairs: its pairs
    grow with the square of its frequency, and the phrase table already lists
    it once with all its sentences (which stay flagged as formulaic).
    `members` (``phrase`` row, sentence ``row``, from ``phrase_table(...,
    with_members=True)``) saves reading the sentences back from ``sentence_ids``.

    Returns
    -------
    DataFrame
        ``i``, ``j`` (row numbers of `S`, ``i < j``) and ``phrase`` (categorical),
        one row per pair, ordered by ``(i, j)``; of phrases of equal length, the first
        in the phrase table's order wins.
    """
    empty = pd.DataFrame({"i": np.zeros(0, np.int64), "j": np.zeros(0, np.int64),
                          "phrase": pd.Categorical([])})
    if phrases is None or not len(phrases):
        return empty
    ordered = phrases.sort_values("n_words", ascending=False)
    if members is None:
        ids = ordered["sentence_ids"].str.split(";")
        rank = np.repeat(np.arange(len(ordered)), ids.str.len().to_numpy())
        rows = pd.Index(S["sentence_id"]).get_indexer(np.concatenate(ids.to_numpy()))
        members = pd.DataFrame({"rank": rank, "row": rows}).drop_duplicates()
    else:
        rank_of = np.empty(len(phrases), dtype=np.int64)
        rank_of[phrases.index.get_indexer(ordered.index)] = np.arange(len(ordered))
        members = pd.DataFrame({"rank": rank_of[members["phrase"].to_numpy()],
                                "row": members["row"].to_numpy()})
    if max_sentences is not None:
        size = members.groupby("rank")["row"].transform("size")
        members = members[size.to_numpy() <= max_sentences]
    x, y = _group_pairs(members["rank"].to_numpy())
    if not len(x):
        return empty
    row, r = members["row"].to_numpy(), members["rank"].to_numpy()
    lo, hi, r = np.minimum(row[x], row[y]), np.maximum(row[x], row[y]), r[x]
    del x, y
    key = lo * max(len(S), 1) + hi
    order = np.lexsort((r, key))                 # by pair, then longest phrase first
    first = order[np.r_[True, key[order[1:]] != key[order[:-1]]]]
    # Categorical: 18 M pairs at 5,000 documents, each string once per phrase, not per pair.
    code, names = pd.factorize(ordered["phrase"])
    return pd.DataFrame({"i": lo[first], "j": hi[first],
                         "phrase": pd.Categorical.from_codes(code[r[first]], categories=names)})


def _pair_frame(S, i, j, kind, p_same, jac, ovl, cos, phrase_at, phrase_names) -> pd.DataFrame:
    """One row per pair, strongest first: by kind (in :data:`KINDS` order), then p_same, then cosine.

    `kind` holds codes into :data:`KINDS`; `phrase_at` rows of `phrase_names`
    (-1 for none). The order is found on the arrays and each column is taken
    once in that order, so the frame is never copied to be sorted.
    """
    p_same = np.round(p_same, 4)
    order = np.lexsort((-cos, -p_same, kind))       # stable: ties keep pair order
    i, j, kind = i[order], j[order], kind[order]
    kinds = np.array(KINDS, dtype=object)
    tiers = np.array(["same point" if k in SAME_POINT_KINDS else "related" if k == "related" else ""
                      for k in KINDS], dtype=object)
    phrases = np.r_[np.asarray(phrase_names, dtype=object), np.array([""], dtype=object)]
    col = {c: S[c].to_numpy() for c in ("sentence_id", "doc_id", "section", "heading", "start", "end",
                                          "text")}
    a_doc, b_doc = col["doc_id"][i], col["doc_id"][j]
    return pd.DataFrame({
        "a_id": col["sentence_id"][i], "b_id": col["sentence_id"][j], "a_doc": a_doc, "b_doc": b_doc,
        "scope": np.where(a_doc == b_doc, "within", "cross").astype(object),
        "kind": kinds[kind], "tier": tiers[kind], "p_same": p_same[order], "lexical": jac[order],
        "containment": ovl[order], "semantic": cos[order], "phrase": phrases[phrase_at[order]],
        "a_section": col["section"][i], "b_section": col["section"][j], "a_heading": col["heading"][i],
        "b_heading": col["heading"][j], "a_start": col["start"][i], "a_end": col["end"][i],
        "b_start": col["start"][j], "b_end": col["end"][j], "a_text": col["text"][i],
        "b_text": col["text"][j],
    }, columns=PAIR_COLUMNS)


def _strongest(kind, p_same, cos, cap: int | None) -> np.ndarray:
    """Rows of the `cap` strongest pairs of each kind (by p_same, then cosine), in row order.

    Selected by partitioning, not by sorting every pair (18 M shared-phrase
    pairs at 5,000 documents); ties keep row order, as a stable sort would.
    """
    if cap is None:
        return np.arange(len(kind))
    keys = [-np.round(p_same, 4), -cos]              # once, not once per kind
    picked = [_first_rows(np.flatnonzero(kind == k), keys, int(cap))
              for k in np.flatnonzero(np.bincount(kind.astype(np.int64)))]
    return np.sort(np.concatenate(picked)) if picked else np.zeros(0, np.int64)


def _first_rows(rows: np.ndarray, keys: list, cap: int) -> np.ndarray:
    """The `cap` of ascending `rows` that come first by `keys` (most significant first), then by row."""
    if len(rows) <= cap:
        return rows
    if not keys:
        return rows[:cap]
    v = keys[0][rows]
    t = np.partition(v, cap - 1)[cap - 1]           # the cap-th smallest value
    better, tie = v < t, v == t
    rest = _first_rows(rows[tie], keys[1:], cap - int(better.sum()))
    return np.concatenate([rows[better], rest])


def _pair_counts(kind, within) -> pd.DataFrame:
    """Pairs per kind and scope (every kind and scope, zeros included)."""
    counts = np.zeros((len(KINDS), 2), dtype=np.int64)
    np.add.at(counts, (kind.astype(np.int64), within.astype(np.int64)), 1)
    return pd.DataFrame([{"kind": k, "scope": scope, "pairs": int(counts[c, w])}
                         for c, k in enumerate(KINDS) for w, scope in ((1, "within"), (0, "cross"))])


def _doc_pair_counts(da, db, names) -> pd.Series:
    """Pairs between each ordered pair of documents, both directions, indexed by their names.

    A pair within one document counts twice on the diagonal (once per direction).
    Counted in a sparse document-by-document matrix and indexed by codes: at
    5,000 documents there are 20 M related pairs, and sorting them or
    factorising a name per document pair took 10 s.
    """
    width = max(len(names), 1)
    counts = sp.csr_matrix((np.ones(len(da), dtype=np.int64), (np.asarray(da), np.asarray(db))),
                           shape=(width, width))
    counts = (counts + counts.T).tocsr()          # sums duplicates; rows and columns ascending
    counts.sort_indices()
    rows = np.repeat(np.arange(width), np.diff(counts.indptr))
    level = pd.Index(np.asarray(names, dtype=object))
    index = pd.MultiIndex(levels=[level, level], codes=[rows, counts.indices], verify_integrity=False)
    return pd.Series(counts.data, index=index)


def _layers(n: int, i, j, kind, has_phrase, within) -> pd.DataFrame:
    """Pairs and sentences per layer and scope (a sentence counts once per layer).

    `within` marks the pairs inside one document.
    """
    rows = []
    specs = [("verbatim", kind == 0), ("paraphrase", kind == 1), ("same point", kind <= 1),
             ("related", kind == 2), ("formulaic", has_phrase)]
    for name, m in specs:
        hits = {}
        for scope, s in (("within", m & within), ("cross", m & ~within)):
            hit = np.zeros(n, dtype=bool)            # marks, not a sort: linear in the pairs
            hit[i[s]] = True
            hit[j[s]] = True
            hits[scope] = (hit, int(s.sum()))
        hits["all"] = (hits["within"][0] | hits["cross"][0], hits["within"][1] + hits["cross"][1])
        for scope, (hit, pairs) in hits.items():
            involved = int(hit.sum())
            rows.append({"layer": name, "scope": scope, "pairs": pairs, "sentences": involved,
                         "share_of_sentences": involved / max(n, 1)})
    return pd.DataFrame(rows)
