"""`make bench`: scaling of every analysis, brute force against candidate search, build floor.

    .venv/bin/python benchmarks/run.py [--sizes 5 50 500 5000] [--semantic-sizes 5 50 500]
                                       [--brute-max 500] [--build | --only-build] [--out reports/bench]

Writes to OUT (default reports/bench/):

- ``scaling.csv``: one row per corpus size and stage (themes, topics, lexical
  redundancy, semantic redundancy): documents, words, corpus bytes, wall
  seconds, user CPU seconds, peak memory (the child process's maximum RSS),
  output bytes, the ratio of output to corpus size, and for redundancy the
  recall of the planted exact and near duplicate paragraphs;
- ``scaling.png``: wall time against documents on log-log axes, with each
  stage's fitted slope;
- ``baseline.csv``: brute-force all-pairs shingle similarity (a sparse
  matrix product) against the package's MinHash-LSH candidate search on the
  same paragraphs: seconds, pairs, recall of the planted pairs, speed ratio;
- ``ann_baseline.csv``: the approximate (faiss IVF) top-10 sentence neighbour
  search against the exact one, at sizes above ``redundancy.exact_search_max``
  sentences: seconds (the exact search's estimated from a sample of rows),
  speed-up, recall at 10 and recall of neighbours at cosine >= 0.8;
- ``build.csv`` (with ``--build`` or ``--only-build``): cold, warm and no-op
  ``make reports`` on the five essays, against the floor of executing and
  rendering the same number of trivial notebooks that import the same
  libraries, with the 1-minute load average before and after each run (the
  machine may be shared);
- ``machine.csv``: cores, memory, when.

Every stage runs as its own process (``python -m analysis STAGE``) with a
time limit, so one stage's memory cannot hide another's. The parse cache
(``.cache/corpus``) is emptied before each size: the first stage parses the
corpus and stores it, and the later ones read it. Synthetic corpora
come from :mod:`benchmarks.synthetic` (seeded) and are kept under
``.cache/bench/`` between runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from synthetic import make_corpus  # noqa: E402

STAGES = {   # stage -> extra arguments of `python -m analysis`
    "themes": ["themes"],
    "topics": ["topics", "--no-cache"],   # the k-scan is cached on disk: a hit would skip it
    "redundancy (lexical)": ["redundancy", "--backend", "lexical"],
    "redundancy (semantic)": ["redundancy", "--backend", "semantic"],
}


def folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


def run_child(argv: list[str], timeout: float, env: dict | None = None) -> dict:
    """Run `argv`; wall time, CPU time and peak RSS of that one process (``os.wait4``)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                            cwd=ROOT)
    deadline = t0 + timeout
    status, usage = None, None
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            _, status, usage = os.wait4(proc.pid, 0)
            status = "timeout"
            break
        time.sleep(0.05)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    code = "timeout" if status == "timeout" else os.waitstatus_to_exitcode(status)
    return {"wall_s": round(wall, 2), "user_s": round(usage.ru_utime, 2),
            "peak_mb": round(usage.ru_maxrss / 1024, 1), "exit": code,
            "stderr_tail": " | ".join(err.strip().splitlines()[-2:])}


def corpus_for(n: int, cache: Path, seed: int) -> tuple[Path, pd.DataFrame]:
    """The synthetic corpus of `n` documents (made once, kept in `cache`) and its planted pairs."""
    folder = cache / f"syn{n}-seed{seed}"
    planted_file = cache / f"syn{n}-seed{seed}-planted.csv"
    if not planted_file.is_file() or len(list(folder.glob("*.txt"))) != n:
        planted = make_corpus(n, folder, seed=seed)
        planted.to_csv(planted_file, index=False)
    return folder, pd.read_csv(planted_file)


