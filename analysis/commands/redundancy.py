"""Redundancy detection: verbatim, formulaic and paraphrase repetition.

Writes sentence_pairs.csv (both sides of every match, lexical and semantic
scores, kind and scope; the strongest redundancy.pairs_max pairs of each
kind), clusters.csv (sentences making the same point, with a
representative; the cluster's documents and representative text on its
first row), phrases.csv (maximal formulaic phrases, the
redundancy.phrases_max in most documents, naming at most 10 documents and
sentences each), doc_overlap.csv
(document x document redundancy), novelty.csv (per document),
sentence_novelty.csv, shared_passages.csv, paragraph_pairs.csv,
redundancy_layers.csv, distinct_points.csv, redundancy_run.csv (which
embedding backend ran, thresholds, counts, timings), same_point_verification.csv
and labelled_pairs_scored.csv (the verifier's held-out precision and recall),
and redundancy_findings.csv.
"""

from __future__ import annotations

HELP = "near-copies, formulaic phrases and paraphrases, with both sides of every match"


def _unit_float(value: str) -> float:
    import argparse

    try:
        x = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a number") from None
    if not 0 < x <= 1:
        raise argparse.ArgumentTypeError(f"{x} is not in (0, 1]: give a cosine similarity such as 0.85")
    return x


def add_arguments(parser) -> None:
    """Options: embedding backend and paraphrase threshold."""
    parser.add_argument("--backend", choices=["auto", "semantic", "lexical"], default=None,
                        help="sentence embeddings for the paraphrase layer: 'semantic' "
                             "(all-MiniLM-L6-v2, falls back to lexical when not installed) or "
                             "'lexical' (TF-IDF + LSA) (default: redundancy.backend in the parameter file)")
    parser.add_argument("--threshold", type=_unit_float, default=None, metavar="X",
                        help="cosine similarity at or above which two sentences count as "
                             "'related' (revisiting a theme) (default: redundancy.thresholds "
                             "in the parameter file); the strict 'same point' tier is decided "
                             "by the verifier, trained on the shipped labelled pairs")


def run(corpus, params, args) -> dict:
    """Run the three layers and return the result tables."""
    import sys

    from ..redundancy import detect_redundancy

    det = detect_redundancy(corpus, params, backend=getattr(args, "backend", None),
                            threshold=getattr(args, "threshold", None))
    if getattr(args, "shared", None) is not None:   # `all`: default options, reused by the digest
        args.shared["detector"] = det
    wanted = getattr(args, "backend", None)
    if wanted == "semantic" and det.backend_ != "semantic":
        print("warning: the sentence-embedding model is not installed; "
              "used the lexical backend instead", file=sys.stderr)
    from ..findings import findings_frame
    from ..findings.redundancy import redundancy_findings
    from ..labels import document_labels, label_map

    labels = label_map(document_labels(corpus.documents, params.get("documents")))
    print(f"redundancy: {det.backend_} backend ({det.model_}), {det.restated_} of "
          f"{len(det.sentence_flags_)} sentences restate an earlier point", file=sys.stderr)
    total = det.pair_total()
    if len(det.pairs_) < total:
        print(f"redundancy: sentence_pairs.csv lists the strongest {det.pairs_max:,} pairs of each "
              f"kind ({len(det.pairs_):,} of {total:,}; redundancy_layers.csv counts them all, "
              "clusters.csv lists every group; redundancy.pairs_max: null lists every pair)",
              file=sys.stderr)
    from ..redundancy.export import written_tables
    from ..redundancy.settings import redundancy_params

    phrases_max = redundancy_params(params)["phrases_max"]
    if phrases_max is not None and len(det.phrases_) > phrases_max:
        print(f"redundancy: phrases.csv lists the {phrases_max:,} phrases in most documents "
              f"(of {len(det.phrases_):,}; every phrase flags its sentences in sentence_novelty.csv; "
              "redundancy.phrases_max: null lists every phrase)", file=sys.stderr)
    return {**written_tables(det.tables(), phrases_max=phrases_max),
            "redundancy_findings.csv": findings_frame(redundancy_findings(det, labels))}
