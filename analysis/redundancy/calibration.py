"""Calibration: thresholds, precision and recall with intervals, and cross-validation.

The "same point" tier is only as good as its measured precision. Everything
here evaluates a score against labels without tuning and evaluating on the
same rows: :func:`cross_validate` picks each fold's threshold on that fold's
training rows only (from inner cross-validated scores) and scores the held-out
rows, and :func:`wilson_interval` gives the 95% interval of every rate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

from .shingles import jaccard, text_shingles


def wilson_interval(successes: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval of a proportion (95% by default).

    Parameters
    ----------
    successes, n : int
    z : float

    Returns
    -------
    (float, float)
        Lower and upper bound; ``(nan, nan)`` when ``n == 0``.
    """
    if n <= 0:
        return (float("nan"), float("nan"))
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (float(max(0.0, centre - half)), float(min(1.0, centre + half)))


def rates(flag, y, weights=None) -> dict:
    """Precision and recall of boolean predictions `flag` against labels `y`, with Wilson intervals.

    With `weights` (inverse sampling probabilities of a stratified sample)
    the point estimates are also given population-weighted.

    Returns
    -------
    dict
        ``tp``, ``flagged``, ``positives``, ``precision``, ``precision_low``,
        ``precision_high``, ``recall``, ``recall_low``, ``recall_high``,
        ``f1``, and ``weighted_precision``/``weighted_recall`` when weighted.
    """
    flag = np.asarray(flag, bool)
    y = np.asarray(y, bool)
    tp, fl, pos = int((flag & y).sum()), int(flag.sum()), int(y.sum())
    prec = tp / fl if fl else float("nan")
    rec = tp / pos if pos else float("nan")
    out = {"tp": tp, "flagged": fl, "positives": pos, "n": int(len(y)),
           "precision": prec, "recall": rec,
           "f1": 2 * prec * rec / (prec + rec) if fl and pos and (prec + rec) else 0.0}
    out["precision_low"], out["precision_high"] = wilson_interval(tp, fl)
    out["recall_low"], out["recall_high"] = wilson_interval(tp, pos)
    if weights is not None:
        w = np.asarray(weights, float)
        wf, wp = (w * flag).sum(), (w * y).sum()
        out["weighted_precision"] = float((w * (flag & y)).sum() / wf) if wf else float("nan")
        out["weighted_recall"] = float((w * (flag & y)).sum() / wp) if wp else float("nan")
    return out


def repeated_rates(flag_runs, y, weights=None) -> dict:
    """:func:`rates` pooled over repeated cross-validation runs.

    Each run scores every row once, so pooled counts are divided by the number
    of runs before the Wilson interval is taken (the interval of one run's
    worth of pairs, not of the pooled, non-independent rows). ``precision_min``
    and ``precision_max`` give the spread across runs.
    """
    runs = [rates(f, y, weights) for f in flag_runs]
    R = len(runs)
    tp = sum(r["tp"] for r in runs)
    fl = sum(r["flagged"] for r in runs)
    pos = sum(r["positives"] for r in runs)
    out = {"tp": tp / R, "flagged": fl / R, "positives": pos / R, "n": runs[0]["n"], "repeats": R,
           "precision": tp / fl if fl else float("nan"), "recall": tp / pos if pos else float("nan")}
    p, r = out["precision"], out["recall"]
    out["f1"] = 2 * p * r / (p + r) if fl and pos and (p + r) else 0.0
    out["precision_low"], out["precision_high"] = wilson_interval(round(tp / R), round(fl / R))
    out["recall_low"], out["recall_high"] = wilson_interval(round(r * (pos / R)), round(pos / R))
    prec = [x["precision"] for x in runs if x["flagged"]]
    out["precision_min"] = float(min(prec)) if prec else float("nan")
    out["precision_max"] = float(max(prec)) if prec else float("nan")
    if weights is not None:
        out["weighted_precision"] = float(np.nanmean([x["weighted_precision"] for x in runs]))
        out["weighted_recall"] = float(np.nanmean([x["weighted_recall"] for x in runs]))
    return out


