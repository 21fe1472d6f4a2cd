"""Topic modelling with diagnostics: NMF or LDA, a k-scan, seed stability, document shares.

Writes:
  topic_terms.csv        topic, label, rank, term, kind (term|bigram), weight
  doc_topics.csv         doc_id, topic, label, share (each document's shares sum to 1)
  unit_topics.csv        unit_id, doc_id, section, heading, topic, label, share
  section_topics.csv     doc_id, section, heading, topic, label, share
  topic_diagnostics.csv  topic, label, auto_label, prevalence, coherence (NPMI),
                         exclusivity, stability, top_terms, top_bigrams, dominant_in,
                         representative_doc/section/unit/text, representative_units
  k_scan.csv             k, method, coherence, coherence_min, diversity, exclusivity,
                         stability, stability_min, error, seconds
  topic_map.csv          topic, label, x, y, prevalence (intertopic distance map)
  doc_similarity.csv     doc_a, doc_b, similarity (cosine in topic space)
  topic_model.csv        one row: unit, unit_reason, method, k, k_reason, stability,
                         n_units, n_terms, fit_seconds

With fewer than 50 documents (topics.auto_unit_min_docs) the model is fitted on
paragraphs and aggregated to documents. k comes from the k-scan rule documented
in analysis/topics/scan.py unless --n-topics fixes it. The k-scan is
cached under .cache/topics/ (keyed by a hash of the texts and settings).
"""

from __future__ import annotations

import sys

HELP = "topic model (NMF or LDA) with k-scan, coherence, stability and document shares"


def add_arguments(parser) -> None:
    """Options of the topics command."""
    parser.add_argument("--n-topics", type=int, default=None, metavar="K",
                        help="fix the number of topics instead of choosing it from the k-scan")
    parser.add_argument("--method", choices=("nmf", "lda"), default=None,
                        help="nmf (non-negative matrix factorisation of TF-IDF) or lda "
                             "(latent Dirichlet allocation of counts) (default: topics.method)")
    parser.add_argument("--unit", choices=("auto", "paragraph", "section", "document"),
                        default=None,
                        help="text unit the model is fitted on; auto uses paragraphs below "
                             "topics.auto_unit_min_docs documents (default: topics.unit)")
    parser.add_argument("--no-cache", action="store_true",
                        help="recompute the k-scan instead of reading .cache/topics/")


def _empty_frames() -> dict:
    import pandas as pd

    cols = {
        "topic_terms.csv": ["topic", "label", "rank", "term", "kind", "weight"],
        "doc_topics.csv": ["doc_id", "topic", "label", "share"],
        "unit_topics.csv": ["unit_id", "doc_id", "section", "heading", "topic", "label", "share"],
        "section_topics.csv": ["doc_id", "section", "heading", "topic", "label", "share"],
        "topic_diagnostics.csv": ["topic", "label", "prevalence", "coherence", "exclusivity",
                                  "stability", "top_terms"],
        "k_scan.csv": ["k", "method", "coherence", "diversity", "exclusivity", "stability"],
        "topic_map.csv": ["topic", "label", "x", "y", "prevalence"],
        "doc_similarity.csv": ["doc_a", "doc_b", "similarity"],
    }
    return {name: pd.DataFrame(columns=c) for name, c in cols.items()}


def run(corpus, params, args) -> dict:
    """Fit the topic model and return every table."""
    import pandas as pd

    from ..topics import cached_k_scan
    from ..topics import analyse_topics

    use_cache = not getattr(args, "no_cache", False)
    result = analyse_topics(
        corpus, params, n_topics=getattr(args, "n_topics", None),
        method=getattr(args, "method", None), unit=getattr(args, "unit", None),
        scan_function=lambda texts, s: cached_k_scan(texts, s, use_cache=use_cache))
    for w in result.warnings:
        print(f"warning: {w}", file=sys.stderr)
    info = pd.DataFrame([{
        "unit": result.unit, "unit_reason": result.unit_reason, "method": result.method,
        "k": result.k, "k_reason": result.k_reason, "stability": result.stability,
        "n_units": len(result.units),
        "n_terms": len(result.model.terms_) if result.ok else 0,
        "fit_seconds": result.model.fit_seconds_ if result.ok else float("nan"),
    }])
    if not result.ok:
        return {**_empty_frames(), "topic_model.csv": info}
    return {
        "topic_terms.csv": result.topic_terms,
        "doc_topics.csv": result.doc_topics,
        "unit_topics.csv": result.unit_topics,
        "section_topics.csv": result.section_topics,
        "topic_diagnostics.csv": result.topic_diagnostics,
        "k_scan.csv": result.k_scan,
        "topic_map.csv": result.topic_map,
        "doc_similarity.csv": result.doc_similarity,
        "topic_model.csv": info,
    }