def planted_ids(folder: Path, planted: pd.DataFrame) -> pd.DataFrame:
    """Planted pairs with the package's paragraph ids (``a_id``, ``b_id``)."""
    from analysis import load_corpus

    P = load_corpus(folder).paragraphs
    ids = {(d, k): pid for d, g in P.groupby("doc_id", sort=False)
           for k, pid in enumerate(g["paragraph_id"])}
    return planted.assign(a_id=[ids.get((d, k)) for d, k in zip(planted.doc_a, planted.paragraph_a)],
                          b_id=[ids.get((d, k)) for d, k in zip(planted.doc_b, planted.paragraph_b)])


def recall(found: set, planted: pd.DataFrame) -> dict:
    """Share of planted pairs (exact, near, all) whose paragraph pair is in `found`."""
    hit = np.array([(a, b) in found or (b, a) in found for a, b in zip(planted.a_id, planted.b_id)])
    out = {"planted": len(planted), "recall": round(float(hit.mean()), 4) if len(hit) else np.nan}
    for kind in ("exact", "near"):
        m = (planted.kind == kind).to_numpy()
        out[f"recall_{kind}"] = round(float(hit[m].mean()), 4) if m.any() else np.nan
    return out


def scaling(sizes, semantic_sizes, stages, cache, seed, timeout, rows_out: Path,
            stage_max: dict) -> pd.DataFrame:
    rows = []
    for n in sizes:
        folder, planted = corpus_for(n, cache, seed)
        if any(s.startswith("redundancy") for s in stages):   # parsing is costly: only when needed
            planted = planted_ids(folder, planted)
        corpus_bytes = folder_bytes(folder)
        words = sum(len(f.read_text(encoding="utf-8").split()) for f in folder.glob("*.txt"))
        # The first stage parses the corpus and keeps the parse (corpus.cache); the later
        # stages read it, as they do after one another in `make reports`.
        shutil.rmtree(ROOT / ".cache" / "corpus", ignore_errors=True)
        for stage in stages:
            if stage == "redundancy (semantic)" and n not in semantic_sizes:
                continue
            if n > stage_max.get(stage, n):
                continue
            out = Path(tempfile.mkdtemp(prefix="bench-out-"))
            try:
                argv = [sys.executable, "-m", "analysis", *STAGES[stage][:1], str(folder),
                        "--out", str(out), *STAGES[stage][1:]]
                env = {**os.environ, "PYTHONPATH": str(ROOT)}
                res = run_child(argv, timeout, env)
                row = {"documents": n, "words": words, "corpus_bytes": corpus_bytes, "stage": stage, **res,
                       "output_bytes": folder_bytes(out)}
                row["output_ratio"] = round(row["output_bytes"] / corpus_bytes, 3)
                pp = next((out / n for n in ("paragraph_pairs.csv", "paragraph_pairs.csv.gz")
                           if (out / n).is_file()), out / "paragraph_pairs.csv")
                if stage.startswith("redundancy") and pp.is_file():
                    got = pd.read_csv(pp, usecols=["a_id", "b_id"])
                    row.update(recall(set(zip(got.a_id, got.b_id)), planted))
                rows.append(row)
                print(f"bench: {n} documents, {stage}: {res['wall_s']} s, {res['peak_mb']} MB, "
                      f"exit {res['exit']}", file=sys.stderr, flush=True)
                pd.DataFrame(rows).to_csv(rows_out, index=False)
            finally:
                shutil.rmtree(out, ignore_errors=True)
    return pd.DataFrame(rows)


