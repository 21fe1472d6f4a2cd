"""Redundancy detection in three layers: verbatim, formulaic and paraphrase.

- **Verbatim / near-verbatim**: word-shingle Jaccard and containment between
  sentences, paragraphs and documents (:mod:`analysis.shingles`), with
  MinHash-LSH candidates verified exactly, and the longest shared passages.
- **Formulaic**: maximal recurring word n-grams (:mod:`analysis.phrases`).
- **Paraphrase**: cosine similarity of sentence embeddings
  (:mod:`analysis.embeddings`), neighbours found by chunked top-k search.

Every reported pair keeps both sides (ids, documents, sections, offsets,
text) and both scores. Sentences joined by near-copy or paraphrase edges form
clusters ("points"); a sentence is *novel* when it restates nothing said
earlier in its own document nor anything in another document.

No plotting and no file I/O here (embeddings are cached by
:mod:`analysis.embeddings`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from . import text as T
from .embeddings import Embedder, top_k_neighbours
from .errors import InputError
from .phrases import phrase_table
from .shingles import (exact_pairs, minhash_candidates, overlap, jaccard, shared_passages,
                       shingles, text_shingles, verify_pairs)

#: Defaults for the ``redundancy:`` section of params.yaml.
DEFAULTS = {
    "backend": "auto",                 # auto | semantic | lexical
    # Paraphrase cosine per backend, calibrated on tests/fixtures/redundancy/calibration_pairs.csv.
    "thresholds": {"semantic": 0.8445, "lexical": 0.2632},
    "near_copy": 0.35,                 # sentence 3-shingle Jaccard for a near-copy
    "near_copy_containment": 0.80,     # ... or this share of the shorter sentence
    "shingle_size": 3,                 # words per shingle (sentences, paragraphs)
    "doc_shingle_size": 5,             # words per shingle for document containment
    "passage_min_words": 8,            # shortest shared passage reported
    "lsh": {"num_perm": 128, "threshold": 0.30},
    "phrase": {"min_n": 4, "min_docs": 2, "min_repeats": 3},
    "top_k": 10,
    "batch_size": 512,
    "lsa_components": 100,
    "calibration_file": "tests/fixtures/redundancy/calibration_pairs.csv",
    "control_dir": "tests/fixtures/redundancy/unrelated",   # unrelated documents (false positives)
    "benchmark_dir": "benchmarks/results",                  # timings from benchmarks/redundancy_scaling.py
}

KINDS = ("near-copy", "paraphrase", "shared phrase")
PAIR_COLUMNS = ["a_id", "b_id", "a_doc", "b_doc", "scope", "kind", "lexical", "containment",
                "semantic", "phrase", "a_section", "b_section", "a_heading", "b_heading",
                "a_start", "a_end", "b_start", "b_end", "a_text", "b_text"]


def redundancy_params(params: dict | None = None) -> dict:
    """The ``redundancy`` settings of a params dict, filled in from :data:`DEFAULTS`."""
    from .config import _merge

    section = (params or {}).get("redundancy") or {}
    if not isinstance(section, dict):
        raise InputError("the 'redundancy' entry of the parameter file must be a mapping of settings")
    return _merge(DEFAULTS, section)


class RedundancyDetector:
    """Find repeated content among the sentences of a corpus.

    Parameters
    ----------
    backend : {"auto", "semantic", "lexical"}
        Embedding backend of the paraphrase layer (see :class:`analysis.embeddings.Embedder`).
    threshold : float, optional
        Paraphrase cosine threshold; None takes ``thresholds[backend]``.
    thresholds : dict
        Calibrated paraphrase thresholds per backend.
    near_copy, near_copy_containment : float
        A pair is a near-copy when its shingle Jaccard reaches `near_copy`
        or its containment (share of the shorter sentence) reaches
        `near_copy_containment`.
    shingle_size, doc_shingle_size, passage_min_words : int
    lsh : dict
        ``num_perm`` and ``threshold`` of the MinHash-LSH candidate search.
    phrase : dict
        ``min_n``, ``min_docs``, ``min_repeats`` of :func:`analysis.phrases.phrase_table`.
    top_k : int
        Neighbours kept per sentence in the paraphrase layer.
    batch_size : int
        Rows per chunk of the neighbour search (and encoding batch).
    lsa_components : int
    use_lsh : bool
        False finds verbatim pairs by the exact sparse path instead.
    embedder : Embedder, optional
        Reuse an embedder (and its cache settings).
    random_state : int

    Attributes
    ----------
    pairs_, clusters_, phrases_, doc_overlap_, novelty_, sentence_flags_,
    passages_, paragraph_pairs_, layers_, points_curve_ : DataFrame
        See :meth:`tables`.
    backend_, model_ : str
        The embedding backend and model that ran.
    threshold_ : float
        The paraphrase threshold used.
    embed_stats_ : dict
        Timing and cache hits of the embedding step.
    truncated_ : int
        Sentences whose top-k neighbour list was full above the threshold
        (more paraphrases may exist than were listed).
    vectors_ : ndarray
        Sentence embeddings.
    """

    def __init__(self, backend="auto", threshold=None, thresholds=None, near_copy=0.35,
                 near_copy_containment=0.80, shingle_size=3, doc_shingle_size=5,
                 passage_min_words=8, lsh=None, phrase=None, top_k=10, batch_size=512,
                 lsa_components=100, use_lsh=True, embedder=None, random_state=42):
        self.backend = backend
        self.threshold = threshold
        self.thresholds = thresholds
        self.near_copy = near_copy
        self.near_copy_containment = near_copy_containment
        self.shingle_size = shingle_size
        self.doc_shingle_size = doc_shingle_size
        self.passage_min_words = passage_min_words
        self.lsh = lsh
        self.phrase = phrase
        self.top_k = top_k
        self.batch_size = batch_size
        self.lsa_components = lsa_components
        self.use_lsh = use_lsh
        self.embedder = embedder
        self.random_state = random_state

    @classmethod
    def from_params(cls, params: dict | None = None, **overrides) -> "RedundancyDetector":
        """A detector configured from the ``redundancy`` section of `params`.

        Keyword arguments that are not None override the file.
        """
        p = redundancy_params(params)
        kw = {k: p[k] for k in ("backend", "thresholds", "near_copy", "near_copy_containment",
                                "shingle_size", "doc_shingle_size", "passage_min_words", "lsh",
                                "phrase", "top_k", "batch_size", "lsa_components")}
        kw["random_state"] = (params or {}).get("seed", 42)
        kw.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**kw)

    # ------------------------------------------------------------------ fit
    def fit(self, corpus, sentences: pd.DataFrame | None = None) -> "RedundancyDetector":
        """Run all three layers on a corpus.

        Parameters
        ----------
        corpus : Corpus or None
            Supplies sentences, paragraphs and document text. May be None
            when `sentences` is given (no paragraphs or passages then).
        sentences : DataFrame, optional
            Sentences with ``doc_id``, ``sentence_id``, ``text`` (and
            optionally ``section``, ``heading``, ``start``, ``end``), in
            reading order; defaults to ``corpus.sentences``.

        Returns
        -------
        self
        """
        S = (corpus.sentences if sentences is None else sentences).reset_index(drop=True)
        for col, default in (("section", 0), ("heading", ""), ("start", -1), ("end", -1)):
            if col not in S:
                S = S.assign(**{col: default})
        n = len(S)
        lsh = {**DEFAULTS["lsh"], **(self.lsh or {})}
        ph = {**DEFAULTS["phrase"], **(self.phrase or {})}
        thresholds = {**DEFAULTS["thresholds"], **(self.thresholds or {})}

        # Paraphrase layer: embeddings and chunked top-k neighbours.
        emb = self.embedder or Embedder(self.backend, batch_size=min(self.batch_size, 128),
                                        lsa_components=self.lsa_components,
                                        random_state=self.random_state)
        V = emb.encode(S["text"]) if n else np.zeros((0, 1), dtype=np.float32)
        self.vectors_ = V
        self.backend_ = getattr(emb, "backend_", "lexical")
        self.model_ = getattr(emb, "model_", "")
        self.embed_stats_ = getattr(emb, "stats_", {})
        thr = self.threshold if self.threshold is not None else thresholds[self.backend_]
        if not 0 < thr <= 1:
            raise InputError(f"paraphrase threshold {thr} must be in (0, 1]")
        self.threshold_ = float(thr)
        doc_codes, doc_names = pd.factorize(S["doc_id"], sort=False)
        sem_pairs, truncated = top_k_neighbours(V, self.top_k, self.threshold_, self.batch_size)
        self.truncated_ = int(truncated.sum())
        self._doc_max = _group_max(V, doc_codes, len(doc_names), self.batch_size)

        # Verbatim layer: shingles, LSH (or exact) candidates, exact verification.
        words = [T.words(t) for t in S["text"]]
        sets = [shingles(w, self.shingle_size) for w in words]
        if self.use_lsh:
            cands = minhash_candidates(sets, lsh["num_perm"], lsh["threshold"], self.random_state)
            lex = verify_pairs(sets, cands, min(self.near_copy, lsh["threshold"]))
        else:
            lex = exact_pairs(sets, min(self.near_copy, lsh["threshold"]))

        # Formulaic layer.
        self.phrases_ = phrase_table(S, min_n=ph["min_n"], min_docs=ph["min_docs"],
                                     min_repeats=ph["min_repeats"])
        index = {sid: i for i, sid in enumerate(S["sentence_id"])}
        phrase_of: dict[tuple[int, int], str] = {}
        # Longest phrases first, so each pair records its longest shared phrase.
        for row in self.phrases_.sort_values("n_words", ascending=False).itertuples():
            members = sorted(index[s] for s in row.sentence_ids.split(";"))
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    phrase_of.setdefault((members[x], members[y]), row.phrase)

        # Combine: every candidate gets both scores, then a kind.
        rows = []
        for i, j in sorted(set(sem_pairs) | set(lex) | set(phrase_of)):
            jac = jaccard(sets[i], sets[j])
            ovl = overlap(sets[i], sets[j]) if min(len(sets[i]), len(sets[j])) >= 3 else jac
            sem = float(np.clip(V[i] @ V[j], -1.0, 1.0))
            near = jac >= self.near_copy or ovl >= self.near_copy_containment
            para = sem >= self.threshold_
            phrase = phrase_of.get((i, j), "")
            kind = "near-copy" if near else "paraphrase" if para else "shared phrase" if phrase else None
            if kind:
                rows.append((i, j, kind, jac, ovl, sem, phrase))
        self.pairs_ = _pair_frame(S, rows, self.near_copy, self.near_copy_containment,
                                  self.threshold_)

        # Points (clusters), novelty, document matrix.
        strong = [(r[0], r[1]) for r in rows if r[2] in ("near-copy", "paraphrase")]
        ai = np.array([x[0] for x in strong], dtype=int)
        bi = np.array([x[1] for x in strong], dtype=int)
        self.clusters_, labels = _clusters(S, V, ai, bi, self.threshold_)
        self.sentence_flags_ = _sentence_flags(S, words, ai, bi, labels, self.phrases_)
        nearest = self._doc_max.max(axis=1) if n else np.zeros(0)
        self.sentence_flags_.insert(len(self.sentence_flags_.columns) - 1, "nearest_semantic",
                                    np.where(np.isfinite(nearest), nearest, np.nan))
        self.novelty_ = _novelty(self.sentence_flags_)
        self.points_curve_ = _points_curve(labels)
        self.distinct_points_ = int(len(np.unique(labels))) if n else 0
        self.passages_ = _passages(corpus, self.passage_min_words) if corpus is not None else _empty_passages()
        self.doc_overlap_ = _doc_overlap(corpus, S, list(doc_names), doc_codes, ai, bi,
                                         self._doc_max, self.doc_shingle_size, self.passages_)
        self.paragraph_pairs_ = _paragraph_pairs(corpus, self.shingle_size, self.near_copy, lsh,
                                                 self.random_state, self.use_lsh)
        self.layers_ = _layers(S, self.pairs_, self.sentence_flags_)
        return self

    def tables(self) -> dict[str, pd.DataFrame]:
        """The result tables by CSV file name.

        ``sentence_pairs.csv`` (scored pairs, both sides), ``clusters.csv``
        (one row per member sentence), ``phrases.csv``, ``doc_overlap.csv``
        (document x document), ``novelty.csv`` (per document),
        ``sentence_novelty.csv``, ``shared_passages.csv``, ``paragraph_pairs.csv``,
        ``redundancy_layers.csv``, ``distinct_points.csv`` and ``redundancy_run.csv``
        (backend, model, threshold, timings).
        """
        return {
            "sentence_pairs.csv": self.pairs_, "clusters.csv": self.clusters_,
            "phrases.csv": self.phrases_, "doc_overlap.csv": self.doc_overlap_,
            "novelty.csv": self.novelty_, "sentence_novelty.csv": self.sentence_flags_,
            "shared_passages.csv": self.passages_, "paragraph_pairs.csv": self.paragraph_pairs_,
            "redundancy_layers.csv": self.layers_, "distinct_points.csv": self.points_curve_,
            "redundancy_run.csv": self.run_info(),
        }

    def run_info(self) -> pd.DataFrame:
        """One row describing the run: backend, model, threshold, counts and timings."""
        st = self.embed_stats_
        return pd.DataFrame([{
            "backend": self.backend_, "model": self.model_, "threshold": self.threshold_,
            "near_copy": self.near_copy, "sentences": len(self.sentence_flags_),
            "distinct_points": self.distinct_points_, "truncated_neighbour_lists": self.truncated_,
            "embed_seconds": st.get("seconds", np.nan), "model_load_seconds": st.get("load_seconds", np.nan),
            "cache_hits": st.get("cache_hits", 0), "encoded": st.get("encoded", 0),
        }])


def detect_redundancy(corpus, params: dict | None = None, **overrides) -> RedundancyDetector:
    """Configure a :class:`RedundancyDetector` from `params` and fit it on `corpus`."""
    return RedundancyDetector.from_params(params, **overrides).fit(corpus)


# ---------------------------------------------------------------------- helpers

def _group_max(V, codes, n_groups, batch_size):
    """``(n, n_groups)`` max cosine from each row to any other row of each group."""
    n = len(V)
    out = np.full((n, n_groups), -np.inf, dtype=np.float32)
    if n < 2:
        return out
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    bounds = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    present = sorted_codes[bounds]
    W = V[order]
    for start in range(0, n, batch_size):
        block = V[start:start + batch_size] @ W.T
        rows = np.arange(block.shape[0])
        pos = np.empty(n, dtype=int)
        pos[order] = np.arange(n)
        block[rows, pos[start + rows]] = -np.inf
        out[start:start + len(rows), present] = np.maximum.reduceat(block, bounds, axis=1)
    return out


def _pair_frame(S, rows, near_copy, near_copy_containment, threshold) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame(columns=PAIR_COLUMNS + ["layer_verbatim", "layer_semantic",
                                                    "layer_formulaic"])
    a = np.array([r[0] for r in rows])
    b = np.array([r[1] for r in rows])
    A, B = S.iloc[a].reset_index(drop=True), S.iloc[b].reset_index(drop=True)
    frame = pd.DataFrame({
        "a_id": A["sentence_id"], "b_id": B["sentence_id"], "a_doc": A["doc_id"], "b_doc": B["doc_id"],
        "scope": np.where(A["doc_id"].to_numpy() == B["doc_id"].to_numpy(), "within", "cross"),
        "kind": [r[2] for r in rows], "lexical": [r[3] for r in rows],
        "containment": [r[4] for r in rows], "semantic": [r[5] for r in rows],
        "phrase": [r[6] for r in rows],
        "a_section": A["section"], "b_section": B["section"],
        "a_heading": A["heading"], "b_heading": B["heading"],
        "a_start": A["start"], "a_end": A["end"], "b_start": B["start"], "b_end": B["end"],
        "a_text": A["text"], "b_text": B["text"],
        "layer_verbatim": [r[3] >= near_copy or r[4] >= near_copy_containment for r in rows],
        "layer_semantic": [r[5] >= threshold for r in rows],
        "layer_formulaic": [bool(r[6]) for r in rows],
    })
    order = pd.Categorical(frame["kind"], categories=list(KINDS), ordered=True)
    return (frame.assign(_k=order).sort_values(["_k", "semantic"], ascending=[True, False])
            .drop(columns="_k").reset_index(drop=True))


def _point_labels(n, V, ai, bi, threshold, max_component=3000):
    """Group sentences into points.

    Connected components of the match graph, each split by average-linkage
    clustering of its members' embeddings cut at `threshold`, so a cluster's
    members are on average as similar as a matched pair (no long chains).
    Components larger than `max_component` are kept whole.
    """
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    g = sp.coo_matrix((np.ones(len(ai)), (ai, bi)), shape=(n, n))
    _, comp = connected_components(g, directed=False)
    labels = comp.copy()
    next_label = comp.max() + 1 if n else 0
    for c in np.flatnonzero(np.bincount(comp) > 2):
        members = np.flatnonzero(comp == c)
        if len(members) > max_component:
            continue
        D = np.clip(1.0 - V[members] @ V[members].T, 0.0, 2.0)
        np.fill_diagonal(D, 0.0)
        Z = linkage(squareform((D + D.T) / 2, checks=False), method="average")
        sub = fcluster(Z, t=1.0 - threshold, criterion="distance")
        for k in np.unique(sub)[1:]:
            labels[members[sub == k]] = next_label
            next_label += 1
    return labels


def _clusters(S, V, ai, bi, threshold):
    n = len(S)
    if n == 0:
        return pd.DataFrame(columns=["cluster", "size", "n_docs", "docs", "sentence_id", "doc_id",
                                     "text", "representative", "representative_id",
                                     "representative_text", "cohesion"]), np.zeros(0, int)
    labels = _point_labels(n, V, ai, bi, threshold)
    sizes = np.bincount(labels)
    rows = []
    big = [c for c in np.unique(labels) if sizes[c] > 1]
    # Number clusters by size (largest first), then by first sentence.
    first = {c: int(np.flatnonzero(labels == c)[0]) for c in big}
    big.sort(key=lambda c: (-sizes[c], first[c]))
    for num, c in enumerate(big, start=1):
        members = np.flatnonzero(labels == c)
        # Mean similarity to the other members, from the vector sum: O(m * dim), no m x m matrix.
        Vm = V[members].astype(np.float64)
        total = Vm.sum(axis=0)
        self_sim = np.einsum("ij,ij->i", Vm, Vm)
        m = len(members)
        mean_sim = (Vm @ total - self_sim) / (m - 1)
        rep = members[int(np.argmax(mean_sim))]
        cohesion = float((total @ total - self_sim.sum()) / (m * (m - 1)))
        docs = sorted(set(S["doc_id"].iloc[members]))
        for i in members:
            rows.append({
                "cluster": num, "size": m, "n_docs": len(docs), "docs": ";".join(docs),
                "sentence_id": S["sentence_id"].iloc[i], "doc_id": S["doc_id"].iloc[i],
                "text": S["text"].iloc[i], "representative": bool(i == rep),
                "representative_id": S["sentence_id"].iloc[rep],
                "representative_text": S["text"].iloc[rep], "cohesion": cohesion,
            })
    frame = pd.DataFrame(rows, columns=["cluster", "size", "n_docs", "docs", "sentence_id", "doc_id",
                                        "text", "representative", "representative_id",
                                        "representative_text", "cohesion"])
    return frame, labels


def _sentence_flags(S, words, ai, bi, labels, phrases) -> pd.DataFrame:
    n = len(S)
    docs = S["doc_id"].to_numpy()
    earlier_same = np.zeros(n, bool)   # restates an earlier sentence of its own document
    other_doc = np.zeros(n, bool)      # restates a sentence of another document
    later_same = np.zeros(n, bool)
    for i, j in zip(ai, bi):  # i < j in reading order
        if docs[i] == docs[j]:
            earlier_same[j] = True
            later_same[i] = True
        else:
            other_doc[i] = other_doc[j] = True
    in_phrase = np.zeros(n, bool)
    if len(phrases):
        index = {sid: k for k, sid in enumerate(S["sentence_id"])}
        for ids in phrases["sentence_ids"]:
            for s in ids.split(";"):
                in_phrase[index[s]] = True
    return pd.DataFrame({
        "sentence_id": S["sentence_id"], "doc_id": S["doc_id"], "words": [len(w) for w in words],
        "restates_earlier_same_doc": earlier_same, "restated_later_same_doc": later_same,
        "restates_other_doc": other_doc, "has_formulaic_phrase": in_phrase,
        "novel": ~(earlier_same | other_doc), "point": labels if n else np.zeros(0, int),
        "text": S["text"],
    })


def _novelty(flags: pd.DataFrame) -> pd.DataFrame:
    cols = ["doc_id", "sentences", "novel_sentences", "novelty", "words", "novel_words",
            "word_novelty", "restated_within", "restated_cross", "with_formulaic_phrase"]
    if flags.empty:
        return pd.DataFrame(columns=cols)
    f = flags.assign(novel_w=flags["words"] * flags["novel"])
    g = f.groupby("doc_id", sort=False)
    out = pd.DataFrame({
        "sentences": g.size(), "novel_sentences": g["novel"].sum(),
        "words": g["words"].sum(), "novel_words": g["novel_w"].sum(),
        "restated_within": g["restates_earlier_same_doc"].sum(),
        "restated_cross": g["restates_other_doc"].sum(),
        "with_formulaic_phrase": g["has_formulaic_phrase"].sum(),
    }).reset_index()
    out["novelty"] = out["novel_sentences"] / out["sentences"]
    out["word_novelty"] = np.where(out["words"] > 0, out["novel_words"] / out["words"].clip(lower=1), 1.0)
    return out[cols]


def _points_curve(labels) -> pd.DataFrame:
    seen, rows = set(), []
    for k, c in enumerate(labels, start=1):
        seen.add(int(c))
        rows.append((k, len(seen)))
    return pd.DataFrame(rows, columns=["sentences", "distinct_points"])


def _empty_passages():
    return pd.DataFrame(columns=["doc_a", "doc_b", "scope", "words", "a_start", "a_end",
                                 "b_start", "b_end", "text"])


def _passages(corpus, min_words: int) -> pd.DataFrame:
    """Longest word runs shared by two documents (or twice within one)."""
    docs = list(corpus.docs)
    toks = []
    for d in docs:
        spans = T.word_spans(d.text)
        toks.append(([d.text[a:b].lower() for a, b in spans], spans))
    rows = []
    for x in range(len(docs)):
        for y in range(x, len(docs)):
            wa, sa = toks[x]
            wb, sb = toks[y]
            for i, j, n in shared_passages(wa, wb, min_words, same=(x == y)):
                rows.append({
                    "doc_a": docs[x].doc_id, "doc_b": docs[y].doc_id,
                    "scope": "within" if x == y else "cross", "words": n,
                    "a_start": sa[i][0], "a_end": sa[i + n - 1][1],
                    "b_start": sb[j][0], "b_end": sb[j + n - 1][1],
                    "text": docs[x].text[sa[i][0]:sa[i + n - 1][1]],
                })
    frame = pd.DataFrame(rows, columns=_empty_passages().columns)
    return frame.sort_values(["words", "doc_a", "doc_b"], ascending=[False, True, True],
                             ignore_index=True)


def _doc_overlap(corpus, S, doc_names, codes, ai, bi, doc_max, k, passages) -> pd.DataFrame:
    """Document x document redundancy measures (ordered pairs, diagonal = within)."""
    nd = len(doc_names)
    n = len(S)
    hit = np.zeros((n, nd), bool)      # sentence i restates something in document d
    for i, j in zip(ai, bi):
        hit[i, codes[j]] = hit[j, codes[i]] = True
    doc_sets = {}
    if corpus is not None:
        for d in corpus.docs:
            ws = T.words(d.text)
            grams = [" ".join(ws[i:i + k]) for i in range(len(ws) - k + 1)]
            doc_sets[d.doc_id] = (set(grams), grams)
    longest = {}
    for r in passages.itertuples():
        for key in ((r.doc_a, r.doc_b), (r.doc_b, r.doc_a)):
            longest[key] = max(longest.get(key, 0), r.words)
    # Per (document a, document b): mean over a's sentences, computed once for all pairs.
    share = pd.DataFrame(hit).groupby(codes).mean().to_numpy() if n else np.zeros((nd, nd))
    finite = np.isfinite(doc_max)
    sums = pd.DataFrame(np.where(finite, doc_max, 0.0)).groupby(codes).sum().to_numpy() if n else share
    n_finite = pd.DataFrame(finite.astype(float)).groupby(codes).sum().to_numpy() if n else share
    sizes = np.bincount(codes, minlength=nd)
    rows = []
    for a in range(nd):
        for b in range(nd):
            da, db = doc_names[a], doc_names[b]
            cont = np.nan
            if da in doc_sets and db in doc_sets:
                sa, ga = doc_sets[da]
                if a != b:
                    cont = len(sa & doc_sets[db][0]) / len(sa) if sa else 0.0
                elif ga:
                    counts = pd.Series(ga).value_counts()
                    cont = float((counts > 1).sum() / len(sa))
            rows.append({
                "doc_a": da, "doc_b": db, "scope": "within" if a == b else "cross",
                "sentences_a": int(sizes[a]),
                "redundant_share": float(share[a, b]) if sizes[a] else 0.0,
                "mean_max_semantic": float(sums[a, b] / n_finite[a, b]) if n_finite[a, b] else np.nan,
                "shingle_containment": cont,
                "longest_passage_words": longest.get((da, db), 0),
            })
    return pd.DataFrame(rows)


def _paragraph_pairs(corpus, k, threshold, lsh, seed, use_lsh) -> pd.DataFrame:
    cols = ["a_id", "b_id", "a_doc", "b_doc", "scope", "lexical", "containment", "a_text", "b_text"]
    if corpus is None:
        return pd.DataFrame(columns=cols)
    P = corpus.paragraphs.reset_index(drop=True)
    sets = text_shingles(P["text"], k)
    if use_lsh:
        found = verify_pairs(sets, minhash_candidates(sets, lsh["num_perm"], lsh["threshold"], seed),
                             threshold)
    else:
        found = exact_pairs(sets, threshold)
    rows = []
    for (i, j), v in sorted(found.items()):
        rows.append({"a_id": P.paragraph_id[i], "b_id": P.paragraph_id[j], "a_doc": P.doc_id[i],
                     "b_doc": P.doc_id[j], "scope": "within" if P.doc_id[i] == P.doc_id[j] else "cross",
                     "lexical": v, "containment": overlap(sets[i], sets[j]),
                     "a_text": P.text[i], "b_text": P.text[j]})
    return pd.DataFrame(rows, columns=cols)


def _layers(S, pairs, flags) -> pd.DataFrame:
    n = max(len(S), 1)
    rows = []
    specs = [("verbatim", pairs["layer_verbatim"]), ("formulaic", pairs["layer_formulaic"]),
             ("paraphrase", pairs["layer_semantic"]),
             ("combined", pairs["layer_verbatim"] | pairs["layer_semantic"])]
    for name, m in specs:
        m = m.astype(bool)
        sub = pairs[m]
        for scope in ("within", "cross", "all"):
            s = sub if scope == "all" else sub[sub["scope"] == scope]
            involved = set(s["a_id"]) | set(s["b_id"])
            rows.append({"layer": name, "scope": scope, "pairs": len(s),
                         "sentences": len(involved), "share_of_sentences": len(involved) / n})
    return pd.DataFrame(rows)


# ------------------------------------------------------------- side-by-side evidence

def shared_word_spans(a: str, b: str, content_only: bool = True):
    """Character spans of the words each text shares with the other.

    Parameters
    ----------
    a, b : str
    content_only : bool
        Ignore stop words (they would light up every pair).

    Returns
    -------
    (list of (int, int), list of (int, int))
        Spans in `a` and in `b`.
    """
    wa, wb = set(T.words(a)), set(T.words(b))
    common = wa & wb
    if content_only:
        common -= T.STOP_WORDS

    def spans(t):
        return [(s, e) for s, e in T.word_spans(t) if t[s:e].lower() in common]
    return spans(a), spans(b)


def evidence(pairs: pd.DataFrame, n: int = 8, kinds=("near-copy", "paraphrase"),
             scope: str | None = None) -> pd.DataFrame:
    """The strongest pairs with the spans of their shared content words.

    Parameters
    ----------
    pairs : DataFrame
        ``RedundancyDetector.pairs_``.
    n : int
    kinds : sequence of str
    scope : {"within", "cross"}, optional

    Returns
    -------
    DataFrame
        The top `n` rows by semantic score, plus ``a_spans``, ``b_spans``
        and a one-line ``match`` description (kind, scope, scores).
    """
    sub = pairs[pairs["kind"].isin(list(kinds))]
    if scope:
        sub = sub[sub["scope"] == scope]
    sub = sub.sort_values(["semantic", "lexical"], ascending=False).head(n).copy()
    spans = [shared_word_spans(a, b) for a, b in zip(sub["a_text"], sub["b_text"])]
    sub["a_spans"] = [x[0] for x in spans]
    sub["b_spans"] = [x[1] for x in spans]
    sub["match"] = [f"{k}, {sc}-doc" for k, sc in zip(sub["kind"], sub["scope"])]
    sub["scores"] = [f"sem {s:.2f} · lex {l:.2f}" for s, l in zip(sub["semantic"], sub["lexical"])]
    sub["where"] = [f"{a} → {b}" for a, b in zip(sub["a_id"], sub["b_id"])]
    return sub.reset_index(drop=True)


def cluster_evidence(clusters: pd.DataFrame, max_clusters: int = 3, max_members: int = 4) -> pd.DataFrame:
    """Representative vs member rows for the largest clusters, with shared-word spans.

    Returns
    -------
    DataFrame
        ``cluster``, ``size``, ``n_docs``, ``representative_text``, ``text``,
        ``sentence_id``, ``rep_spans``, ``spans`` (the representative itself
        left out).
    """
    rows = []
    order = (clusters.drop_duplicates("cluster").sort_values(["n_docs", "size"], ascending=False)
             ["cluster"].head(max_clusters))
    for c in order:
        g = clusters[(clusters["cluster"] == c) & ~clusters["representative"]].head(max_members)
        for r in g.itertuples():
            a, b = shared_word_spans(r.representative_text, r.text)
            rows.append({"cluster": c, "size": r.size, "n_docs": r.n_docs,
                         "label": f"cluster {c} ({r.size} sentences, {r.n_docs} docs)",
                         "where": f"{r.representative_id} → {r.sentence_id}",
                         "representative_text": r.representative_text, "text": r.text,
                         "sentence_id": r.sentence_id, "rep_spans": a, "spans": b})
    return pd.DataFrame(rows, columns=["cluster", "size", "n_docs", "label", "where", "representative_text",
                                       "text", "sentence_id", "rep_spans", "spans"])


def summary(det: "RedundancyDetector") -> dict:
    """Headline numbers of a fitted detector, for report prose.

    Returns
    -------
    dict
        ``sentences``, ``distinct_points``, ``restated`` (sentences that are
        not novel), ``restated_share``, ``pairs_by_kind`` (dict),
        ``cross_pairs``, ``within_pairs``, ``verbatim_sentences``,
        ``semantic_sentences`` (share), ``formulaic_sentences``,
        ``least_novel`` and ``most_novel`` (doc ids), ``corpus_word_novelty``.
    """
    flags, nov, pairs = det.sentence_flags_, det.novelty_, det.pairs_
    n = len(flags)
    lay = det.layers_.set_index(["layer", "scope"])["sentences"]
    strong = pairs[pairs["kind"].isin(["near-copy", "paraphrase"])]
    out = {
        "sentences": n, "distinct_points": det.distinct_points_,
        "restated": int((~flags["novel"]).sum()) if n else 0,
        "restated_share": float((~flags["novel"]).mean()) if n else 0.0,
        "pairs_by_kind": pairs["kind"].value_counts().to_dict(),
        "cross_pairs": int((strong["scope"] == "cross").sum()),
        "within_pairs": int((strong["scope"] == "within").sum()),
        "verbatim_sentences": int(lay.get(("verbatim", "all"), 0)),
        "semantic_sentences": int(lay.get(("paraphrase", "all"), 0)),
        "formulaic_sentences": int(flags["has_formulaic_phrase"].sum()) if n else 0,
        "corpus_word_novelty": float(nov["novel_words"].sum() / max(nov["words"].sum(), 1)) if len(nov) else 1.0,
        "least_novel": nov.sort_values("novelty").iloc[0]["doc_id"] if len(nov) else None,
        "most_novel": nov.sort_values("novelty").iloc[-1]["doc_id"] if len(nov) else None,
    }
    return out


def calibration_report(calibration: pd.DataFrame, backend: str, threshold: float) -> dict:
    """Precision and recall of a threshold on the labelled calibration set.

    Parameters
    ----------
    calibration : DataFrame
        ``calibration_pairs.csv`` (``label``, ``semantic``, ``lsa`` columns).
    backend : {"semantic", "lexical"}
        Picks the score column (``semantic`` or ``lsa``).
    threshold : float
        The threshold in use.

    Returns
    -------
    dict
        ``column``, ``curve`` (from :func:`precision_recall`), ``best`` (from
        :func:`calibrate_threshold`), and ``precision``, ``recall``, ``f1``,
        ``n``, ``positives`` at `threshold`.
    """
    col = "semantic" if backend == "semantic" else "lsa"
    y = calibration["label"].eq("same point").to_numpy()
    s = calibration[col].to_numpy(dtype=float)
    flag = s >= threshold
    tp = int((flag & y).sum())
    prec = tp / flag.sum() if flag.any() else float("nan")
    rec = tp / y.sum() if y.any() else float("nan")
    f1 = 2 * prec * rec / (prec + rec) if flag.any() and (prec + rec) else 0.0
    return {"column": col, "curve": precision_recall(y, s), "best": calibrate_threshold(y, s),
            "precision": prec, "recall": rec, "f1": f1, "n": int(len(y)), "positives": int(y.sum()),
            "flagged": int(flag.sum())}


def false_positives(det: "RedundancyDetector") -> dict:
    """Matches found in a corpus whose documents share no content (a control).

    Returns
    -------
    dict
        ``sentences``, ``cross`` and ``within`` near-copy/paraphrase pairs,
        ``shared_phrase`` pairs, and ``cross_rate`` (cross pairs per
        cross-document sentence pair).
    """
    flags = det.sentence_flags_
    strong = det.pairs_[det.pairs_["kind"].isin(["near-copy", "paraphrase"])]
    sizes = flags.groupby("doc_id").size().to_numpy()
    cross_total = (sizes.sum() ** 2 - (sizes ** 2).sum()) / 2
    cross = int((strong["scope"] == "cross").sum())
    return {"sentences": len(flags), "documents": len(sizes), "cross": cross,
            "within": int((strong["scope"] == "within").sum()),
            "shared_phrase": int((det.pairs_["kind"] == "shared phrase").sum()),
            "cross_rate": cross / cross_total if cross_total else 0.0,
            "cross_pairs_checked": int(cross_total)}


def speed_summary(cache: pd.DataFrame | None, scaling: pd.DataFrame | None) -> dict:
    """Headline timings of the benchmark tables, for report prose.

    Parameters
    ----------
    cache : DataFrame or None
        ``embedding_cache.csv`` (columns ``run``, ``sentences``, ``seconds``;
        runs ``"cold"`` and ``"warm"``), e.g. from
        :func:`analysis.references.benchmark_results`.
    scaling : DataFrame or None
        ``redundancy_scaling.csv`` (columns ``sentences``, ``backend``,
        ``stage``, ``seconds``); the ``"whole detector"`` stage gives the
        end-to-end time.

    Returns
    -------
    dict
        ``cache``: None, or ``sentences``, ``cold_seconds`` and
        ``warm_seconds`` of embedding with an empty and a warm cache.
        ``lexical_growth``: None (fewer than two lexical runs), or
        ``from_sentences``, ``from_seconds``, ``to_sentences``,
        ``to_seconds`` (the smallest and largest lexical run of the whole
        detector), ``time_ratio`` and ``size_ratio`` (largest over smallest).
        ``semantic_runs``: list of dicts with ``sentences`` and ``seconds``
        of the whole detector with the semantic backend, smallest first.
        ``lexical_stages``: the lexical rows of `scaling` (every stage), or
        None without `scaling`.
    """
    out = {"cache": None, "lexical_growth": None, "semantic_runs": [], "lexical_stages": None}
    if cache is not None:
        runs = cache.drop_duplicates("run").set_index("run")
        if {"cold", "warm"} <= set(runs.index):
            out["cache"] = {"sentences": int(runs.loc["cold", "sentences"]),
                            "cold_seconds": float(runs.loc["cold", "seconds"]),
                            "warm_seconds": float(runs.loc["warm", "seconds"])}
    if scaling is None:
        return out
    out["lexical_stages"] = scaling[scaling["backend"] == "lexical"]
    whole = scaling[scaling["stage"] == "whole detector"]
    lex = whole[whole["backend"] == "lexical"].sort_values("sentences")
    if len(lex) > 1:
        a, b = lex.iloc[0], lex.iloc[-1]
        out["lexical_growth"] = {
            "from_sentences": int(a["sentences"]), "from_seconds": float(a["seconds"]),
            "to_sentences": int(b["sentences"]), "to_seconds": float(b["seconds"]),
            "time_ratio": float(b["seconds"] / a["seconds"]) if a["seconds"] else float("inf"),
            "size_ratio": float(b["sentences"] / a["sentences"]),
        }
    sem = whole[whole["backend"] == "semantic"].sort_values("sentences")
    out["semantic_runs"] = [{"sentences": int(r.sentences), "seconds": float(r.seconds)}
                            for r in sem.itertuples()]
    return out


# ------------------------------------------------------------------ calibration

def calibration_candidates(sentences: pd.DataFrame, semantic: np.ndarray, lexical: np.ndarray,
                           n: int = 160, bins: int = 8, seed: int = 42) -> pd.DataFrame:
    """Sentence pairs sampled evenly across the semantic-similarity range.

    For building a labelled calibration set on a small corpus (it scores
    every pair, so it is quadratic). The range of cosines is cut into
    `bins` equal-width bins and the same number of pairs is drawn from each.

    Parameters
    ----------
    sentences : DataFrame
        ``Corpus.sentences``.
    semantic, lexical : ndarray
        Unit vectors from the two backends, one row per sentence.
    n : int
        Pairs wanted.
    bins : int
    seed : int

    Returns
    -------
    DataFrame
        ``a_id``, ``b_id``, ``a_doc``, ``b_doc``, ``scope``, ``semantic``,
        ``lsa``, ``lexical`` (3-shingle Jaccard), ``a_text``, ``b_text``.
    """
    S = sentences.reset_index(drop=True)
    rng = np.random.default_rng(seed)
    sims = semantic @ semantic.T
    iu = np.triu_indices(len(S), k=1)
    vals = sims[iu]
    edges = np.linspace(vals.min(), vals.max(), bins + 1)
    which = np.clip(np.digitize(vals, edges[1:-1]), 0, bins - 1)
    per = int(np.ceil(n / bins))
    chosen = []
    for b in range(bins):
        idx = np.flatnonzero(which == b)
        chosen.extend(rng.choice(idx, size=min(per, len(idx)), replace=False).tolist())
    chosen = np.array(sorted(chosen))
    I, J = iu[0][chosen], iu[1][chosen]
    sets = text_shingles(S["text"], 3)
    return pd.DataFrame({
        "a_id": S.sentence_id[I].to_numpy(), "b_id": S.sentence_id[J].to_numpy(),
        "a_doc": S.doc_id[I].to_numpy(), "b_doc": S.doc_id[J].to_numpy(),
        "scope": np.where(S.doc_id[I].to_numpy() == S.doc_id[J].to_numpy(), "within", "cross"),
        "semantic": vals[chosen].round(4),
        "lsa": np.einsum("ij,ij->i", lexical[I], lexical[J]).round(4),
        "lexical": [round(jaccard(sets[i], sets[j]), 4) for i, j in zip(I, J)],
        "a_text": S.text[I].to_numpy(), "b_text": S.text[J].to_numpy(),
    })


def precision_recall(labels, scores) -> pd.DataFrame:
    """Precision, recall and F1 at every distinct score used as threshold.

    Parameters
    ----------
    labels : array-like of bool
        True for "same point".
    scores : array-like of float

    Returns
    -------
    DataFrame
        ``threshold``, ``precision``, ``recall``, ``f1``, ``flagged`` (pairs
        at or above the threshold), ascending by threshold.
    """
    y = np.asarray(labels, dtype=bool)
    s = np.asarray(scores, dtype=float)
    rows = []
    for t in np.unique(s):
        flag = s >= t
        tp = int((flag & y).sum())
        prec = tp / flag.sum() if flag.any() else 1.0
        rec = tp / y.sum() if y.any() else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        rows.append({"threshold": float(t), "precision": prec, "recall": rec, "f1": f1,
                     "flagged": int(flag.sum())})
    return pd.DataFrame(rows, columns=["threshold", "precision", "recall", "f1", "flagged"])


def calibrate_threshold(labels, scores, target_precision: float | None = None) -> dict:
    """Choose a threshold from labelled pairs.

    With `target_precision`, the lowest threshold whose precision reaches it
    (the most recall at that precision); otherwise the threshold with the
    best F1 (ties: the higher threshold). The threshold is placed at the
    midpoint between the chosen score and the next lower score, so it does
    not sit exactly on a labelled example.

    Parameters
    ----------
    labels : array-like of bool
    scores : array-like of float
    target_precision : float, optional

    Returns
    -------
    dict
        ``threshold``, ``precision``, ``recall``, ``f1``, ``n``, ``positives``,
        ``rule``.

    Raises
    ------
    ValueError
        If there are no positive or no negative labels.
    """
    y = np.asarray(labels, dtype=bool)
    if y.all() or not y.any():
        raise ValueError("calibration needs both 'same point' and 'different point' pairs")
    curve = precision_recall(y, scores)
    if target_precision is not None:
        ok = curve[curve["precision"] >= target_precision]
        best = ok.iloc[0] if len(ok) else curve.iloc[-1]
        rule = f"lowest threshold with precision >= {target_precision:g}"
    else:
        f1 = curve["f1"].to_numpy()
        best = curve.iloc[len(f1) - 1 - int(np.argmax(f1[::-1]))]
        rule = "maximum F1"
    s = np.unique(np.asarray(scores, dtype=float))
    lower = s[s < best["threshold"]]
    thr = float((best["threshold"] + lower.max()) / 2) if len(lower) else float(best["threshold"])
    return {"threshold": thr, "precision": float(best["precision"]), "recall": float(best["recall"]),
            "f1": float(best["f1"]), "n": int(len(y)), "positives": int(y.sum()), "rule": rule}