def cross_validate(X: pd.DataFrame, y, make_model, target_precision: float = 0.85,
                   folds: int = 5, random_state: int = 42) -> dict:
    """Held-out predictions of a scorer whose threshold is chosen on training rows only.

    For each of `folds` stratified folds: fit ``make_model()`` on the other
    folds, choose the threshold as the lowest whose precision on the
    training rows' own inner cross-validated scores reaches
    `target_precision`, then score and flag the held-out fold.

    Parameters
    ----------
    X : DataFrame
        Features (whatever ``make_model().fit`` accepts).
    y : array-like of bool
    make_model : callable
        Returns an unfitted object with ``fit(X, y)`` and ``predict_proba(X)``
        returning the positive-class score.
    target_precision : float
    folds : int
    random_state : int

    Returns
    -------
    dict
        ``scores`` and ``flags`` (held-out, one per row), ``thresholds`` (per
        fold), ``fold`` (the fold of each row).
    """
    y = np.asarray(y, bool)
    n = len(y)
    scores, flags, fold_of = np.zeros(n), np.zeros(n, bool), np.zeros(n, int)
    thresholds = []
    outer = StratifiedKFold(folds, shuffle=True, random_state=random_state)
    for f, (tr, te) in enumerate(outer.split(np.zeros(n), y)):
        inner_scores = np.zeros(len(tr))
        inner = StratifiedKFold(folds, shuffle=True, random_state=random_state + 1 + f)
        for itr, ite in inner.split(np.zeros(len(tr)), y[tr]):
            m = make_model().fit(X.iloc[tr[itr]], y[tr[itr]])
            inner_scores[ite] = m.predict_proba(X.iloc[tr[ite]])
        thr = calibrate_threshold(y[tr], inner_scores, target_precision)["threshold"]
        model = make_model().fit(X.iloc[tr], y[tr])
        scores[te] = model.predict_proba(X.iloc[te])
        flags[te] = scores[te] >= thr
        fold_of[te] = f
        thresholds.append(thr)
    return {"scores": scores, "flags": flags, "thresholds": thresholds, "fold": fold_of}


