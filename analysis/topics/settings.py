"""The ``topics`` settings: defaults, then params.yaml, then command-line overrides."""

from __future__ import annotations

from ..errors import InputError

TOPIC_DEFAULTS: dict = {
    "method": "nmf",               # nmf (on TF-IDF) | lda (on counts)
    "unit": "auto",                # auto | paragraph | section | document
    "auto_unit_min_docs": 50,      # auto: fit on documents when there are at least this many
    "k_min": 2,
    "k_max": 8,
    "scan_max_units": 1000,        # the k-scan fits a seeded sample of at most this many units
    "n_seeds": 5,                  # refits per k for the stability score (>= 5)
    "n_jobs": None,                # processes for the independent fits (None: cores above scan_max_units)
    "min_stability": 0.7,          # k-rule: k qualifies when its least stable topic reaches this
    "min_diversity": 0.75,         # ...and its top-term diversity reaches this
    "coherence_tolerance": 0.05,   # ...and its coherence is this close to the best; largest k wins
    "top_n": 10,                   # top terms per topic (also the NPMI coherence set)
    "min_df": 2,                   # a term must occur in at least this many units
    "max_df": 0.4,                 # ...and in at most this share of units (boilerplate ceiling)
    "ngram_max": 2,                # 1: words only; 2: words and two-word phrases
    "fold_plurals": True,          # count "missions" as "mission" when both occur
    "extra_stop_words": [],        # corpus-specific filler words, dropped before counting
    "max_iter": 400,               # NMF iterations
    "lda_max_iter": 30,            # LDA (batch variational Bayes) passes
    "representative_n": 2,         # representative paragraphs per topic
    "labels": {},                  # {topic number: "your label"} overrides automatic labels
    "scale_docs": 5000,            # size of the synthetic corpus used to time fitting
    "weak_coherence": 0.05,        # a topic whose NPMI coherence is below this is flagged weak
    "weak_stability": 0.7,         # ...and so is one whose stability across seeds is below this
    "mirror_mass": 0.6,            # a topic mirrors a document when more of its text than this is there
    "representative_min_share": 0.5,  # a representative paragraph gives its topic at least this share
}

#: Whether a topic mirrors one document is asked only with this many documents or more:
#: with one or two, every topic sits mostly in one of them.
MIN_DOCS_FOR_MIRRORS = 3

METHODS = ("nmf", "lda")
UNITS = ("paragraph", "section", "document")


def topic_settings(params: dict | None = None, **overrides) -> dict:
    """The ``topics`` settings: defaults, then params.yaml, then non-None overrides.

    Parameters
    ----------
    params : dict, optional
        The full parameter dict from :func:`analysis.config.load_params`.
    **overrides
        Command-line style overrides (``method=``, ``unit=``, ``n_topics=``);
        ``None`` values are ignored.

    Returns
    -------
    dict
        Also holds ``seed`` (from ``params['seed']``).

    Raises
    ------
    InputError
        For an unknown method or unit, or an impossible k range.
    """
    params = params or {}
    s = dict(TOPIC_DEFAULTS)
    s.update({k: v for k, v in (params.get("topics") or {}).items() if v is not None})
    s.update({k: v for k, v in overrides.items() if v is not None})
    s["seed"] = int(params.get("seed", 42))
    s["method"] = str(s["method"]).lower()
    s["unit"] = str(s["unit"]).lower()
    if s["method"] not in METHODS:
        raise InputError(f"topics.method '{s['method']}' is unknown: use one of {', '.join(METHODS)}")
    if s["unit"] not in UNITS + ("auto",):
        raise InputError(f"topics.unit '{s['unit']}' is unknown: use auto, {', '.join(UNITS)}")
    if int(s["k_min"]) < 2 or int(s["k_max"]) < int(s["k_min"]):
        raise InputError(f"topics k range {s['k_min']}..{s['k_max']} is invalid: "
                         "need 2 <= k_min <= k_max in params.yaml")
    if int(s["n_seeds"]) < 2:
        raise InputError("topics.n_seeds must be at least 2 (5 or more recommended)")
    if s.get("n_topics") is not None and int(s["n_topics"]) < 1:
        raise InputError(f"--n-topics {s['n_topics']} is invalid: give a whole number >= 1")
    if not 0 < float(s["max_df"]) <= 1:
        raise InputError(f"topics.max_df {s['max_df']} must be a share in (0, 1]")
    for key in ("weak_stability", "mirror_mass", "representative_min_share"):
        if not 0 <= float(s[key]) <= 1:
            raise InputError(f"topics.{key} {s[key]} must be a share between 0 and 1")
    s["labels"] = {int(k): str(v) for k, v in (s.get("labels") or {}).items()}
    return s

