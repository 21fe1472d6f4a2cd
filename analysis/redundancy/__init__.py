"""Redundancy detection: what is said again, verbatim, as a stock phrase, or as the same point.

One module per layer:

- :mod:`.verbatim` (with :mod:`.shingles`): near-copies and shared passages;
- :mod:`.formulaic`: recurring stock phrases;
- :mod:`.paraphrase`: embedding retrieval and the "same point" verifier;
- :mod:`.clusters`: points and the one definition of "restated";
- :mod:`.calibration`: labels, cross-validation, precision and recall with intervals;
- :mod:`.evidence`: both sides of every match, and the headline numbers;
- :mod:`.detector`: :class:`RedundancyDetector`, which runs them all.
"""

from .calibration import (calibrate_threshold, calibration_candidates, compare_options, consensus,
                          cross_validate, precision_recall, rates, train_verifier, wilson_interval)
from .detector import RedundancyDetector
from .evidence import (cluster_evidence, evidence, false_positives, shared_word_spans, speed_summary,
                       summary)
from .paraphrase import FEATURES, SamePointVerifier
from .settings import DEFAULTS, KINDS, SAME_POINT_KINDS, redundancy_params


def detect_redundancy(corpus, params: dict | None = None, **overrides) -> RedundancyDetector:
    """Configure a :class:`RedundancyDetector` from `params`, with the shipped labelled pairs
    for its verifier, and fit it on `corpus`.

    The verifier and its held-out measurements are cached on disk
    (:func:`analysis.references.cached_verifier`), keyed by the labelled pairs,
    the backend, the settings and the code, so every report and the command
    line use the same trained verifier without training it again.
    """
    from ..references import cached_verifier

    det = RedundancyDetector.from_params(params, **overrides)
    if det.verifier is None and "training" not in overrides:
        det.verifier, det.verification = cached_verifier(det, redundancy_params(params),
                                                         (params or {}).get("seed", 42))
    return det.fit(corpus)


__all__ = ["DEFAULTS", "FEATURES", "KINDS", "SAME_POINT_KINDS", "RedundancyDetector",
           "SamePointVerifier", "calibrate_threshold", "calibration_candidates", "cluster_evidence",
           "compare_options", "consensus", "cross_validate", "detect_redundancy", "evidence",
           "false_positives", "precision_recall", "rates", "redundancy_params", "shared_word_spans",
           "speed_summary", "summary", "train_verifier", "wilson_interval"]