def baseline(sizes, cache, seed, brute_max) -> pd.DataFrame:
    """Brute-force all-pairs (sparse product) vs MinHash-LSH candidates, on paragraphs."""
    from analysis import load_corpus
    from analysis.config import load_params
    from analysis.redundancy.shingles import exact_pairs, minhash_candidates, text_shingles, verify_pairs

    p = load_params(None)["redundancy"]
    thr, lsh = float(p["near_copy"]), p["lsh"]
    rows = []
    for n in [s for s in sizes if s <= brute_max]:
        folder, planted = corpus_for(n, cache, seed)
        planted = planted_ids(folder, planted)
        P = load_corpus(folder).paragraphs
        sets = text_shingles(P["text"], int(p["shingle_size"]))
        ids = P["paragraph_id"].to_numpy()
        for method in ("brute force (sparse product)", "MinHash-LSH candidates + exact check"):
            t0 = time.perf_counter()
            if method.startswith("brute"):
                found = exact_pairs(sets, thr)
            else:
                found = verify_pairs(sets, minhash_candidates(sets, lsh["num_perm"], lsh["threshold"], seed),
                                     thr)
            secs = time.perf_counter() - t0
            pairs = {(ids[i], ids[j]) for i, j in found}
            rows.append({"documents": n, "paragraphs": len(P), "method": method,
                         "seconds": round(secs, 3), "pairs": len(found), **recall(pairs, planted)})
    out = pd.DataFrame(rows)
    if len(out):
        brute = out[out.method.str.startswith("brute")].set_index("documents")["seconds"]
        out["ratio_to_brute_force"] = (out["seconds"] / out["documents"].map(brute)).round(3)
    return out


ANN_COLUMNS = ["documents", "sentences", "clusters", "probes", "ann_seconds", "exact_seconds_estimated",
               "speedup", "query_sample", "recall_at_10", "recall_cos_0_8", "close_neighbours"]


