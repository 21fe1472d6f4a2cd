"""Findings of the theme analysis: what each document stresses, with the rows behind it.

Every finding points at a CSV file the ``themes`` command writes:

- ``theme_summary.csv`` (one row per theme, id ``theme``): the baseline
  subjects every document shares, and the most frequent themes of the corpus;
- ``theme_profile.csv`` (one row per document, id ``doc_id``): each
  document's most frequent theme (its darkest heatmap cell) and its most
  distinctive theme (largest keyness among significant over-use, with one
  multiplier: its rate against the rate in the other documents pooled);
- ``theme_dispersion.csv`` (id ``row_id`` = ``doc_id/theme``): the most
  concentrated and the most evenly spread theme;
- ``theme_cooccurrence.csv`` (id ``pair``): themes that share paragraphs
  more often than chance.

Baseline subjects never enter a ranking. Templates are plain text (no
Markdown), so the summary, a notebook and ``theme_findings.csv`` read alike.
"""

from __future__ import annotations

import re

import pandas as pd

from .core import Evidence, Finding, Findings

_NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def _count_word(n: int) -> str:
    """Small counts in words ("the other four documents"), larger ones in digits."""
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else f"{n:,}"


def _noun(n: int, one: str, many: str) -> str:
    """The noun a template puts after a count: "1 match", "20 matches"."""
    return one if n == 1 else many


