"""Everything the executive summary (notebook 00) and the ``digest`` command show, computed once.

:func:`summarise` runs the theme, topic and redundancy analyses on a corpus,
builds the corpus digest and the cross-analysis from their tables, and
collects every finding. :func:`summary_items` picks the few findings the
summary leads with; :func:`what_the_corpus_argues` writes its opening
paragraph from findings only. No plotting and no file I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .findings.core import Findings, first_items

# The summary's key findings: a title, the finding keys (the first carries the number, the
# others its uncertainty or context) and the figure shown with them.
SUMMARY_ITEMS = [
    ("What the essays share", ["themes.baseline.", "themes.most_frequent.1"], "themes"),
    ("Topics largely follow the documents", ["topics.overview", "topics.mirror_summary"], "topics"),
    ("Few claims are repeated", ["redundancy.restated", "redundancy.precision"], "novelty"),
    ("Themes are revisited, not repeated", ["redundancy.related", "cross.revisited_theme"],
     "theme_redundancy"),
    ("The most restated themes and topics", ["cross.restated_theme.", "cross.restated_topic"],
     "topic_redundancy"),
    ("What the digest keeps", ["digest.words", "digest.disagree", "digest.none_repeated"], "digest"),
]


@dataclass
class Summary:
    """The fitted analyses, the digest and cross-analysis tables, and all findings."""

    corpus: object
    params: dict
    labels: dict
    themes: dict
    topics: object
    detector: object
    tables: dict = field(default_factory=dict)
    findings: dict = field(default_factory=dict)

    def all_findings(self) -> Findings:
        """Every finding of every analysis, in the order themes, topics, redundancy, digest, cross."""
        out = Findings()
        for name in ("themes", "topics", "redundancy", "digest", "cross"):
            out += self.findings.get(name, Findings())
        return out


def digest_tables(det, corpus, topics, themes, labels: dict, params: dict | None) -> dict:
    """The digest and cross-analysis tables by CSV file name, from fitted analyses.

    Parameters
    ----------
    det : RedundancyDetector
        Fitted.
    corpus : Corpus
    topics : TopicResult
    themes : dict
        :func:`analysis.themes.analyse_themes`.
    labels : dict
        ``doc_id -> label``.
    params : dict, optional

    Returns
    -------
    dict of str to DataFrame
        ``digest.csv``, ``digest_summary.csv``, ``digest_documents.csv``,
        ``digest_topics.csv``, ``theme_redundancy.csv``, ``topic_redundancy.csv``,
        ``theme_novelty.csv``, ``theme_sharing.csv``.
    """
    from .findings import cross as X
    from .findings import digest as D

    s = D.digest_settings(params, det.backend_)
    flags = det.sentence_flags_
    ok = topics is not None and topics.ok
    sent_topics = D.sentence_topics(corpus.sentences, topics.units if ok else None,
                                    topics.unit_topics if ok else None,
                                    topics.leading_topics if ok else None)
    leading = topics.leading_topics if ok else None
    digest = D.corpus_digest(flags, det.clusters_, corpus.sentences, sent_topics, det.pairs_,
                             det.vectors_, labels, leading, s)
    cs = X.cross_settings(params)
    st = X.sentence_themes(corpus.sentences, themes["matches"])
    groups = themes["summary"][["theme", "group"]]
    topic_keyed = sent_topics.rename(columns={"topic_label": "label"})[["sentence_id", "topic", "label"]]
    return {
        "digest.csv": digest,
        "digest_summary.csv": D.digest_summary(flags, digest),
        "digest_documents.csv": D.digest_documents(digest, flags, leading, labels),
        "digest_topics.csv": D.digest_by_topic(flags, sent_topics, digest),
        "theme_redundancy.csv": X.restated_by(flags, st.merge(groups, on="theme"), "theme"),
        "topic_redundancy.csv": X.restated_by(flags, topic_keyed, "topic"),
        "theme_novelty.csv": X.theme_novelty(flags, st, labels),
        "theme_sharing.csv": X.theme_sharing(themes["counts"], labels, int(cs["min_matches"]),
                                             float(cs["own_share"])),
    }


def summarise(corpus, params: dict | None = None, backend: str | None = None,
              fitted: dict | None = None) -> Summary:
    """Run every analysis the summary needs and build its tables and findings.

    Parameters
    ----------
    corpus : Corpus
    params : dict, optional
        The full parameter file.
    backend : str, optional
        Overrides ``redundancy.backend``.
    fitted : dict, optional
        Analyses already fitted on `corpus` with the same `params` and default options
        (``themes``, ``topics``, ``detector``), used instead of fitting them again
        (``python -m analysis all`` passes what its earlier commands fitted).

    Returns
    -------
    Summary
    """
    from .findings import cross as X
    from .findings import digest as D
    from .findings.digest_text import digest_findings
    from .findings.redundancy import redundancy_findings
    from .findings.themes import theme_findings
    from .findings.topics import topic_findings
    from .labels import document_labels, label_map
    from .redundancy import detect_redundancy
    from .themes import analyse_themes
    from .topics import analyse_topics, cached_k_scan
    from .topics.tables import topic_tables

    params = params or {}
    labels = label_map(document_labels(corpus.documents, params.get("documents")))
    fitted = fitted or {}
    themes = fitted["themes"] if "themes" in fitted else analyse_themes(corpus, params)
    topics = (fitted["topics"] if "topics" in fitted
              else analyse_topics(corpus, params, scan_function=cached_k_scan))
    det = fitted["detector"] if "detector" in fitted else detect_redundancy(corpus, params, backend=backend)
    tables = digest_tables(det, corpus, topics, themes, labels, params)
    s = D.digest_settings(params, det.backend_)
    found = {
        "themes": theme_findings(themes),
        "topics": topic_findings(topics, topic_tables(topics)) if topics.ok else Findings(),
        "redundancy": redundancy_findings(det, labels),
        "digest": digest_findings(tables["digest.csv"], tables["digest_summary.csv"],
                                  tables["digest_documents.csv"], s),
        "cross": X.cross_findings(tables["theme_redundancy.csv"], tables["topic_redundancy.csv"],
                                  tables["theme_novelty.csv"], tables["theme_sharing.csv"],
                                  X.cross_settings(params)),
    }
    return Summary(corpus, params, labels, themes, topics, det, tables, found)


def _matching(findings: Findings, key: str) -> list:
    return [f for f in findings if f.key == key or (key.endswith(".") and f.key.startswith(key))]


def summary_items(findings: Findings) -> list[dict]:
    """The summary's key findings: ``title``, ``findings`` (list of Finding), ``figure``.

    Items whose findings are all missing (e.g. no topic model) are left out.
    """
    out = []
    for title, keys, figure in SUMMARY_ITEMS:
        found = [f for k in keys for f in _matching(findings, k)]
        if found:
            out.append({"title": title, "findings": found, "figure": figure})
    return out


def summary_findings(findings: Findings) -> Findings:
    """The findings the summary quotes, flattened (for ``summary_findings.csv``)."""
    return Findings([f for item in summary_items(findings) for f in item["findings"]])


def what_the_corpus_argues(s: Summary, escape=None, n_points: int = 2) -> str:
    """The opening paragraph: the subjects and topics, then the most-made and most-revisited points.

    Built from findings and the digest table only, so each claim can be traced
    to a row of ``digest.csv``, ``theme_summary.csv`` or ``doc_topics.csv``.
    """
    esc = escape or (lambda t: t)
    found = s.all_findings()
    parts = []
    base = [f.values for f in found if f.key.startswith("themes.baseline.") and f.values.get("matches")]
    topics = s.topics.topic_diagnostics if s.topics is not None and s.topics.ok else None
    subject = " and ".join(esc(b["subject"]) for b in base) if base else "their subject"
    n_docs = len(s.corpus.docs)
    if topics is not None and len(topics):
        top = topics.sort_values("prevalence", ascending=False).head(4)
        names = [f"{esc(r.label)} ({r.prevalence:.0%})" for r in top.itertuples()]
        listed = ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]
        parts.append(f"The {n_docs} documents write about {subject}; their largest topics "
                     f"(share of the text) are {listed}.")
    else:
        parts.append(f"The {n_docs} documents write about {subject}.")
    words = found.get("digest.words")
    v = words.values if words is not None else None
    restated = (v["sentences"] - v["points"]) / v["sentences"] if v and v["sentences"] else 0.0
    made = [f for f in found if f.key.startswith("digest.most_made.")][:n_points]
    if made:
        quotes = "; ".join(f"“{esc(f.values['text'])}” ({f.values['times']}, "
                           f"{esc(first_items(f.values['where'], 3, noun='more documents'))})" for f in made)
        lead = ("They seldom repeat a claim. " if restated < 0.05 else
                f"{restated:.0%} of their sentences restate a point already made. ")
        parts.append("\n\n" + lead + "The points they make most often are " + quotes + ".")
    revisited = [f for f in found if f.key.startswith("digest.most_revisited.")][:n_points]
    if revisited:
        quotes = "; ".join(f"“{esc(f.values['text'])}” ({esc(f.values['label'])}, "
                           f"{f.values['neighbours']} related sentences)" for f in revisited)
        parts.append(("What they come back to are themes rather than claims; the most revisited "
                      if restated < 0.05 else "Beyond what they restate, the most revisited ")
                     + "points (revisited, not repeated) are " + quotes + ".")
    if v is not None:
        said = (f"Said once each, their {v['points']:,} points take {v['after']:,} of "
                f"{v['before']:,} words ({v['kept']:.0%})")
        parts.append("\n\n" + said + (": read strictly, the documents are long because they cover much "
                                     "ground in similar words, not because they repeat their claims."
                                     if restated < 0.05 else "."))
    return " ".join(parts).replace(" \n\n", "\n\n")
