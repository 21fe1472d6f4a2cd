"""Time redundancy detection from 1,000 to 100,000 synthetic sentences, and the
embedding cache cold vs warm on the real corpus.

    .venv/bin/python benchmarks/redundancy_scaling.py [--sizes 1000 10000 100000] [--semantic-max 3000]

Rows for sizes not re-run are kept. Writes benchmarks/results/redundancy_scaling.csv (sentences, backend, stage, seconds, pairs)
and benchmarks/results/embedding_cache.csv (run, seconds, model_load_seconds, cache_hits, encoded).
Synthetic sentences: 12-24 words drawn from a 5,000-word Zipf vocabulary in 100 documents,
with 2% planted near-copies (two words changed), so every stage has real work to do.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis import load_corpus  # noqa: E402
from analysis.embeddings import Embedder, semantic_available, top_k_neighbours  # noqa: E402
from analysis.redundancy.formulaic import phrase_table  # noqa: E402
from analysis.redundancy import RedundancyDetector  # noqa: E402
from analysis.redundancy.shingles import minhash_candidates, text_shingles, verify_pairs  # noqa: E402

OUT = ROOT / "benchmarks" / "results"


def synthetic_sentences(n: int, seed: int = 42, docs: int = 100) -> pd.DataFrame:
    """`n` synthetic sentences in `docs` documents, 2% of them near-copies of earlier ones."""
    rng = np.random.default_rng(seed)
    vocab = np.array([f"w{i}" for i in range(5000)])
    p = 1 / np.arange(1, 5001) ** 1.05
    p /= p.sum()
    texts = []
    for i in range(n):
        if i > 10 and rng.random() < 0.02:
            w = texts[rng.integers(0, i)].rstrip(".").split()
            for _ in range(2):
                w[rng.integers(0, len(w))] = str(rng.choice(vocab, p=p))
            texts.append(" ".join(w) + ".")
        else:
            texts.append(" ".join(rng.choice(vocab, size=rng.integers(12, 25), p=p)) + ".")
    doc = np.minimum(np.arange(n) * docs // n, docs - 1)
    return pd.DataFrame({"doc_id": [f"d{d:03d}" for d in doc],
                         "sentence_id": [f"d{d:03d}:s{i:06d}" for i, d in enumerate(doc)],
                         "text": texts})


def time_stages(S: pd.DataFrame, backend: str, top_k: int = 10) -> list[dict]:
    rows = []
    det = RedundancyDetector(backend=backend, top_k=top_k)
    thr = {"semantic": 0.845, "lexical": 0.263}
    t0 = time.perf_counter()
    emb = Embedder(backend, cache=False)
    V = emb.encode(S["text"])
    rows.append(("embed", time.perf_counter() - t0, len(S)))
    t0 = time.perf_counter()
    pairs, _ = top_k_neighbours(V, top_k, thr[emb.backend_], 512)
    rows.append(("neighbours (chunked top-k)", time.perf_counter() - t0, len(pairs)))
    t0 = time.perf_counter()
    sets = text_shingles(S["text"], 3)
    found = verify_pairs(sets, minhash_candidates(sets, 128, 0.3, 42), 0.35)
    rows.append(("MinHash-LSH + verify", time.perf_counter() - t0, len(found)))
    t0 = time.perf_counter()
    ph = phrase_table(S)
    rows.append(("formulaic phrases", time.perf_counter() - t0, len(ph)))
    t0 = time.perf_counter()
    det.embedder = Embedder(backend, cache=False)
    det.fit(None, sentences=S)
    rows.append(("whole detector", time.perf_counter() - t0, len(det.pairs_)))
    return [{"sentences": len(S), "backend": emb.backend_, "stage": s, "seconds": round(t, 3),
             "items": k} for s, t, k in rows]


def cache_timing() -> pd.DataFrame:
    corpus = load_corpus(ROOT / "corpus")
    texts = corpus.sentences["text"]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in ("cold", "warm"):
            emb = Embedder("semantic", cache_dir=Path(tmp))
            emb.encode(texts)
            st = emb.stats_
            rows.append({"run": run, "backend": emb.backend_, "sentences": len(texts),
                         "seconds": round(st["seconds"], 3),
                         "model_load_seconds": round(st["load_seconds"], 3),
                         "cache_hits": st["cache_hits"], "encoded": st["encoded"]})
    return pd.DataFrame(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000, 10000, 30000, 100000])
    ap.add_argument("--semantic-max", type=int, default=3000,
                    help="largest size also timed with the semantic backend (2 CPU cores)")
    ap.add_argument("--skip-cache", action="store_true", help="do not re-time the embedding cache")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if semantic_available() and not args.skip_cache:
        cache = cache_timing()
        cache.to_csv(OUT / "embedding_cache.csv", index=False)
        print(cache.to_string(index=False), flush=True)
    old = pd.read_csv(OUT / "redundancy_scaling.csv") if (OUT / "redundancy_scaling.csv").is_file() else None
    keep = old[~old["sentences"].isin(args.sizes)].to_dict("records") if old is not None else []
    rows = list(keep)
    for n in args.sizes:
        S = synthetic_sentences(n)
        backends = ["lexical"] + (["semantic"] if semantic_available() and n <= args.semantic_max else [])
        for b in backends:
            rows += time_stages(S, b)
            frame = pd.DataFrame(rows)
            frame.to_csv(OUT / "redundancy_scaling.csv", index=False)
            print(frame[frame.sentences == n].to_string(index=False), flush=True)
    meta = {"cpu_count": os.cpu_count(), "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    pd.DataFrame([meta]).to_csv(OUT / "machine.csv", index=False)


if __name__ == "__main__":
    main()