def ann_baseline(sizes, cache, seed, queries: int = 2000, min_sentences: int | None = None) -> pd.DataFrame:
    """Approximate (faiss IVF) against exact top-10 neighbour search of the sentence vectors.

    Only at sizes whose sentences exceed `min_sentences` (default
    ``redundancy.exact_search_max``: below it the package searches exactly). The exact search is run for a seeded sample of
    `queries` rows and its time scaled to all rows; recall is the share of each
    sampled row's exact ten neighbours that the index returns, overall and for
    neighbours at cosine 0.8 or more (near-copies and close paraphrases).
    """
    from analysis import load_corpus
    from analysis.config import load_params
    from analysis.embeddings import lexical_vectors
    from analysis.redundancy.paraphrase import _approximate_search, ann_index, ann_probes

    p = load_params(None)["redundancy"]
    k = int(p["top_k"])
    rows = []
    for n in sizes:
        folder, _ = corpus_for(n, cache, seed)
        texts = load_corpus(folder).sentences["text"].tolist()
        m = len(texts)
        if m <= int(p["exact_search_max"] if min_sentences is None else min_sentences):
            continue
        V = lexical_vectors(texts, int(p["lsa_components"]), seed)
        t0 = time.perf_counter()
        index, _ = _approximate_search(V, k, ann_index(V, seed))
        ann_s = time.perf_counter() - t0
        q = np.sort(np.random.default_rng(seed).choice(m, size=min(queries, m), replace=False))
        t0 = time.perf_counter()
        exact_idx, exact_sim = [], []
        for lo in range(0, len(q), 200):
            rows_q = q[lo:lo + 200]
            block = V[rows_q] @ V.T
            block[np.arange(len(rows_q)), rows_q] = -np.inf
            top = np.argpartition(-block, k - 1, axis=1)[:, :k]
            exact_idx.append(top)
            exact_sim.append(np.take_along_axis(block, top, axis=1))
        exact_s = (time.perf_counter() - t0) * m / len(q)
        exact_idx, exact_sim = np.vstack(exact_idx), np.vstack(exact_sim)
        found = (exact_idx[:, :, None] == index[q][:, None, :]).any(axis=2)
        close = exact_sim >= 0.8
        nlist = max(1, min(int(4 * np.sqrt(m)), m // 39))
        rows.append({"documents": n, "sentences": m, "clusters": nlist, "probes": ann_probes(m, nlist),
                     "ann_seconds": round(ann_s, 2), "exact_seconds_estimated": round(exact_s, 1),
                     "speedup": round(exact_s / ann_s, 1), "query_sample": len(q),
                     "recall_at_10": round(float(found.mean()), 4),
                     "recall_cos_0_8": round(float(found[close].mean()), 4) if close.any() else np.nan,
                     "close_neighbours": int(close.sum())})
        print(f"bench: {n} documents, neighbour search: approximate {ann_s:.1f} s, exact about "
              f"{exact_s:.0f} s, recall@10 {rows[-1]['recall_at_10']}", file=sys.stderr, flush=True)
    return pd.DataFrame(rows, columns=ANN_COLUMNS)


def slopes(frame: pd.DataFrame) -> pd.DataFrame:
    """Fitted log-log slope of wall time against documents, per stage (sizes >= 50 only)."""
    rows = []
    for stage, g in frame[frame["exit"].astype(str) == "0"].groupby("stage", sort=False):
        g = g[g.documents >= 50]
        if len(g) >= 2:
            k = np.polyfit(np.log10(g.documents), np.log10(g.wall_s), 1)[0]
            u = np.polyfit(np.log10(g.documents), np.log10(g.user_s), 1)[0]
            rows.append({"stage": stage, "slope": round(float(k), 2), "slope_user_cpu": round(float(u), 2),
                         "sizes": len(g)})
    return pd.DataFrame(rows, columns=["stage", "slope", "slope_user_cpu", "sizes"])


def plot_scaling(frame: pd.DataFrame, fits: pd.DataFrame, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    slope = dict(zip(fits.stage, fits.slope))
    for stage, g in frame.groupby("stage", sort=False):
        label = f"{stage} (slope {slope[stage]:.2f})" if stage in slope else stage
        ax.plot(g.documents, g.wall_s, marker="o", label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("documents (synthetic corpus, ~2,600 words each)")
    ax.set_ylabel("wall time (s)")
    ax.set_title("Time per analysis against corpus size (log-log)")
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)
    fig.text(0.01, 0.01, "Slope 1 = linear; fitted on sizes of 50 documents and more.", fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={"Title": "Scaling of the analyses",
                                         "Description": "Log-log plot of wall time against documents"})
    plt.close(fig)


TRIVIAL = """import numpy, pandas, scipy, sklearn, matplotlib.pyplot as plt, seaborn
import analysis
print("ok")
"""


# nbconvert's WebPDF exporter printing with the system Chromium (as `analysis.build pdf` does;
# plain `--to webpdf` looks for Playwright's own download, which is not installed).
WEBPDF = ("import sys; from pathlib import Path; from analysis.build import _make_pdf_exporter; "
          "Path(sys.argv[2]).write_bytes(_make_pdf_exporter().from_filename(sys.argv[1])[0])")


def floor(count: int, timeout: float, env: dict) -> dict:
    """nbconvert executing, then rendering as HTML and PDF, `count` trivial notebooks in series."""
    import nbformat

    with tempfile.TemporaryDirectory() as tmp:
        steps = []
        for i in range(count):
            nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(TRIVIAL)])
            nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
            path = Path(tmp) / f"trivial{i}.ipynb"
            nbformat.write(nb, path)
            run = path.parent / f"{path.stem}-run.ipynb"
            steps += [f"{sys.executable} -m jupyter nbconvert --to notebook --execute --output {run.stem} {path}",
                      f"{sys.executable} -m jupyter nbconvert --to html {run}",
                      f"{sys.executable} -c '{WEBPDF}' {run} {path.parent / (path.stem + '.pdf')}"]
        res = run_child(["bash", "-c", " && ".join(steps)], timeout, env)
    return {"run": f"floor: {count} trivial notebooks, execute + HTML + PDF", **res}


def build(timeout: float) -> pd.DataFrame:
    """Cold, warm and no-op `make reports` on the five essays, and the nbconvert floor."""
    rows = []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    stamp = ROOT / ".venv" / ".installed"
    if stamp.exists():
        stamp.touch()       # never let `make` reinstall the shared environment
    out = Path(tempfile.mkdtemp(prefix="bench-build-"))      # never touches reports/
    make = ["make", "-s", "-j2", "reports", f"OUT={out}"]
    for run in ("cold", "warm", "no-op"):
        if run == "cold":   # caches empty (the benchmark's own corpora kept), no outputs
            for p in (ROOT / ".cache").glob("*"):
                if p.name != "bench":
                    shutil.rmtree(p) if p.is_dir() else p.unlink()
        if run in ("cold", "warm"):   # warm: caches kept, outputs removed
            shutil.rmtree(out, ignore_errors=True)
        load = os.getloadavg()[0]
        res = run_child(make, timeout, env)
        rows.append({"run": f"make reports ({run})", **res, "load_before": round(load, 2),
                     "load_after": round(os.getloadavg()[0], 2)})
    shutil.rmtree(out, ignore_errors=True)
    load = os.getloadavg()[0]
    rows.append({**floor(len(list((ROOT / "notebooks").glob("*.ipynb"))), timeout, env),
                 "load_before": round(load, 2), "load_after": round(os.getloadavg()[0], 2)})
    # ru_maxrss of `make` is the largest single process it waited for (Chromium, a kernel), not
    # the tree's peak: it read 20 GB. No column beats a wrong one.
    out = pd.DataFrame(rows).drop(columns="peak_mb")
    floor_s = out["wall_s"].iloc[-1]
    out["ratio_to_floor"] = (out["wall_s"] / floor_s).round(2)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[5, 50, 500, 5000])
    ap.add_argument("--semantic-sizes", type=int, nargs="*", default=[5, 50, 500])
    ap.add_argument("--stages", nargs="+", default=list(STAGES), choices=list(STAGES))
    ap.add_argument("--stage-max", nargs="*", default=[], metavar="STAGE=N",
                    help="largest corpus for a stage, e.g. 'redundancy (lexical)=500'")
    ap.add_argument("--brute-max", type=int, default=500, help="largest size for the brute-force baseline")
    ap.add_argument("--build", action="store_true", help="also time `make reports` against the floor")
    ap.add_argument("--only-build", action="store_true",
                    help="time only `make reports` against the floor (no scaling, no baseline)")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds per stage")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--cache", default=str(ROOT / ".cache" / "bench"))
    ap.add_argument("--out", default=str(ROOT / "reports" / "bench"))
    args = ap.parse_args(argv)
    out, cache = Path(args.out), Path(args.cache)
    out.mkdir(parents=True, exist_ok=True)
    cache.mkdir(parents=True, exist_ok=True)
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    pd.DataFrame([{"cpu_count": os.cpu_count(), "memory_gib": round(mem, 1),
                   "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}]).to_csv(
        out / "machine.csv", index=False)
    if not args.only_build:    # --only-build keeps the scaling files of an earlier run
        stage_max = {k: int(v) for k, v in (x.rsplit("=", 1) for x in args.stage_max)}
        frame = scaling(args.sizes, set(args.semantic_sizes), args.stages, cache, args.seed, args.timeout,
                        out / "scaling.csv", stage_max)
        fits = slopes(frame)
        fits.to_csv(out / "slopes.csv", index=False)
        plot_scaling(frame, fits, out / "scaling.png")
        base = baseline(args.sizes, cache, args.seed, args.brute_max)
        base.to_csv(out / "baseline.csv", index=False)
        print(base.to_string(index=False), file=sys.stderr)
        ann = ann_baseline(args.sizes, cache, args.seed)
        ann.to_csv(out / "ann_baseline.csv", index=False)
    if args.build or args.only_build:
        b = build(args.timeout)
        b.to_csv(out / "build.csv", index=False)
        print(b.to_string(index=False), file=sys.stderr)
    print(f"bench: wrote {out}/", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
