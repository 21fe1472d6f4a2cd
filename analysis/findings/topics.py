"""Findings of the topic analysis: what the topics are, where they lie, which are weak, why this k.

Every value is read from the tables :func:`analysis.topics.tables.topic_tables`
returns, which the ``topics`` command writes as CSV, and each finding points
at the rows that hold its values. A value that is a stated cut from the
parameter file (``min_stability``, ``weak_coherence``, ...) is named after its
``topics`` setting instead; :data:`SETTING_VALUES` lists them.

Keys:

- ``topics.overview``: how many topics, in how many documents, from which units;
- ``topics.topic.<n>``: each topic, its label, share and heaviest terms;
- ``topics.document.<doc_id>``: each document's leading topic and the one after it;
- ``topics.mirror.<n>`` / ``topics.mirror_none`` / ``topics.mirror_skipped`` (fewer than three
  documents): topics whose text lies mostly in one document,
  ``topics.mirror_summary`` (how many) and ``topics.shared_summary`` (the others);
- ``topics.weak.<n>`` / ``topics.weak_none``: topics below the coherence or stability cut,
  and ``topics.weak_summary`` (how many);
- ``topics.k_choice`` and ``topics.k_next``: what the k-scan compared and what the next k did;
- ``topics.representative.<n>``: the paragraph that shows each topic best, with its share.
"""

from __future__ import annotations

import math

import pandas as pd

from ..precision import READ_BACK_REL_TOL
from ..topics.pipeline import TopicResult
from ..topics.settings import MIN_DOCS_FOR_MIRRORS
from ..topics.tables import topic_tables
from .core import Evidence, Finding, Findings

#: Values that are cuts from ``params.yaml`` (``topics:``), not rows of a CSV.
SETTING_VALUES = ("n_seeds", "min_stability", "min_diversity", "coherence_tolerance",
                  "weak_coherence", "weak_stability", "mirror_mass")
#: A value with this name counts the finding's evidence rows.
COUNT_VALUE = "n_rows"
#: A value with this name lists the ``label`` column of the evidence rows (see :func:`quoted_list`).
LIST_VALUE = "labels"


