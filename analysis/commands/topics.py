"""Topic modelling with diagnostics: NMF or LDA, a k-scan, seed stability, document shares.

Writes (doc_label is the readable document label, e.g. "A: Peacekeeping and SSR"):
  topic_terms.csv           topic, label, rank, term, kind (term|bigram), weight
  doc_topics.csv            doc_id, doc_label, topic, label, share (a document's shares sum to 1)
  unit_topics.csv           unit_id, doc_id, doc_label, section, heading, topic, label, share
  section_topics.csv        doc_id, doc_label, section, heading, topic, label, share
  leading_topics.csv        doc_id, doc_label, topic, label, share, runner_up, runner_up_label,
                            runner_up_share
  topic_diagnostics.csv     topic, label, auto_label, prevalence, coherence (NPMI), exclusivity,
                            stability, top_terms, key_terms, top_bigrams, dominant_in, weak,
                            weak_reason, top_doc, top_doc_label, share_in_top_doc,
                            mass_in_top_doc, max_share_elsewhere, mirrors_document,
                            representative_doc/doc_label/section/unit/share/text/units
  topic_representatives.csv topic, label, rank, unit_id, doc_id, doc_label, section, heading,
                            share, fit, score, words, text
  topic_mass.csv            doc_id, doc_label, topic, label, share, mass, mass_share (where each
                            topic's text lies: mass = share x modelled words)
  k_scan.csv                k, method, coherence, coherence_min, diversity, exclusivity,
                            stability, stability_min, error, seconds
  k_next_topics.csv         k, topic, stability, parent_topic, parent_similarity, split,
                            sibling_similarity, parent_label (the model with one topic more)
  topic_map.csv             topic, label, x, y, prevalence (intertopic distance map)
  doc_similarity.csv        doc_a, doc_a_label, doc_b, doc_b_label, similarity (cosine)
  topic_model.csv           one row: unit, unit_reason, method, k, k_rule (rule | most_stable |
                            user), k_reason, stability,
                            least_stable, diversity, k_lo, k_hi, n_docs, n_units, n_terms,
                            fit_seconds
  topic_findings.csv        the findings (statement, values, evidence file, rows, columns)

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


def run(corpus, params, args) -> dict:
    """Fit the topic model and return every table, with the findings."""
    from ..findings import findings_frame
    from ..findings.topics import topic_findings
    from ..topics import analyse_topics, cached_k_scan
    from ..topics.tables import topic_tables

    use_cache = not getattr(args, "no_cache", False)
    result = analyse_topics(
        corpus, params, n_topics=getattr(args, "n_topics", None),
        method=getattr(args, "method", None), unit=getattr(args, "unit", None),
        scan_function=lambda texts, s: cached_k_scan(texts, s, use_cache=use_cache))
    for w in result.warnings:
        print(f"warning: {w}", file=sys.stderr)
    if getattr(args, "shared", None) is not None:   # `all`: default options, reused by the digest
        args.shared["topics"] = result
    tables = topic_tables(result)
    tables["topic_findings.csv"] = findings_frame(topic_findings(result, tables))
    return tables
