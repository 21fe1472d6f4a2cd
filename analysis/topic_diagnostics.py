"""Can a topic be trusted? Coherence, exclusivity, diversity, seed stability, and the k-scan.

- **Coherence** is NPMI (normalised pointwise mutual information) between a
  topic's top words, counted as co-occurrence in the corpus's own paragraphs:
  +1 when the words always appear together, 0 when independent, -1 when they
  never co-occur. A topic's coherence is the mean over pairs of its top words.
- **Exclusivity** of a topic is the mean, over its top words, of the share of
  each word's weight (across all topics) that this topic holds.
- **Diversity** of a solution is the share of distinct words among all
  topics' top words (1 = no two topics share a top word).
- **Stability**: the model is refitted with several seeds; the topics of
  each pair of runs are matched one to one by the Hungarian algorithm
  (:func:`scipy.optimize.linear_sum_assignment`) on the cosine similarity of
  their topic-term vectors. A topic's stability is its mean matched
  similarity; the solution's stability is the mean over all pairs of runs.

**The rule for k** (:func:`choose_k`): take the finest solution that is still
trustworthy, i.e. the largest k such that (a) every topic is reproducible:
the least stable topic reaches ``topics.min_stability``; (b) topics are
distinct: diversity is at least ``topics.min_diversity``; and (c) topics
stay coherent: mean coherence is within ``topics.coherence_tolerance`` of
the most coherent k meeting (a) and (b). Coherence and diversity alone
favour few, pure topics and would miss real ones; stability alone favours
the trivial k = 2. If no k meets (a) and (b), the most stable k is taken.

In the k-scan, coherence is counted in the modelling units themselves
(paragraphs on a small corpus, documents on a large one); the per-topic
table always counts it in paragraphs.
"""

from __future__ import annotations

import itertools
import time

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment


def npmi_coherence(reference: sp.spmatrix, top_idx: list[list[int]]) -> np.ndarray:
    """Mean pairwise NPMI of each topic's top terms.

    Parameters
    ----------
    reference : scipy.sparse matrix
        Units (paragraphs) x terms counts; only presence is used.
    top_idx : list of list of int
        Column indices of each topic's top terms.

    Returns
    -------
    ndarray
        One value per topic in [-1, 1]; NaN for a topic with fewer than two terms.
    """
    B = sp.csr_matrix(reference, copy=True)
    B.data = np.ones_like(B.data)
    n = B.shape[0]
    out = np.full(len(top_idx), np.nan)
    if n == 0:
        return out
    for t, idx in enumerate(top_idx):
        idx = list(idx)
        if len(idx) < 2:
            continue
        sub = B[:, idx]
        co = (sub.T @ sub).toarray()
        p = np.diag(co) / n
        vals = []
        for i, j in itertools.combinations(range(len(idx)), 2):
            pij = co[i, j] / n
            if pij == 0 or p[i] == 0 or p[j] == 0:
                vals.append(-1.0)
            elif pij >= 1:
                vals.append(1.0)
            else:
                vals.append(np.log(pij / (p[i] * p[j])) / -np.log(pij))
        out[t] = float(np.mean(vals))
    return out


def exclusivity(topic_term: np.ndarray, top_idx: list[list[int]]) -> np.ndarray:
    """Mean share of each top term's weight that its topic holds.

    Parameters
    ----------
    topic_term : ndarray, shape (k, n_terms)
        Topic-term distributions (rows sum to 1).
    top_idx : list of list of int

    Returns
    -------
    ndarray
        One value per topic, between 1/k and 1.
    """
    col = topic_term.sum(axis=0)
    col = np.where(col > 0, col, 1)
    return np.array([float(np.mean(topic_term[t, idx] / col[idx])) if len(idx) else np.nan
                     for t, idx in enumerate(top_idx)])


def diversity(top_idx: list[list[int]]) -> float:
    """Share of distinct terms among all topics' top terms (Dieng et al. 2020)."""
    allt = [j for idx in top_idx for j in idx]
    return len(set(allt)) / len(allt) if allt else float("nan")


def _unit_rows(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=float)
    return m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-12)