def final_threshold(X: pd.DataFrame, y, make_model, target_precision: float = 0.85,
                    folds: int = 5, random_state: int = 42) -> float:
    """The threshold for a model fitted on all rows: chosen on all rows' cross-validated scores."""
    y = np.asarray(y, bool)
    scores = np.zeros(len(y))
    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=random_state).split(np.zeros(len(y)), y):
        scores[te] = make_model().fit(X.iloc[tr], y[tr]).predict_proba(X.iloc[te])
    return calibrate_threshold(y, scores, target_precision)["threshold"]

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
    # One sort instead of a pass per threshold: pairs at or above each distinct score are the
    # suffix counts of the scores sorted ascending.
    t = np.unique(s)
    order = np.argsort(s, kind="stable")
    start = np.searchsorted(s[order], t, side="left")           # first sorted row >= t
    flagged = len(s) - start
    tp_suffix = np.concatenate([np.cumsum(y[order][::-1])[::-1], [0]])
    tp = tp_suffix[start]
    pos = int(y.sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        prec = np.where(flagged > 0, tp / np.maximum(flagged, 1), 1.0)
        rec = tp / pos if pos else np.zeros(len(t))
        f1 = np.where(prec + rec > 0, 2 * prec * rec / np.where(prec + rec > 0, prec + rec, 1), 0.0)
    return pd.DataFrame({"threshold": t.astype(float), "precision": prec.astype(float),
                         "recall": np.asarray(rec, float), "f1": f1.astype(float),
                         "flagged": flagged.astype(int)},
                        columns=["threshold", "precision", "recall", "f1", "flagged"])


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


# ------------------------------------------------------------ the same-point verifier

#: Labels of the labelled pairs, from most to least similar.
LABELS = ("same", "partly", "different")


def consensus(first, second) -> np.ndarray:
    """One label per pair from two passes: the agreed label, else the less similar one.

    The guide's tie rule ("when torn, choose the less similar label") applied
    to the two passes, so "same" is only kept where both passes say so.
    """
    rank = {lab: k for k, lab in enumerate(LABELS)}
    a = np.array([rank[x] for x in first])
    b = np.array([rank[x] for x in second])
    return np.array(LABELS, dtype=object)[np.maximum(a, b)]


class ColumnScore:
    """A "model" whose score is one feature column (a baseline: cosine or CSLS alone)."""

    def __init__(self, column: str):
        self.column = column

    def fit(self, X, y):
        return self

    def predict_proba(self, X):
        return X[self.column].to_numpy(float)


def labelled_features(detector, sentences: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """Verifier features of the labelled pairs, computed the way a run computes them.

    The reference sentences are embedded with `detector`'s backend and their
    neighbour statistics computed among themselves, exactly as for a corpus.

    Parameters
    ----------
    detector : RedundancyDetector
    sentences : DataFrame
        ``sentence_id``, ``doc_id``, ``text`` of the labelled pairs' corpus.
    pairs : DataFrame
        ``a_id``, ``b_id`` and labels.

    Returns
    -------
    DataFrame
        `pairs` with the feature columns added.
    """
    from .paraphrase import FEATURES, pair_features

    S = sentences.reset_index(drop=True)
    V = detector.embed(S["text"])
    nb, tokens, sets = detector.candidate_features(S, V)
    row = pd.Series(np.arange(len(S)), index=S["sentence_id"])
    i, j = row.loc[pairs["a_id"]].to_numpy(), row.loc[pairs["b_id"]].to_numpy()
    X = pair_features(i, j, V, nb, tokens, sets)
    base = pairs.drop(columns=[c for c in FEATURES if c in pairs]).reset_index(drop=True)
    return pd.concat([base, X], axis=1)


#: The option of :func:`verifier_options` that is the verifier itself (its runs are reused).
ALL_FEATURES_OPTION = "verifier on all features (embedding + lexical + negation, numbers, entities)"


def verifier_options(C: float = 1.0, random_state: int = 42) -> dict:
    """The second-stage options compared on held-out labels: name -> model factory."""
    from .paraphrase import FEATURES, SamePointVerifier

    embedding_only = ["cosine", "csls", "generic_max", "generic_min", "rank_max"]
    return {
        "cosine alone": lambda: ColumnScore("cosine"),
        "CSLS (hubness-corrected cosine) alone": lambda: ColumnScore("csls"),
        "verifier on embedding features (cosine, CSLS, genericness, mutual rank)":
            lambda: SamePointVerifier(embedding_only, C=C, random_state=random_state),
        ALL_FEATURES_OPTION: lambda: SamePointVerifier(list(FEATURES), C=C, random_state=random_state),
    }


def compare_options(X: pd.DataFrame, y, options: dict, target_precision: float = 0.85,
                    folds: int = 5, random_state: int = 42, weights=None, repeats: int = 5,
                    known_runs: dict | None = None) -> pd.DataFrame:
    """Held-out precision and recall (with Wilson intervals) of each option, over repeated CV.

    Parameters
    ----------
    known_runs : dict, optional
        Option name -> its :func:`cross_validate` results, already computed with the same
        arguments (seeds ``random_state + r``); those options are not cross-validated again.

    Returns
    -------
    DataFrame
        One row per option: ``option`` and the keys of :func:`repeated_rates`,
        plus ``threshold_mean`` (mean of the per-fold thresholds).
    """
    rows = []
    for name, make in options.items():
        runs = (known_runs or {}).get(name) or [
            cross_validate(X, y, make, target_precision, folds, random_state + r) for r in range(repeats)]
        r = repeated_rates([cv["flags"] for cv in runs], y, weights)
        rows.append({"option": name, **r,
                     "threshold_mean": float(np.mean([t for cv in runs for t in cv["thresholds"]]))})
    return pd.DataFrame(rows)


def train_verifier(detector, sentences: pd.DataFrame, pairs: pd.DataFrame, settings: dict,
                   random_state: int = 42):
    """Fit the "same point" verifier on the labelled pairs and measure it on held-out folds.

    Parameters
    ----------
    detector : RedundancyDetector
        Supplies the embedding backend and the neighbour settings.
    sentences, pairs : DataFrame
        From :func:`analysis.references.same_point_labels`.
    settings : dict
        Redundancy settings; reads ``verifier`` (``target_precision``,
        ``folds``, ``repeats``, ``C``), ``thresholds``, ``near_copy`` and ``near_copy_containment``.
    random_state : int

    Returns
    -------
    verifier : SamePointVerifier
        Fitted on every labelled pair, with ``threshold`` chosen from
        cross-validated scores.
    report : dict
        ``strict`` (held-out :func:`repeated_rates` of the strict tier:
        near-copy or verifier, over ``repeats`` cross-validations), ``verifier`` (the verifier alone), ``related`` (pairs at
        or above the related cosine that are "same" or "partly"),
        ``options`` (:func:`compare_options`), ``labelled`` (the pairs with
        their features, held-out scores and flags), ``threshold``, ``n``,
        ``positives``, ``coefficients``.
    """
    # About 1,200 fits of a 13-feature logistic regression: BLAS threads only cost time on
    # such small matrices (and under make -j compete with the other jobs), and one thread
    # gives the same coefficients whatever the machine's core count.
    F = labelled_features(detector, sentences, pairs)   # embeds: the encoder keeps its threads
    with threadpool_limits(1):
        return _fit_and_measure(F, detector, settings, random_state)


def _fit_and_measure(F: pd.DataFrame, detector, settings: dict, random_state: int):
    """:func:`train_verifier` after the features: the cross-validations and the final fit."""
    from .paraphrase import FEATURES, SamePointVerifier
    from .shingles import shingles
    from .verbatim import is_near_copy
    from .. import text as T

    vs = settings["verifier"]
    y = (F["label"] == "same").to_numpy()
    w = F["weight"].to_numpy(float) if "weight" in F else None

    def make():
        return SamePointVerifier(list(FEATURES), C=vs["C"], random_state=random_state)

    repeats = int(vs.get("repeats", 5))
    # Cross-validation copies rows thousands of times: only the numeric feature columns.
    X = F[list(FEATURES)]
    runs = [cross_validate(X, y, make, vs["target_precision"], vs["folds"], random_state + r)
            for r in range(repeats)]
    cv = runs[0]
    sets = [shingles(T.words(t), detector.shingle_size) for t in pd.concat([F["a_text"], F["b_text"]])]
    m = len(F)
    near = is_near_copy(sets, np.arange(m), np.arange(m, 2 * m), settings["near_copy"],
                        settings["near_copy_containment"])[2]
    strict_runs = [near | run["flags"] for run in runs]
    strict = strict_runs[0]
    related_thr = settings["thresholds"].get(detector.backend_, 1.0)
    related_runs = [~f & (F["cosine"].to_numpy() >= related_thr) for f in strict_runs]
    related = related_runs[0]
    overlap = F["label"].isin(["same", "partly"]).to_numpy()
    F = F.assign(held_out_score=cv["scores"], held_out_fold=cv["fold"], near_copy=near,
                 held_out_same_point=strict, related_tier=related)
    verifier = make().fit(X, y)
    verifier.threshold = final_threshold(X, y, make, vs["target_precision"], vs["folds"], random_state)
    report = {
        "strict": repeated_rates(strict_runs, y, w),
        "verifier": repeated_rates([run["flags"] for run in runs], y, w),
        "related": repeated_rates(related_runs, overlap, w),
        # The verifier's own runs are one of the options compared: reused, not refitted.
        "options": compare_options(X, y, verifier_options(vs["C"], random_state),
                                   vs["target_precision"], vs["folds"], random_state, w, repeats,
                                   known_runs={ALL_FEATURES_OPTION: runs}),
        "labelled": F, "threshold": verifier.threshold, "n": int(m), "positives": int(y.sum()),
        "coefficients": verifier.coef_, "fold_thresholds": cv["thresholds"],
    }
    return verifier, report
