"""Findings and Markdown of the corpus digest (:mod:`analysis.findings.digest`).

Every finding points at a row of ``digest.csv`` (id ``point``),
``digest_summary.csv`` or ``digest_documents.csv`` (id ``doc_id``), so a test
can check each number. :func:`digest_markdown` renders the whole digest as
``digest.md``. No file I/O here.
"""

from __future__ import annotations

import pandas as pd

from .core import Evidence, Finding, Findings


def _docs(n: int) -> str:
    return "one document" if n == 1 else f"{n} documents"


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def digest_findings(digest: pd.DataFrame, summary: pd.DataFrame, documents: pd.DataFrame,
                    settings: dict) -> Findings:
    """The digest's statements: words before and after, the most-made and most-revisited points,
    groups whose members disagree, and what only each document says.

    Parameters
    ----------
    digest, summary, documents : DataFrame
        :func:`~analysis.findings.digest.corpus_digest`, ``digest_summary`` and
        ``digest_documents``.
    settings : dict
        :func:`~analysis.findings.digest.digest_settings` (``findings_top``,
        ``min_cohesion``, ``min_member_similarity``).

    Returns
    -------
    Findings
        Keys ``digest.words``, ``digest.most_made.<rank>``, ``digest.none_repeated``,
        ``digest.disagree``, ``digest.most_revisited.<rank>`` and ``digest.only.<doc_id>``.
    """
    out = Findings()
    if summary.empty or digest.empty:
        return out
    s = summary.iloc[0]
    out.append(Finding(
        "digest.words",
        "With each point said once, the corpus shrinks from {before:,} words to {after:,} words "
        "({kept:.0%} kept): {sentences:,} sentences make {points:,} distinct points, "
        "{repeated:,} of them more than once.",
        {"before": int(s["words_before"]), "after": int(s["words_after"]), "kept": float(s["share_kept"]),
         "sentences": int(s["sentences"]), "points": int(s["points"]), "repeated": int(s["repeated_points"])},
        Evidence("digest_summary.csv", "", (), {"before": "words_before", "after": "words_after",
                                                "kept": "share_kept", "sentences": "sentences",
                                                "points": "points", "repeated": "repeated_points"})))
    top = int(settings.get("findings_top", 3))
    made = digest[digest["times_made"] > 1].sort_values(["times_made", "n_docs", "first_order"],
                                                        ascending=[False, False, True]).head(top)
    for rank, r in enumerate(made.itertuples(), 1):
        out.append(Finding(
            f"digest.most_made.{rank}",
            "“{text}” is made {times} in {docs} ({where}).",
            {"text": r.text, "times_made": int(r.times_made), "times": _times(int(r.times_made)),
             "n_docs": int(r.n_docs), "docs": _docs(int(r.n_docs)), "where": r.documents, "point": int(r.point)},
            Evidence("digest.csv", "point", (int(r.point),),
                     {"text": "text", "times_made": "times_made", "n_docs": "n_docs", "where": "documents"})))
    if made.empty:
        out.append(Finding("digest.none_repeated",
                           "No point is made twice under the strict “same point” definition.",
                           {"repeated": 0}, Evidence("digest_summary.csv", "", (), {"repeated": "repeated_points"})))
    else:
        cuts = ("cohesion below {min_cohesion:.2f} or a member below {min_member:.2f} similarity "
                "to the rest")
        template = ("{disagree} of the {repeated} points made more than once group sentences that "
                    "do not quite agree (" + cuts + "); the digest flags them instead of merging "
                    "them silently.")
        if not s["disagreeing_points"]:
            template = ("The sentences of each of the {repeated} points made more than once agree: "
                        "no group has " + cuts + ", so none had to be flagged.")
        out.append(Finding(
            "digest.disagree", template,
            {"disagree": int(s["disagreeing_points"]), "repeated": int(s["repeated_points"]),
             "min_cohesion": float(settings["min_cohesion"]),
             "min_member": float(settings["min_member_similarity"])},
            Evidence("digest_summary.csv", "", (), {"disagree": "disagreeing_points",
                                                    "repeated": "repeated_points"})))
    revisited = digest[digest["related_neighbours"] > 0].sort_values(
        ["related_neighbours", "related_docs", "first_order"], ascending=[False, False, True]).head(top)
    for rank, r in enumerate(revisited.itertuples(), 1):
        out.append(Finding(
            f"digest.most_revisited.{rank}",
            "“{text}” ({label}) is revisited, not repeated: {neighbours} other sentences in {docs} "
            "come back to its theme without making the same point.",
            {"text": r.text, "label": r.doc_label, "neighbours": int(r.related_neighbours),
             "n_docs": int(r.related_docs), "docs": _docs(int(r.related_docs)), "point": int(r.point)},
            Evidence("digest.csv", "point", (int(r.point),),
                     {"text": "text", "label": "doc_label", "neighbours": "related_neighbours",
                      "n_docs": "related_docs"})))
    for r in documents.itertuples():
        if not r.points:
            continue
        template = "{label}: {only} of its {points} points are made by no other document"
        values = {"label": r.doc_label, "only": int(r.only_points), "points": int(r.points)}
        cols = {"label": "doc_label", "only": "only_points", "points": "points"}
        if r.top_only_text:
            template += "; the one closest to its leading topic ({topic}) is “{text}”"
            values.update(topic=r.leading_topic_label, text=r.top_only_text)
            cols.update(topic="leading_topic_label", text="top_only_text")
        out.append(Finding(f"digest.only.{r.doc_id}", template if r.top_only_text else template + ".", values,
                           Evidence("digest_documents.csv", "doc_id", (r.doc_id,), cols)))
    return out


