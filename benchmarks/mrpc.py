"""A public reference: the same-point verifier on MRPC.

The Microsoft Research Paraphrase Corpus (Dolan & Brockett, 2005; 4,076 training and
1,725 test pairs of news sentences, labelled "paraphrase" or not by two annotators; a
copy is in tests/fixtures/mrpc/) asks a looser question than this project's "same
point": MRPC counts a pair as a paraphrase when the two sentences are "semantically
equivalent" even if one holds a little more information (a name, a date, a quote's
attribution), which our guide would label "partly". So the verifier, trained on the
essays' strict labels, is expected to be conservative on MRPC: high precision, lower
recall.

Protocol: the verifier is trained on the project's labelled pairs exactly as a run
trains it. Its probabilities are computed for every MRPC pair, with the neighbour
features (CSLS, genericness, mutual rank) taken among all MRPC sentences. The
threshold is the one with the best F1 on MRPC *train*; precision, recall and F1 are
reported on MRPC *test*. Cosine alone is given beside it, with its own train threshold.

    .venv/bin/python benchmarks/mrpc.py          # writes benchmarks/results/mrpc.csv
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.redundancy import calibrate_threshold, rates, redundancy_params  # noqa: E402
from analysis.redundancy.calibration import train_verifier  # noqa: E402
from analysis.redundancy.detector import RedundancyDetector  # noqa: E402
from analysis.redundancy.paraphrase import pair_features  # noqa: E402
from analysis.references import same_point_labels  # noqa: E402

DATA = ROOT / "tests" / "fixtures" / "mrpc"
OUT = ROOT / "benchmarks" / "results" / "mrpc.csv"


def load_mrpc(split: str, limit: int | None = None) -> pd.DataFrame:
    """MRPC pairs of one split (``train`` or ``test``): ``label`` (bool), ``a_text``, ``b_text``."""
    frame = pd.read_csv(DATA / f"msr_paraphrase_{split}.txt", sep="\t", quoting=csv.QUOTE_NONE,
                        encoding="utf-8-sig")
    frame = frame.rename(columns={"Quality": "label", "#1 String": "a_text", "#2 String": "b_text"})
    frame["label"] = frame["label"].astype(int) == 1
    return frame.head(limit) if limit else frame


def evaluate(limit: int | None = None, backend: str = "semantic", seed: int = 42) -> pd.DataFrame:
    """Test-set precision, recall and F1 of the verifier and of cosine alone, thresholds from train.

    Parameters
    ----------
    limit : int, optional
        Use only the first `limit` pairs of each split (a smoke run).
    backend : str
    seed : int

    Returns
    -------
    DataFrame
        One row per method: ``method``, ``threshold``, test ``precision``,
        ``recall``, ``f1`` with Wilson intervals, and ``train_f1``.
    """
    settings = redundancy_params({})
    det = RedundancyDetector(backend=backend, random_state=seed)
    sentences, labelled = same_point_labels()
    verifier, _ = train_verifier(det, sentences, labelled, settings, seed)
    splits = {s: load_mrpc(s, limit) for s in ("train", "test")}
    texts = pd.unique(pd.concat([f[c] for f in splits.values() for c in ("a_text", "b_text")]))
    S = pd.DataFrame({"sentence_id": np.arange(len(texts)), "text": texts})
    V = det.embed(S["text"])
    nb, tokens, sets = det.candidate_features(S, V)
    row = pd.Series(np.arange(len(texts)), index=texts)
    scores = {}
    for name, f in splits.items():
        X = pair_features(row.loc[f["a_text"]].to_numpy(), row.loc[f["b_text"]].to_numpy(), V, nb, tokens, sets)
        scores[name] = {"verifier (trained on the essays)": verifier.predict_proba(X),
                        "cosine alone": X["cosine"].to_numpy()}
    rows = []
    strict = rates(scores["test"]["verifier (trained on the essays)"] >= verifier.threshold, splits["test"]["label"])
    rows.append({"method": "verifier at its own strict threshold (not retuned)", "backend": det.backend_,
                 "threshold": verifier.threshold, "train_f1": np.nan, "test_pairs": strict["n"],
                 **{k: strict[k] for k in ("precision", "precision_low", "precision_high", "recall",
                                           "recall_low", "recall_high", "f1")}})
    for method in scores["train"]:
        cal = calibrate_threshold(splits["train"]["label"], scores["train"][method])
        r = rates(scores["test"][method] >= cal["threshold"], splits["test"]["label"])
        rows.append({"method": method, "backend": det.backend_, "threshold": cal["threshold"],
                     "train_f1": cal["f1"], "test_pairs": r["n"], **{k: r[k] for k in (
                         "precision", "precision_low", "precision_high", "recall", "recall_low",
                         "recall_high", "f1")}})
    return pd.DataFrame(rows)


if __name__ == "__main__":
    table = evaluate()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(OUT, index=False)
    print(table.round(3).to_string(index=False))