def _slug(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", str(name).lower()).strip("_") or "theme"


def _others(n: int) -> str:
    return "the other document" if n == 1 else f"the other {_count_word(n)} documents"


def baseline_findings(summary: pd.DataFrame) -> Findings:
    """One finding per baseline subject: how much of the corpus shares it."""
    out = Findings()
    base = summary[summary.group == "baseline"]
    for r in base.itertuples(index=False):
        mentioned = ("The shared subject “{subject}” is mentioned {matches:,} "
                     + _noun(int(r.matches), "time", "times") + " in body text, ")
        if r.matches == 0:
            template = "The shared subject “{subject}” is never mentioned."
        elif r.documents == r.documents_total:
            template = (mentioned + "in every document: most densely in {max_document} "
                        "({max_per_1k:.1f} per 1,000 words), least in {min_document} "
                        "({min_per_1k:.1f}).")
        else:
            missing = int(r.documents_total - r.documents)
            template = (mentioned + "in {documents} of {documents_total} documents: most densely "
                        "in {max_document} ({max_per_1k:.1f} per 1,000 words)"
                        + ("; {min_document} does not mention it at all." if missing == 1 else "."))
        values = {"subject": r.theme, "matches": int(r.matches), "documents": int(r.documents),
                  "documents_total": int(r.documents_total),
                  "min_per_1k": float(r.min_per_1k), "min_document": r.min_document,
                  "max_per_1k": float(r.max_per_1k), "max_document": r.max_document}
        out.append(Finding(f"themes.baseline.{_slug(r.theme)}", template, values, Evidence(
            "theme_summary.csv", "theme", (r.theme,),
            {"subject": "theme", "matches": "matches", "documents": "documents",
             "documents_total": "documents_total", "min_per_1k": "min_per_1k", "min_document": "min_document",
             "max_per_1k": "max_per_1k", "max_document": "max_document"})))
    return out


def frequent_findings(summary: pd.DataFrame, n: int = 3) -> Findings:
    """The `n` themes with the most matches in the corpus, baseline subjects left out."""
    out = Findings()
    n_base = int((summary.group == "baseline").sum())
    ranked = summary[summary["rank"].notna()].sort_values("rank").head(n)
    after = (f"After the {_count_word(n_base)} shared "
             f"{'subject' if n_base == 1 else 'subjects'}, " if n_base else "")
    previous = None
    for r in ranked.itertuples(index=False):
        rank = int(r.rank)
        if rank == 1:
            lead = (after + "the most frequent theme" if after else "The most frequent theme")
        else:
            lead = f"The {_ordinal(rank)} most frequent theme"
            if r.matches == previous:   # ranks in dictionary order on ties: say so
                lead += f", tied with the {_ordinal(rank - 1) if rank > 2 else 'first'},"
        previous = r.matches
        where = ("in every document" if r.documents == r.documents_total
                 else "in {documents} of {documents_total} documents")
        template = (lead + " is “{theme}”: {matches:,} " + _noun(int(r.matches), "match", "matches")
                    + ", {per_1k_words:.1f} per 1,000 words, " + where + ".")
        values = {"theme": r.theme, "matches": int(r.matches), "per_1k_words": float(r.per_1k_words),
                  "documents": int(r.documents), "documents_total": int(r.documents_total),
                  "rank": rank}
        out.append(Finding(f"themes.most_frequent.{rank}", template, values, Evidence(
            "theme_summary.csv", "theme", (r.theme,),
            {k: k for k in ("theme", "matches", "per_1k_words", "documents", "documents_total",
                            "rank")})))
    return out


def _ordinal(n: int) -> str:
    return {2: "second", 3: "third", 4: "fourth", 5: "fifth"}.get(n, f"{n}th")


def document_findings(profile: pd.DataFrame, alpha: float, n_baseline: int = 0) -> Findings:
    """Each document's most frequent and most distinctive theme (two findings per document)."""
    out = Findings()
    after = " after the shared subjects" if n_baseline else ""
    for r in profile.itertuples(index=False):
        def ev(cols, doc_id=r.doc_id):
            return Evidence("theme_profile.csv", "doc_id", (doc_id,), cols)

        if not isinstance(r.frequent_theme, str):   # None or NaN: no theme occurs
            out.append(Finding(f"themes.most_frequent_in.{r.doc_id}",
                               "In {document}, no theme of the dictionary occurs" + after + ".",
                               {"document": r.label}, ev({"document": "label"})))
        else:
            out.append(Finding(
                f"themes.most_frequent_in.{r.doc_id}",
                "In {document}, the most frequent theme" + after + " is “{theme}” ({count} "
                + _noun(int(r.frequent_count), "match", "matches") + ", {per_1k:.1f} per 1,000 words).",
                {"document": r.label, "theme": r.frequent_theme, "count": int(r.frequent_count),
                 "per_1k": float(r.frequent_per_1k)},
                ev({"document": "label", "theme": "frequent_theme", "count": "frequent_count",
                    "per_1k": "frequent_per_1k"})))
        if int(r.other_documents) == 0:
            continue   # nothing to compare a single document with
        key = f"themes.most_distinctive_in.{r.doc_id}"
        others = _others(int(r.other_documents))
        if not isinstance(r.distinctive_theme, str):
            out.append(Finding(key, "In {document}, no theme is used significantly more than in "
                               + others + " (p < {alpha:g}).",
                               {"document": r.label, "alpha": float(alpha)}, ev({"document": "label"})))
        elif r.distinctive_only_here:
            out.append(Finding(
                key, "In {document}, the most distinctive theme is “{theme}”, which no other "
                "document mentions ({count} matches, {per_1k:.1f} per 1,000 words; G² = {g2:.1f}).",
                {"document": r.label, "theme": r.distinctive_theme, "count": int(r.distinctive_count),
                 "per_1k": float(r.distinctive_per_1k), "g2": float(r.distinctive_g2)},
                ev({"document": "label", "theme": "distinctive_theme", "count": "distinctive_count",
                    "per_1k": "distinctive_per_1k", "g2": "distinctive_g2"})))
        else:
            out.append(Finding(
                key, "In {document}, the most distinctive theme is “{theme}”: {per_1k:.1f} per "
                "1,000 words against {per_1k_rest:.1f} in " + others + ", {ratio:.1f}× their "
                "rate (G² = {g2:.1f}).",
                {"document": r.label, "theme": r.distinctive_theme, "per_1k": float(r.distinctive_per_1k),
                 "ratio": float(r.distinctive_ratio), "per_1k_rest": float(r.distinctive_per_1k_rest),
                 "g2": float(r.distinctive_g2)},
                ev({"document": "label", "theme": "distinctive_theme", "per_1k": "distinctive_per_1k",
                    "ratio": "distinctive_ratio", "per_1k_rest": "distinctive_per_1k_rest",
                    "g2": "distinctive_g2"})))
    return out


def dispersion_findings(dispersion: pd.DataFrame, topical: set, min_count: int = 5) -> Findings:
    """The most concentrated and the most evenly spread theme (Gries' DP over sections)."""
    out = Findings()
    d = dispersion[dispersion.theme.isin(topical) & (dispersion["count"] >= min_count)
                   & (dispersion.sections_total > 1)].dropna(subset=["dp"])
    if d.empty:
        return out
    cols = {k: k for k in ("theme", "count", "sections_with", "sections_total", "dp")}
    cols["document"] = "label"
    picks = [("themes.most_concentrated", d.loc[d.dp.idxmax()],
              "The most concentrated theme is “{theme}”: {count} matches in {sections_with} of "
              "the {sections_total} sections of {document} (DP {dp:.2f})."),
             ("themes.most_spread", d.loc[d.dp.idxmin()],
              "The most evenly spread theme is “{theme}”: {count} matches over {sections_with} of "
              "the {sections_total} sections of {document} (DP {dp:.2f}).")]
    for key, r, template in picks[: 1 if len(d) == 1 else 2]:
        values = {"theme": r.theme, "document": r.label, "count": int(r["count"]),
                  "sections_with": int(r.sections_with), "sections_total": int(r.sections_total),
                  "dp": float(r.dp)}
        out.append(Finding(key, template, values,
                           Evidence("theme_dispersion.csv", "row_id", (r.row_id,), cols)))
    return out


def pair_findings(cooc: pd.DataFrame, n: int = 3) -> Findings:
    """The `n` pairs of themes that share paragraphs most clearly above chance (smallest p)."""
    out = Findings()
    sig = cooc[cooc.significant.astype(bool)].sort_values(["p_value", "pair"]).head(n)
    for i, r in enumerate(sig.itertuples(index=False), start=1):
        out.append(Finding(
            f"themes.pair.{i}",
            "“{theme_a}” and “{theme_b}” share {together} "
            + _noun(int(r.together), "paragraph", "paragraphs") + ", against {expected:.1f} "
            "expected by chance ({lift:.1f}× chance).",
            {"theme_a": r.theme_a, "theme_b": r.theme_b, "together": int(r.together),
             "expected": float(r.expected), "lift": float(r.lift)},
            Evidence("theme_cooccurrence.csv", "pair", (r.pair,),
                     {k: k for k in ("theme_a", "theme_b", "together", "expected", "lift")})))
    return out


def theme_findings(result: dict) -> Findings:
    """Every finding of the theme analysis.

    Parameters
    ----------
    result : dict
        From :func:`analysis.themes.analyse_themes` (frames ``summary``,
        ``profile``, ``dispersion``, ``cooccurrence`` and ``settings``).

    Returns
    -------
    Findings
        Keys ``themes.baseline.<subject>``, ``themes.most_frequent.<rank>``,
        ``themes.most_frequent_in.<doc_id>``, ``themes.most_distinctive_in.<doc_id>``,
        ``themes.most_concentrated``, ``themes.most_spread`` and
        ``themes.pair.<rank>``; each with its evidence in a CSV the ``themes``
        command writes.
    """
    settings = result["settings"]
    top = int(settings.get("findings_top", 3))
    summary = result["summary"]
    n_base = int((summary.group == "baseline").sum())
    topical = set(summary.theme[summary.group == "theme"])
    out = Findings()
    out += baseline_findings(summary)
    out += frequent_findings(summary, top)
    out += document_findings(result["profile"], float(settings["alpha"]), n_base)
    out += dispersion_findings(result["dispersion"], topical,
                               int(settings.get("dispersion_min_count", 5)))
    out += pair_findings(result["cooccurrence"], top)
    return out


def short_answer(findings: Findings, escape=None, max_docs: int = 8) -> str:
    """Two sentences for the top of the themes report: what is shared, what each document stresses.

    With more than `max_docs` documents the second sentence names the themes
    most often distinctive, with how many documents each, not every document.
    """
    return " ".join(_closing_parts(findings, escape, short=True, max_docs=max_docs))


def closing_paragraph(findings: Findings, escape=None, max_docs: int = 40) -> str:
    """The "what this means" section of the themes report (Markdown), from the findings' values.

    It says what the documents share, what each one stresses beyond it (a
    bullet per document), what they hold in common and which themes travel
    together; every number in it is a value of a finding. The bullets stop
    after `max_docs` documents and say how many more there are.
    """
    return " ".join(_closing_parts(findings, escape, max_docs=max_docs)).replace("\n\n ", "\n\n")


def _closing_parts(findings: Findings, escape=None, short: bool = False, max_docs: int = 40) -> list[str]:
    esc = escape or (lambda s: s)
    parts = []
    base = [f.values for f in findings if f.key.startswith("themes.baseline.")
            and f.values.get("matches")]
    if base:
        parts.append("The corpus is about " + _join([
            f"{esc(v['subject'])} ({v['matches']:,} mentions, in "
            + ("all " if v["documents"] == v["documents_total"] else
               f"{_count_word(v['documents'])} of ")
            + f"{_count_word(v['documents_total'])} documents)" for v in base]) + ".")
    dist = [f.values for f in findings
            if f.key.startswith("themes.most_distinctive_in.") and "theme" in f.values]
    freq = {f.values.get("document"): f.values.get("theme") for f in findings
            if f.key.startswith("themes.most_frequent_in.")}
    lead = ("Beyond that shared ground, each" if base else "Each") + " document stresses a theme of its own"
    if short:
        if dist and len(dist) <= max_docs:
            parts.append(lead + ": " + "; ".join(f"“{esc(v['theme'])}” in {esc(v['document'])}"
                                                 for v in dist) + ".")
        elif dist:  # too many documents to name: which themes are distinctive, and how often
            ranked = pd.Series([v["theme"] for v in dist]).value_counts(sort=False).sort_values(
                ascending=False, kind="stable").head(3)
            parts.append("The themes that most often set a document apart are "
                         + _join([f"“{esc(t)}” (in {_count_word(int(n))})" for t, n in ranked.items()])
                         + f" of the {len(dist):,} documents with a distinctive theme.")
        return parts
    if dist:
        items = []
        for v in dist[:max_docs]:
            how = (f"{v['ratio']:.1f}× its rate in the other documents" if "ratio" in v
                   else "no other document takes it up")
            other = freq.get(v["document"])
            also = ("; also the theme it mentions most" if other == v["theme"] else
                    f"; it mentions “{esc(other)}” more often" if other else "")
            items.append(f"- {esc(v['document'])}: “{esc(v['theme'])}” ({how}{also})")
        if len(dist) > max_docs:
            items.append(f"- … and {len(dist) - max_docs:,} more documents, each in `theme_profile.csv`")
        parts.append(lead + ":\n\n" + "\n".join(items) + "\n\n")
    top = findings.get("themes.most_frequent.1")
    if top is not None:
        v = top.values
        parts.append(f"Beyond the shared subjects, the theme mentioned most across the corpus is "
                     f"“{esc(v['theme'])}”: {v['matches']:,} matches, in "
                     + ("every document" if v["documents"] == v["documents_total"] else
                        f"{v['documents']} of {v['documents_total']} documents") + ".")
    pair = findings.get("themes.pair.1")
    if pair is not None:
        v = pair.values
        parts.append(f"The themes that most clearly travel together are “{esc(v['theme_a'])}” and "
                     f"“{esc(v['theme_b'])}” ({v['together']} shared paragraphs, "
                     f"{v['lift']:.1f}× chance).")
    return parts


def _join(items) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