def quoted_list(items) -> str:
    """``quoted_list(["a", "b", "c"]) -> '“a”, “b” and “c”'``."""
    items = [f"“{i}”" for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def _row(frame: pd.DataFrame, column: str, value) -> pd.Series:
    return frame[frame[column] == value].iloc[0]


def _finding(key, template, row, column, value_columns, settings=None, rows=None, file=""):
    """A finding whose values are read from `row` through `value_columns`, plus named settings."""
    values = {name: _plain(row[col]) for name, col in value_columns.items()}
    if settings:
        values.update({n: settings[n] for n in SETTING_VALUES if "{" + n in template})
    ids = rows if rows is not None else (_plain(row[column]),) if column else ()
    return Finding(key, template, values, Evidence(file, column, tuple(ids), dict(value_columns)))


def _plain(v):
    return v.item() if hasattr(v, "item") else v


def _overview(t, s) -> Finding:
    row = t["topic_model.csv"].iloc[0]
    docs = "the one document" if int(row["n_docs"]) == 1 else "the {n_docs} documents"
    template = ("The model divides " + docs + " into {k} topics. It is fitted on "
                "{n_units} {unit}s, and each document's shares are the length-weighted mean of "
                "its {unit}s' shares.")
    return _finding("topics.overview", template, row, "", {
        "n_docs": "n_docs", "k": "k", "n_units": "n_units", "unit": "unit"},
        file="topic_model.csv")


def _topics(t, s) -> list[Finding]:
    d = t["topic_diagnostics.csv"]
    template = ("Topic {topic}, “{label}”, covers {prevalence:.0%} of the modelled text; its "
                "heaviest terms are {key_terms}.")
    return [_finding(f"topics.topic.{int(r.topic)}", template, r, "topic", {
        "topic": "topic", "label": "label", "prevalence": "prevalence", "key_terms": "key_terms"},
        file="topic_diagnostics.csv") for _, r in d.iterrows()]


def _documents(t, s) -> list[Finding]:
    lead = t["leading_topics.csv"]
    one = "{doc_label} is led by topic {topic}, “{label}” ({share:.0%} of its text)."
    two = one[:-1] + ", ahead of topic {runner_up}, “{runner_up_label}” ({runner_up_share:.0%})."
    out = []
    for _, r in lead.iterrows():
        cols = {"doc_label": "doc_label", "topic": "topic", "label": "label", "share": "share"}
        if int(r["runner_up"]) > 0:
            cols.update({"runner_up": "runner_up", "runner_up_label": "runner_up_label",
                         "runner_up_share": "runner_up_share"})
        out.append(_finding(f"topics.document.{r.doc_id}", two if int(r["runner_up"]) > 0 else one,
                            r, "doc_id", cols, file="leading_topics.csv"))
    return out


def _shared(t, s) -> Finding | None:
    d = t["topic_diagnostics.csv"]
    if int(t["topic_model.csv"]["n_docs"].iloc[0]) < MIN_DOCS_FOR_MIRRORS:
        return None
    shared = d[~d["mirrors_document"].astype(bool)]
    n, every = len(shared), len(shared) == len(d)
    if n == 0:
        return None
    template = (("All {n_rows} topics" if every else "The other {n_rows} topics") if n > 1
                else ("The one topic" if every else "The other topic"))
    template += (", {labels}, " + ("are" if n > 1 else "is") + " shared between documents: no "
                 "single document holds more than "
                 "{mirror_mass:.0%} of " + ("their" if n > 1 else "its") + " text. These are the "
                 "subjects the corpus has in common.")
    return Finding("topics.shared_summary", template,
                   {COUNT_VALUE: n, LIST_VALUE: quoted_list(shared["label"]),
                    "mirror_mass": s["mirror_mass"]},
                   Evidence("topic_diagnostics.csv", "topic", tuple(int(x) for x in shared["topic"])))


def _mirrors(t, s) -> list[Finding]:
    d, info = t["topic_diagnostics.csv"], t["topic_model.csv"].iloc[0]
    if int(info["n_docs"]) < MIN_DOCS_FOR_MIRRORS:
        return [_finding("topics.mirror_skipped", "With " + (
            "only one document" if int(info["n_docs"]) == 1 else "only {n_docs} documents")
            + f", whether a topic mirrors one document is not assessed (it needs at least "
            f"{MIN_DOCS_FOR_MIRRORS}).", info, "", {"n_docs": "n_docs"}, file="topic_model.csv")]
    mirror = d[d["mirrors_document"].astype(bool)]
    if mirror.empty:
        return [Finding("topics.mirror_none",
                        "No topic has more than {mirror_mass:.0%} of its text in one document: "
                        "every topic is shared between documents.",
                        {"mirror_mass": s["mirror_mass"]}, Evidence("topic_diagnostics.csv"))]
    n = len(mirror)
    summary = Finding("topics.mirror_summary", (
        "{n_rows} topic, {labels}, mostly mirrors a single document" if n == 1 else
        "{n_rows} topics, {labels}, mostly mirror a single document") + " (more than "
        "{mirror_mass:.0%} of the topic's text lies there): for " + ("it" if n == 1 else "them")
        + " the model finds what one essay is about rather than a subject the essays share.",
        {COUNT_VALUE: n, LIST_VALUE: quoted_list(mirror["label"]), "mirror_mass": s["mirror_mass"]},
        Evidence("topic_diagnostics.csv", "topic", tuple(int(t) for t in mirror["topic"])))
    template = ("Topic {topic}, “{label}”, mostly mirrors one document: it makes up "
                "{share_in_top_doc:.0%} of {top_doc_label}, which holds {mass_in_top_doc:.0%} of "
                "all the text the model gives this topic (above the {mirror_mass:.0%} cut); in no "
                "other document is it more than {max_share_elsewhere:.0%}.")
    return [_finding(f"topics.mirror.{int(r.topic)}", template, r, "topic", {
        "topic": "topic", "label": "label", "share_in_top_doc": "share_in_top_doc",
        "top_doc_label": "top_doc_label", "mass_in_top_doc": "mass_in_top_doc",
        "max_share_elsewhere": "max_share_elsewhere"}, s, file="topic_diagnostics.csv")
        for _, r in mirror.iterrows()] + [summary]


_WEAK = {
    "coherence": ("its top words occur together in a paragraph hardly more often than chance "
                  "(coherence {coherence:.2f}, below the cut of {weak_coherence:.2f})"),
    "stability": ("other random seeds find it again only partly (stability {stability:.2f}, "
                  "below the cut of {weak_stability:.2f})"),
}


def _weak(t, s) -> list[Finding]:
    d = t["topic_diagnostics.csv"]
    weak = d[d["weak"].astype(bool)]
    if weak.empty:
        return [Finding("topics.weak_none",
                        "No topic is weak: every topic has a coherence of at least "
                        "{weak_coherence:.2f} and a stability of at least {weak_stability:.2f}.",
                        {"weak_coherence": s["weak_coherence"], "weak_stability": s["weak_stability"]},
                        Evidence("topic_diagnostics.csv"))]
    n = len(weak)
    out = [Finding("topics.weak_summary", (
        "{n_rows} topic, {labels}, is weak" if n == 1 else "{n_rows} topics, {labels}, are weak")
        + " by the stated cuts (coherence below {weak_coherence:.2f} or stability below "
        "{weak_stability:.2f}); " + ("its label and share are" if n == 1 else
                                     "their labels and shares are") + " less reliable than the others'.",
        {COUNT_VALUE: n, LIST_VALUE: quoted_list(weak["label"]),
         "weak_coherence": s["weak_coherence"], "weak_stability": s["weak_stability"]},
        Evidence("topic_diagnostics.csv", "topic", tuple(int(t) for t in weak["topic"])))]
    for _, r in weak.iterrows():
        reasons = [_WEAK[k] for k in ("coherence", "stability") if k in str(r["weak_reason"])]
        template = ("Topic {topic}, “{label}”, is weak: " + ", and ".join(reasons)
                    + "; read it with care.")
        cols = {"topic": "topic", "label": "label"}
        cols.update({k: k for k in ("coherence", "stability") if "{" + k in template})
        out.append(_finding(f"topics.weak.{int(r.topic)}", template, r, "topic", cols, s,
                            file="topic_diagnostics.csv"))
    return out


def _k_choice(t, s) -> Finding:
    row = t["topic_model.csv"].iloc[0]
    cols = {"k": "k", "k_lo": "k_lo", "k_hi": "k_hi"}
    scan = "The scan compared k = {k_lo} to {k_hi} topics, refitting each k with {n_seeds} seeds. "
    if row["k_rule"] == "user":
        template = scan + "k = {k} was fixed by the user rather than chosen from the scan."
    elif row["k_rule"] == "most_stable":
        template = (scan + "No k kept every topic at stability {min_stability:.2f} with diversity "
                    "{min_diversity:.2f}, so k = {k}, the most stable (stability {stability:.2f}), "
                    "was taken.")
        cols["stability"] = "stability"
    else:
        template = (scan + "k = {k} is the largest k whose least stable topic still reached "
                    "stability {min_stability:.2f} across the refits (here {least_stable:.2f}) and "
                    "whose topics kept distinct top words (diversity {diversity:.2f}, at least "
                    "{min_diversity:.2f}).")
        cols.update({"least_stable": "least_stable", "diversity": "diversity"})
    return _finding("topics.k_choice", template, row, "", cols, s, file="topic_model.csv")


def _k_next(t, s) -> Finding | None:
    """Why the next larger k was not taken: its unstable topic, its top words, or its coherence."""
    info = t["topic_model.csv"].iloc[0]
    if info["k_rule"] != "rule":
        return None
    k, scan, nxt = int(info["k"]), t["k_scan.csv"], t["k_next_topics.csv"]
    if k >= int(info["k_hi"]) or nxt.empty:
        return _finding("topics.k_next", "k = {k} is the largest k the scan tried (topics.k_max).",
                        info, "", {"k": "k"}, file="topic_model.csv")
    row = _row(scan, "k", k + 1)
    if float(row["stability_min"]) < float(s["min_stability"]):
        r = nxt.sort_values(["stability", "topic"]).iloc[0]
        cols = {"k": "k", "stability": "stability", "parent_topic": "parent_topic",
                "parent_label": "parent_label", "parent_similarity": "parent_similarity"}
        if bool(r["split"]):
            template = ("At k = {k}, topic {parent_topic}, “{parent_label}”, splits in two: one "
                        "part keeps it (cosine {sibling_similarity:.2f} with the original topic), "
                        "and the part split off (cosine {parent_similarity:.2f}) is not "
                        "reproducible: other seeds find it again with a similarity of only "
                        "{stability:.2f}, below the {min_stability:.2f} cut.")
            cols["sibling_similarity"] = "sibling_similarity"
        else:
            template = ("At k = {k}, the extra topic is found again by other seeds with a "
                        "similarity of only {stability:.2f}, below {min_stability:.2f}; it is "
                        "closest to topic {parent_topic}, “{parent_label}” (cosine "
                        "{parent_similarity:.2f}).")
        return _finding("topics.k_next", template, r, "topic", cols, s, file="k_next_topics.csv")
    if float(row["diversity"]) < float(s["min_diversity"]):
        template = ("At k = {k}, the topics begin to share their top words (diversity "
                    "{diversity:.2f}, below {min_diversity:.2f}).")
        return _finding("topics.k_next", template, row, "k", {"k": "k", "diversity": "diversity"},
                        s, file="k_scan.csv")
    template = ("k = {k} also kept its topics stable and distinct, but its coherence "
                "({coherence:.3f}) fell more than {coherence_tolerance:.2f} below the best such k.")
    return _finding("topics.k_next", template, row, "k", {"k": "k", "coherence": "coherence"}, s,
                    file="k_scan.csv")


def _representatives(t, s) -> list[Finding]:
    reps = t["topic_representatives.csv"]
    first = reps[reps["rank"] == 1]
    template = ("The paragraph that shows topic {topic}, “{label}”, best is in {doc_label}, "
                "section “{heading}”: the topic holds {share:.0%} of it.")
    return [_finding(f"topics.representative.{int(r.topic)}", template, r, "topic", {
        "topic": "topic", "label": "label", "doc_label": "doc_label", "heading": "heading",
        "share": "share"}, file="topic_representatives.csv") for _, r in first.iterrows()]


def topic_findings(result: TopicResult, tables: dict | None = None) -> Findings:
    """The findings of a topic analysis.

    Parameters
    ----------
    result : TopicResult
        From :func:`analysis.topics.analyse_topics`.
    tables : dict, optional
        :func:`analysis.topics.tables.topic_tables` of `result`, when already built.

    Returns
    -------
    Findings
        Empty when no model was fitted. See the module docstring for the keys.
    """
    if not result.ok:
        return Findings()
    t = tables if tables is not None else topic_tables(result)
    s = result.settings
    out = Findings([_overview(t, s), *_topics(t, s), *_documents(t, s)])
    out += _mirrors(t, s) + [f for f in [_shared(t, s)] if f is not None] + _weak(t, s)
    out.append(_k_choice(t, s))
    nxt = _k_next(t, s)
    if nxt is not None:
        out.append(nxt)
    out += _representatives(t, s)
    return out


def prose(findings: Findings, *keys: str, escape=None, bullets: bool = False, most: int | None = None,
          more: str = "") -> str:
    """The statements of the named findings, in the order of `keys`, as Markdown.

    Parameters
    ----------
    findings : Findings
    *keys : str
        Finding keys; a key ending in "." names every finding under it
        (``"topics.topic."`` is every topic). Keys without a finding are skipped.
    escape : callable, optional
        Applied to string values (e.g. :func:`analysis.narrate.esc`).
    bullets : bool
        One bullet per finding instead of one paragraph.
    most : int, optional
        With bullets, stop after this many and add one saying how many more
        there are, followed by `more` (e.g. " documents, in leading_topics.csv").
    more : str

    Returns
    -------
    str
        Empty when no finding matches.
    """
    texts = [f.text(escape) for key in keys for f in findings
             if f.key == key or (key.endswith(".") and f.key.startswith(key))]
    if not bullets:
        return " ".join(texts)
    rest = len(texts) - most if most is not None and len(texts) > most else 0
    return "\n".join(f"- {t}" for t in texts[:len(texts) - rest]) + (f"\n- … and {rest:,} more{more}" if rest else "")


def finding_values_in_csv(finding: Finding, frame: pd.DataFrame) -> list[str]:
    """The values of `finding` that differ from its evidence row in `frame` (empty when all match).

    Parameters
    ----------
    finding : Finding
    frame : pandas.DataFrame
        The evidence CSV, as read back (``dtype=str`` is fine: values are
        compared as numbers when the finding's value is a number).

    Returns
    -------
    list of str
        One message per mismatching value.
    """
    ev = finding.evidence
    rows = (frame[frame[ev.column].astype(str).isin([str(r) for r in ev.rows])] if ev.column
            else frame)
    if COUNT_VALUE in finding.values and finding.values[COUNT_VALUE] != len(rows):
        return [f"{finding.key}: {COUNT_VALUE} = {finding.values[COUNT_VALUE]} but "
                f"{len(rows)} evidence rows"]
    if LIST_VALUE in finding.values and finding.values[LIST_VALUE] != quoted_list(rows["label"]):
        return [f"{finding.key}: {LIST_VALUE} do not list the evidence rows' labels"]
    if ev.value_columns and rows.empty:
        return [f"{finding.key}: no evidence rows {ev.rows} in {ev.file}"]
    bad = []
    for name, col in ev.value_columns.items():
        got, want = rows.iloc[0][col], finding.values[name]
        same = (math.isclose(float(got), float(want), rel_tol=READ_BACK_REL_TOL, abs_tol=1e-12)
                if isinstance(want, (int, float)) and not isinstance(want, bool)
                else str(got) == str(want))
        if not same:
            bad.append(f"{finding.key}: {name} = {want!r} but {ev.file}[{col}] = {got!r}")
    return bad
