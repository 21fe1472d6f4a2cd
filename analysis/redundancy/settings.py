"""Settings of the redundancy analysis and the columns its tables share."""

from __future__ import annotations

from ..config import _merge as merge  # one nested-merge rule for every settings section
from ..errors import InputError

#: Defaults for the ``redundancy:`` section of params.yaml.
DEFAULTS = {
    "backend": "auto",                 # auto | semantic | lexical
    # "Related" tier: cosine per backend at or above which two sentences revisit a theme.
    "thresholds": {"semantic": 0.8445, "lexical": 0.2632},
    # Candidates for the "same point" verifier: top_k neighbours at or above this cosine.
    "retrieval_floor": {"semantic": 0.70, "lexical": 0.20},
    "verifier": {
        "target_precision": 0.95,      # the strict tier's threshold: lowest with this CV precision
        "folds": 5,                    # cross-validation folds (stratified)
        "repeats": 20,                 # cross-validation repeated with other splits; rates pooled
        "C": 1.0,                      # inverse regularisation of the logistic verifier
    },
    "near_copy": 0.35,                 # sentence 3-shingle Jaccard for a near-copy
    "near_copy_containment": 0.80,     # ... or this share of the shorter sentence
    "shingle_size": 3,                 # words per shingle (sentences, paragraphs)
    "doc_shingle_size": 5,             # words per shingle for document containment
    "passage_min_words": 8,            # shortest shared passage reported
    "passage_max_docs": 50,            # a run in more documents is boilerplate, not a passage
    "lsh": {"num_perm": 128, "threshold": 0.30, "max_bucket": 30},
    "phrase": {"min_n": 4, "min_docs": 2, "min_repeats": 3, "max_pair_sentences": 30},
    "top_k": 10,
    "batch_size": 512,
    "exact_search_max": 20_000,
    "pairs_max": 20_000,               # pairs of each kind listed (None: all); all are counted
    "phrases_max": 100_000,            # phrases written to phrases.csv, most widespread first (None: all)
    "lsa_components": 100,
    "lsa_fit_max": 200_000,            # LSA fitted on a seeded sample of this many sentences (None: all)
    "control_dir": "tests/fixtures/redundancy/unrelated",   # unrelated documents (false positives)
    "benchmark_dir": "benchmarks/results",                  # timings from benchmarks/redundancy_scaling.py
}

#: Pair kinds, strongest first. "near-copy" and "paraphrase" are the strict
#: "same point" tier; "related" revisits a theme; "shared phrase" shares a stock phrase.
KINDS = ("near-copy", "paraphrase", "related", "shared phrase")
SAME_POINT_KINDS = ("near-copy", "paraphrase")
PAIR_COLUMNS = ["a_id", "b_id", "a_doc", "b_doc", "scope", "kind", "tier", "p_same", "lexical",
                "containment", "semantic", "phrase", "a_section", "b_section", "a_heading",
                "b_heading", "a_start", "a_end", "b_start", "b_end", "a_text", "b_text"]


def redundancy_params(params: dict | None = None) -> dict:
    """The ``redundancy`` settings of a params dict, filled in from :data:`DEFAULTS`."""
    section = (params or {}).get("redundancy") or {}
    if not isinstance(section, dict):
        raise InputError("the 'redundancy' entry of the parameter file must be a mapping of settings")
    return merge(DEFAULTS, section)
