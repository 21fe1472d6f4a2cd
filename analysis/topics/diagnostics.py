"""Can a topic be trusted? Coherence, exclusivity, diversity and seed stability of topics.

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

The k-scan that uses these scores, and the rule for k, are in
:mod:`analysis.topics.scan`.
"""

from __future__ import annotations

import itertools

import numpy as np
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

