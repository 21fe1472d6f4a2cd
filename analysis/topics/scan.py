"""The k-scan: every k fitted with several seeds and scored, and the rule that picks k.

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

:func:`next_k_split` says what the next larger k would have done to the
chosen topics, so a report can say why it stopped where it did.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from .diagnostics import diversity, exclusivity, npmi_coherence, topic_stability
from .model import TopicModel, iterations, normalize_rows
from .parallel import fit_processes, submit_fits
from .vocab import Vocabulary


def k_range(settings: dict, n_units: int, n_terms: int) -> list[int]:
    """The k values to scan: ``k_min..k_max`` clipped to what the data supports."""
    hi = min(int(settings["k_max"]), max(2, n_units - 1), n_terms)
    lo = min(int(settings["k_min"]), hi)
    return list(range(lo, hi + 1))


def scan_rows(n_units: int, settings: dict) -> np.ndarray | None:
    """Rows of the seeded sample of ``scan_max_units`` units, in order; None when all are used.

    The k-scan, the seed refits behind each topic's stability and the k + 1
    split all fit this sample, so their cost stops growing with the corpus;
    only the reported model is fitted on every unit.
    """
    cap = settings.get("scan_max_units")
    if cap is None or n_units <= int(cap):
        return None
    rng = np.random.default_rng(int(settings["seed"]))
    return np.sort(rng.choice(n_units, int(cap), replace=False))


def scan_sample(texts: list, settings: dict) -> list:
    """The units the k-scan fits: all of them, or the seeded sample of :func:`scan_rows`.

    The scan fits every k with every seed, so its cost is what grows with the
    corpus; a sample of a few hundred units is enough to rank k, and the
    chosen k is then fitted on every unit.
    """
    rows = scan_rows(len(texts), settings)
    return texts if rows is None else [texts[i] for i in rows]


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
        ``seconds`` (wall time until every seed of that k was fitted; with
        several processes (``topics.n_jobs``) the fits of several k overlap).
    """
    method = method or settings["method"]
    n_jobs = fit_processes(settings, len(texts))
    texts = scan_sample(list(texts), settings)
    vocab = Vocabulary.from_settings(settings)
    counts = vocab.fit_transform(texts)
    uni = np.flatnonzero(~vocab.is_bigram_)
    top_n = int(settings["top_n"])
    seeds = [int(settings["seed"]) + i for i in range(int(settings["n_seeds"]))]
    ks = k_range(settings, counts.shape[0], counts.shape[1])
    fits = submit_fits(counts, [(k, seed) for k in ks for seed in seeds], method,
                       iterations(settings, method), n_jobs)
    rows = []
    for at, k in enumerate(ks):
        t0 = time.perf_counter()
        done = [f.result() for f in fits[at * len(seeds):(at + 1) * len(seeds)]]
        runs = [np.asarray(H) for _, _, H, _ in done]
        seconds = time.perf_counter() - t0
        est, H = done[0][0], done[0][2]          # the first seed's model is the one scored
        top_idx = [list(uni[np.argsort(-row[uni], kind="stable")[:top_n]]) for row in H]
        coh = npmi_coherence(counts, top_idx)
        per, overall = topic_stability(runs)
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


def qualifying(scan: pd.DataFrame, min_stability: float, min_diversity: float) -> pd.Series:
    """Which k of a k-scan keep every topic stable and their top words distinct (the rule's cuts)."""
    return (scan["stability_min"] >= min_stability) & (scan["diversity"] >= min_diversity)


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
    ok = scan[qualifying(scan, min_stability, min_diversity)]
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
        :func:`analysis.topics.cache.cached_k_scan`.

    Returns
    -------
    pandas.DataFrame
        One row per method with the :func:`k_scan` columns.
    """
    s = dict(settings, k_min=k, k_max=k)
    scan = scan_function or k_scan
    return pd.concat([scan(list(texts), s, method=m) for m in ("nmf", "lda")], ignore_index=True)


def method_verdict(comparison: pd.DataFrame, used: str) -> str:
    """One sentence comparing NMF and LDA rows of :func:`compare_methods`.

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


def _cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine similarity of every row of `a` with every row of `b`."""
    a = a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-12)
    b = b / np.maximum(np.linalg.norm(b, axis=1, keepdims=True), 1e-12)
    return a @ b.T


NEXT_K_COLUMNS = ["k", "topic", "stability", "parent_topic", "parent_similarity", "split",
                  "sibling_similarity"]


def next_k_split(texts, settings: dict, model: TopicModel, k: int, counts=None,
                 vocabulary: Vocabulary | None = None, refits: list | None = None) -> pd.DataFrame:
    """What a model with `k` topics (one more than chosen) does to the chosen topics.

    Fits `k` topics with every seed, as the k-scan does, scores each topic
    of the first seed's model by its stability across the refits, and
    matches it to the chosen topic it is closest to (cosine of topic-term
    weights). Two new topics with the same closest chosen topic *split* it.

    Parameters
    ----------
    texts : sequence of str
        The modelling units.
    settings : dict
        From :func:`analysis.topics.topic_settings`.
    model : TopicModel
        The chosen, fitted model.
    k : int
        The number of topics to try.
    counts, vocabulary : optional
        The model's count matrix and vocabulary, to skip re-tokenising.
    refits : list, optional
        The `k`-topic fits of seeds 2 and up, already started on `counts` by
        :func:`analysis.topics.parallel.submit_fits`; started here when omitted.

    Returns
    -------
    pandas.DataFrame
        One row per topic of the `k` model, ordered by prevalence: ``k``,
        ``topic`` (1-based), ``stability``, ``parent_topic`` (1-based topic
        of `model`), ``parent_similarity``, ``split`` (another new topic has
        the same parent) and ``sibling_similarity`` (the largest
        ``parent_similarity`` of those other topics; NaN without a split).
        Empty when the data cannot support `k` topics.
    """
    if counts is None or vocabulary is None:
        vocabulary = Vocabulary.from_settings(settings)
        counts = vocabulary.fit_transform(list(texts))
    bigger = TopicModel.from_settings(settings, k).fit(texts, counts=counts, vocabulary=vocabulary)
    if bigger.n_topics_ != k:
        return pd.DataFrame(columns=NEXT_K_COLUMNS)
    if refits is None:
        seeds = [int(settings["seed"]) + i for i in range(1, int(settings["n_seeds"]))]
        refits = submit_fits(counts, [(k, seed) for seed in seeds], settings["method"],
                             iterations(settings))
    runs = [bigger.components_] + [np.asarray(f.result()[2]) for f in refits]
    per_topic, _ = topic_stability(runs)
    sim = _cosine(bigger.components_, model.components_)
    parent, best = sim.argmax(axis=1), sim.max(axis=1)
    same = (parent[:, None] == parent[None, :]) & ~np.eye(k, dtype=bool)
    sibling = np.where(same, best[None, :], -np.inf).max(axis=1)
    return pd.DataFrame({"k": k, "topic": np.arange(1, k + 1), "stability": per_topic,
                         "parent_topic": parent + 1, "parent_similarity": best,
                         "split": same.any(axis=1),
                         "sibling_similarity": np.where(same.any(axis=1), sibling, np.nan)},
                        columns=NEXT_K_COLUMNS)
