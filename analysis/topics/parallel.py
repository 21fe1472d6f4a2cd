"""Independent NMF or LDA fits on several processes: the k-scan and the seed refits.

Each fit is one call of :func:`analysis.topics.model.factorize` with its own
seed, so where it runs does not change its result (workers run their BLAS on
one thread, and the tests compare the two paths). scikit-learn's NMF runs on
one core, so on a large corpus the k-scan's 35 fits and the 8 refits behind
stability and the k + 1 split are the part of the topic analysis that more
cores speed up.
"""

from __future__ import annotations

import os

from ..background import Deferred
from .model import factorize

#: Workers run BLAS on one thread: the processes, not the threads, use the cores.
_ONE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
#: Most workers started, whatever the machine (each holds a copy of the count matrix).
MAX_WORKERS = 4


def fit_processes(settings: dict, n_units: int) -> int:
    """Processes for the independent fits: ``topics.n_jobs``, or when it is None every core
    (at most :data:`MAX_WORKERS`) once the units outnumber ``topics.scan_max_units``,
    else one (a small corpus fits in less time than workers take to start).

    Parameters
    ----------
    settings : dict
        From :func:`analysis.topics.topic_settings`.
    n_units : int
        Modelling units of the whole corpus.

    Returns
    -------
    int
    """
    n_jobs = settings.get("n_jobs")
    if n_jobs is None:
        cap = settings.get("scan_max_units")
        if cap is None or n_units <= int(cap):
            return 1
        return max(1, min(os.cpu_count() or 1, MAX_WORKERS))
    return max(1, int(n_jobs))


def submit_fits(counts, jobs, method: str, max_iter: int, n_jobs: int = 1) -> list:
    """Start :func:`factorize` for each ``(k, seed)`` of `jobs`; returns one future per job.

    With ``n_jobs > 1`` the fits start at once on a pool of worker processes,
    so the caller can fit something else meanwhile; with one, each fit runs
    when its ``result()`` is asked for.

    Parameters
    ----------
    counts : scipy.sparse matrix
        Units x terms counts, shared by every job.
    jobs : list of (int, int)
        ``(n_topics, random_state)`` per fit.
    method : {"nmf", "lda"}
    max_iter : int
    n_jobs : int

    Returns
    -------
    list
        Objects with ``result()`` giving ``factorize``'s ``(estimator, W, H, tfidf)``.
    """
    if n_jobs <= 1 or len(jobs) <= 1:
        return [Deferred(factorize, (counts, k, method, seed, max_iter)) for k, seed in jobs]
    from joblib.externals.loky import get_reusable_executor

    pool = get_reusable_executor(max_workers=min(n_jobs, len(jobs)), env=_ONE_THREAD)
    return [pool.submit(factorize, counts, k, method, seed, max_iter) for k, seed in jobs]
