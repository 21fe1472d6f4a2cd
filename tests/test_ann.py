"""The paraphrase layer's neighbour search: exact for small inputs, approximate (faiss) above."""

import numpy as np
import pytest

from analysis.redundancy.paraphrase import _list_order, ann_index, neighbours


def _unit(rows):
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def _planted(n: int, dim: int, planted: int, seed: int = 0):
    """Random unit rows, and `planted` rows that are tiny perturbations of earlier ones."""
    rng = np.random.default_rng(seed)
    V = rng.normal(size=(n, dim))
    src = rng.choice(n - planted, size=planted, replace=False)
    dst = np.arange(n - planted, n)
    V[dst] = V[src] + 0.05 * rng.normal(size=(planted, dim))
    return _unit(V), {(int(min(a, b)), int(max(a, b))) for a, b in zip(src, dst)}


def test_exact_below_the_threshold_is_brute_force():
    V, _ = _planted(400, 16, 20)
    nb = neighbours(V, 5, 0.5, batch_size=64, exact_max=1000)
    assert nb["exact"]
    S = V @ V.T
    np.fill_diagonal(S, -np.inf)
    best = np.sort(S, axis=1)[:, ::-1][:, :5]
    assert np.allclose(nb["sims"], best, atol=1e-5)
    assert (nb["index"] != np.arange(400)[:, None]).all()


@pytest.mark.slow
@pytest.mark.parametrize("dim", [64, 100])     # 100: padded to 112 for the 16-bit index
def test_approximate_search_recovers_planted_pairs_and_is_deterministic(dim):
    V, planted = _planted(30_000, dim, 300, seed=1)
    a = neighbours(V, 10, 0.9, exact_max=1_000, random_state=3)
    b = neighbours(V, 10, 0.9, exact_max=1_000, random_state=3)
    assert not a["exact"]
    found = set(zip(a["pairs"]["i"].tolist(), a["pairs"]["j"].tolist()))
    assert len(planted & found) / len(planted) >= 0.99
    assert np.array_equal(a["index"], b["index"]) and np.array_equal(a["sims"], b["sims"])
    # a prebuilt index searched on one thread (as beside the detector's other work) finds the same;
    # building it trains on ann_index's own thread count and leaves the caller's setting alone
    import faiss
    default = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        built = ann_index(V, 3)
        assert faiss.omp_get_max_threads() == 1
    finally:
        faiss.omp_set_num_threads(default)
    order = _list_order(built.ivf)
    assert np.array_equal(np.sort(order), np.arange(len(V)))      # every row once, cluster by cluster
    # each row sits in the first cluster its search probes, and probes nprobe distinct ones
    lists = np.repeat(np.arange(built.ivf.nlist), [built.ivf.invlists.list_size(c)
                                                  for c in range(built.ivf.nlist)])
    assert np.array_equal(built.probes[order, 0], lists)
    assert built.probes.shape == (len(V), built.ivf.nprobe)
    assert all(len(set(p)) == built.ivf.nprobe for p in built.probes[::500])
    assert (np.diff(built.probe_sims, axis=1) <= 0).all()
    c = neighbours(V, 10, 0.9, exact_max=1_000, random_state=3, ivf=built, threads=lambda: 1)
    assert np.array_equal(a["index"], c["index"]) and np.array_equal(a["sims"], c["sims"])
    # a row is never its own neighbour, and every listed neighbour is a real row
    assert (a["index"] != np.arange(len(V))[:, None]).all()
    assert a["index"].min() >= 0 and a["index"].max() < len(V)
    # each similarity is the true cosine of the pair it names (the index holds 16-bit floats,
    # about 1e-3 off; the neighbours found are scored again exactly), best first
    r = np.arange(0, len(V), 997)
    true = np.einsum("ij,ikj->ik", V[r], V[a["index"][r]])
    ok = a["sims"][r] > -1
    assert np.allclose(a["sims"][r][ok], true[ok], rtol=0, atol=1e-6)
    assert (np.diff(a["sims"], axis=1) <= 0).all()


def test_candidate_pairs_are_each_pair_once_with_its_first_listed_cosine():
    """The pairs frame equals the neighbour lists' pairs, deduplicated (first listing kept) and sorted."""
    import pandas as pd

    V, planted = _planted(400, 16, 40)
    nb = neighbours(V, 5, 0.3, batch_size=64, exact_max=1000)
    r, c = np.nonzero(nb["sims"] >= 0.3)
    i, j = np.minimum(r, nb["index"][r, c]), np.maximum(r, nb["index"][r, c])
    ref = (pd.DataFrame({"i": i, "j": j, "cosine": np.clip(nb["sims"][r, c], -1, 1).astype(float)})
           .drop_duplicates(["i", "j"]).sort_values(["i", "j"], ignore_index=True))
    pd.testing.assert_frame_equal(nb["pairs"], ref)
    assert len(ref) < len(r) and planted <= set(zip(ref["i"].tolist(), ref["j"].tolist()))


def test_a_search_in_a_thread_skips_faiss_interrupt_checks_and_finds_the_same(monkeypatch):
    # faiss's Ctrl-C callback takes the GIL every few queries: beside a main thread running
    # Python it stalled the search (204 s instead of 4 s). Off in other threads, back after.
    import faiss

    from analysis.background import start

    calls = []
    clear, reset = faiss.InterruptCallback.clear_instance, faiss.PythonInterruptCallback.reset
    monkeypatch.setattr(faiss.InterruptCallback, "clear_instance",
                        staticmethod(lambda: (calls.append("clear"), clear())[1]))
    monkeypatch.setattr(faiss.PythonInterruptCallback, "reset",
                        staticmethod(lambda: (calls.append("reset"), reset())[1]))
    V, _ = _planted(3_000, 16, 30, seed=2)
    main = neighbours(V, 5, 0.5, exact_max=1_000, random_state=1)
    assert not main["exact"] and calls == []
    side = start(neighbours, (V, 5, 0.5, 512, 1_000, 1), thread=True).result()
    assert calls == ["clear", "reset"]
    assert np.array_equal(main["index"], side["index"]) and np.array_equal(main["sims"], side["sims"])