def _md(text) -> str:
    """Corpus text for a Markdown list item: no line breaks, Markdown marks printed literally."""
    from ..narrate import esc

    return esc(" ".join(str(text).split()))


def digest_markdown(digest: pd.DataFrame, summary: pd.DataFrame, findings: Findings,
                    revisited_top: int = 3) -> str:
    """The whole digest as Markdown: words before and after, then one section per topic.

    Each topic lists its points in the order the documents first make them,
    each with how many times it is made and every place; then its most
    revisited points, labelled "revisited, not repeated".
    """
    lines = ["# Corpus digest", ""]
    if summary.empty or digest.empty:
        return "\n".join(lines + ["The corpus has no sentences.", ""])
    s = summary.iloc[0]
    lines += [f"**{int(s['words_before']):,} words → {int(s['words_after']):,} words** "
              f"({float(s['share_kept']):.0%} kept).", ""]
    words = findings.get("digest.words")
    if words is not None:
        lines += [_md(words.text()), ""]
    lines += ["One representative sentence per point (a group of sentences that make the same "
              "point, strict tier), grouped by topic and in the order the documents first make "
              "them. ⚠ marks a group whose members do not quite agree.", ""]
    for (topic, label), g in digest.groupby(["topic", "topic_label"], sort=True):
        lines += [f"## Topic {int(topic)}: {_md(label)}", ""]
        for r in g.itertuples():
            flag = " ⚠ *members disagree*" if r.members_disagree else ""
            made = f"made {_times(int(r.times_made))}" + (f" in {_docs(int(r.n_docs))}" if r.times_made > 1 else "")
            lines.append(f"- {_md(r.text)} — *{made}*{flag}: {_md(r.places)}")
        rev = g[g["revisited_rank"].between(1, revisited_top)].sort_values("revisited_rank")
        if len(rev):
            lines += ["", "Most revisited (revisited, not repeated):", ""]
            lines += [f"- {_md(r.text)} — {_md(r.doc_label)}; {int(r.related_neighbours)} related "
                      f"sentences in {_docs(int(r.related_docs))}" for r in rev.itertuples()]
        lines.append("")
    return "\n".join(lines)