def match_topics(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Match the topics of two runs one to one (Hungarian algorithm on cosine similarity).

    Parameters
    ----------
    a, b : ndarray, shape (k, n_terms)
        Topic-term weights of two runs over the same vocabulary.

    Returns
    -------
    (ndarray, ndarray)
        For each topic of `a`, the index of its partner in `b` and their
        cosine similarity.
    """
    sim = _unit_rows(a) @ _unit_rows(b).T
    rows, cols = linear_sum_assignment(-sim)
    partner = np.empty(len(a), dtype=int)
    partner[rows] = cols
    return partner, sim[np.arange(len(a)), partner]


def topic_stability(runs: list[np.ndarray]) -> tuple[np.ndarray, float]:
    """Stability of the first run's topics across seed replicates.

    Parameters
    ----------
    runs : list of ndarray
        Topic-term weights of each run; ``runs[0]`` is the reported model.

    Returns
    -------
    (ndarray, float)
        Per topic of ``runs[0]``: mean matched cosine similarity to the other
        runs; overall: mean matched similarity over every pair of runs.
    """
    k = len(runs[0])
    if len(runs) < 2:
        return np.full(k, np.nan), float("nan")
    per = np.mean([match_topics(runs[0], r)[1] for r in runs[1:]], axis=0)
    pairs = [match_topics(a, b)[1].mean() for a, b in itertools.combinations(runs, 2)]
    return per, float(np.mean(pairs))


def k_range(settings: dict, n_units: int, n_terms: int) -> list[int]:
    """The k values to scan: ``k_min..k_max`` clipped to what the data supports."""
    hi = min(int(settings["k_max"]), max(2, n_units - 1), n_terms)
    lo = min(int(settings["k_min"]), hi)
    return list(range(lo, hi + 1))


def k_scan(texts, settings: dict, method: str | None = None) -> pd.DataFrame:
    """Fit every k in the range with every seed and score each k.

    Parameters
    ----------
    texts : sequence of str
        The modelling units.
    settings : dict
        From :func:`analysis.topics.topic_settings`.
    method : str, optional
        Overrides ``settings['method']``.

    Returns
    -------
    pandas.DataFrame
        One row per k: ``k``, ``method``, ``coherence`` (mean NPMI),
        ``coherence_min``, ``diversity``, ``exclusivity``, ``stability``
        (mean over seed pairs), ``stability_min`` (least stable topic),
        ``error`` (reconstruction error or perplexity of the first seed),
        ``seconds`` (fitting time for all seeds).
    """
    from .topics import Vocabulary, factorize, iterations, normalize_rows

    method = method or settings["method"]
    vocab = Vocabulary(min_df=settings["min_df"], max_df=settings["max_df"],
                       ngram_max=settings["ngram_max"], fold_plurals=settings["fold_plurals"],
                       stop_words=tuple(settings["extra_stop_words"] or ()))
    counts = vocab.fit_transform(list(texts))
    uni = np.flatnonzero(~vocab.is_bigram_)
    top_n = int(settings["top_n"])
    seeds = [int(settings["seed"]) + i for i in range(int(settings["n_seeds"]))]
    rows = []
    for k in k_range(settings, counts.shape[0], counts.shape[1]):
        t0 = time.perf_counter()
        runs, first = [], None
        for seed in seeds:
            est, W, H, tfidf = factorize(counts, k, method, seed, iterations(settings, method))
            runs.append(np.asarray(H))
            if first is None:
                first = (est, H)
        seconds = time.perf_counter() - t0
        H = first[1]
        top_idx = [list(uni[np.argsort(-row[uni], kind="stable")[:top_n]]) for row in H]
        coh = npmi_coherence(counts, top_idx)
        per, overall = topic_stability(runs)
        est = first[0]
        err = (est.reconstruction_err_ if method == "nmf"
               else est.perplexity(counts))
        rows.append({
            "k": k, "method": method, "coherence": float(np.nanmean(coh)),
            "coherence_min": float(np.nanmin(coh)), "diversity": diversity(top_idx),
            "exclusivity": float(np.nanmean(exclusivity(normalize_rows(H), top_idx))),
            "stability": overall, "stability_min": float(np.min(per)),
            "error": float(err), "seconds": seconds,
        })
    return pd.DataFrame(rows, columns=["k", "method", "coherence", "coherence_min", "diversity",
                                       "exclusivity", "stability", "stability_min", "error",
                                       "seconds"])


def choose_k(scan: pd.DataFrame, min_stability: float = 0.7, coherence_tolerance: float = 0.05,
             min_diversity: float = 0.75) -> tuple[int, str]:
    """Pick k from a k-scan by the documented rule (see the module docstring).

    The finest solution that is still trustworthy: the largest k whose least
    stable topic reaches `min_stability`, whose diversity is at least
    `min_diversity`, and whose mean coherence is within `coherence_tolerance`
    of the most coherent such k. If no k qualifies, the most stable k.

    Parameters
    ----------
    scan : pandas.DataFrame
        From :func:`k_scan`.
    min_stability, coherence_tolerance, min_diversity : float

    Returns
    -------
    (int, str)
        The chosen k and a sentence saying why.
    """
    if scan is None or scan.empty:
        raise ValueError("empty k-scan")
    ok = scan[(scan["stability_min"] >= min_stability) & (scan["diversity"] >= min_diversity)]
    if ok.empty:
        best = scan.sort_values(["stability", "k"], ascending=[False, True]).iloc[0]
        return int(best["k"]), (f"no k had all its topics at stability {min_stability:.2f} or more "
                                f"with diversity {min_diversity:.2f} or more, so k = "
                                f"{int(best['k'])}, the most stable "
                                f"(stability {best['stability']:.2f}), was chosen")
    top = ok["coherence"].max()
    near = ok[ok["coherence"] >= top - coherence_tolerance]
    best = near.sort_values("k").iloc[-1]
    return int(best["k"]), (
        f"k = {int(best['k'])} is the largest k whose topics all reach stability "
        f"{min_stability:.2f} across seeds (its mean: {best['stability']:.2f}), whose diversity "
        f"is at least {min_diversity:.2f} ({best['diversity']:.2f}) and whose coherence "
        f"({best['coherence']:.3f}) is within {coherence_tolerance:.2f} of the best such k "
        f"({len(ok)} of {len(scan)} k values qualified)")


def compare_methods(texts, settings: dict, k: int, scan_function=None) -> pd.DataFrame:
    """NMF and LDA fitted at the same k on the same units, scored alike.

    Parameters
    ----------
    texts : sequence of str
    settings : dict
    k : int
    scan_function : callable, optional
        ``f(texts, settings, method=...)`` replacing :func:`k_scan`, e.g.
        :func:`analysis.topic_cache.cached_k_scan`.

    Returns
    -------
    pandas.DataFrame
        One row per method with the :func:`k_scan` columns.
    """
    s = dict(settings, k_min=k, k_max=k)
    scan = scan_function or k_scan
    return pd.concat([scan(list(texts), s, method=m) for m in ("nmf", "lda")], ignore_index=True)
