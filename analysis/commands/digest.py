"""The corpus digest and the cross-analysis: the corpus with its repetition taken out.

Writes (doc_label is the readable document label):
  digest.csv             one row per point (a group of same-point sentences, strict tier; a
                         sentence that restates nothing is its own point): point, topic,
                         topic_label, first_order, representative_id, doc_id, doc_label,
                         section, heading, text, words, times_made, n_docs, documents, places
                         (every place it is made: label § heading (sentence)), sentence_ids,
                         cohesion, min_similarity, members_disagree, related_neighbours,
                         related_docs, revisited_rank, only_in, only_in_label, centrality,
                         only_rank
  digest.md              the same, as Markdown, by topic, with the most revisited points
  digest_summary.csv     one row: sentences, points, words_before, words_after, ...
  digest_documents.csv   per document: points, points no other document makes, the most
                         central of them
  digest_topics.csv      per topic: words before and after
  theme_redundancy.csv   per theme: sentences carrying it, restated (strict), related shares
  topic_redundancy.csv   per topic: the same
  theme_novelty.csv      per theme and document: new material (points no other document makes)
  theme_sharing.csv      per theme: documents using it, its top document, spread
  digest_findings.csv    the digest's and the cross-analysis's findings
  summary_findings.csv   the findings the executive summary (notebook 00) leads with

The representative of a point is the member closest to its centre; a point whose
members disagree (cohesion or a member's similarity below the cuts under
``digest:`` in the parameter file) is flagged, not merged silently.
"""

from __future__ import annotations

HELP = "the corpus digest (one sentence per point, by topic) and redundancy by theme and topic"


def add_arguments(parser) -> None:
    """Options of the digest command."""
    parser.add_argument("--backend", choices=["auto", "semantic", "lexical"], default=None,
                        help="sentence embeddings for the redundancy layer it builds on "
                             "(default: redundancy.backend in the parameter file)")


def run(corpus, params, args) -> dict:
    """Run the analyses the digest builds on and return the digest and cross tables."""
    import sys

    from ..findings import findings_frame
    from ..findings.digest import digest_settings
    from ..findings.digest_text import digest_markdown
    from ..summary import summarise, summary_findings

    s = summarise(corpus, params, backend=getattr(args, "backend", None),
                  fitted=getattr(args, "shared", None))
    found = s.findings["digest"] + s.findings["cross"]
    summ = s.tables["digest_summary.csv"].iloc[0]
    print(f"digest: {int(summ['words_before']):,} words -> {int(summ['words_after']):,} words "
          f"in {int(summ['points']):,} points", file=sys.stderr)
    top = int(digest_settings(params, s.detector.backend_)["revisited_top"])
    md = digest_markdown(s.tables["digest.csv"], s.tables["digest_summary.csv"], s.findings["digest"], top)
    return {**s.tables, "digest_findings.csv": findings_frame(found),
            "summary_findings.csv": findings_frame(summary_findings(s.all_findings())),
            "digest.md": md}
