"""The landing page of a report folder: ``index.html`` (``python -m analysis.build index``).

It names the corpus, the build date and the package version (from the
freshness stamp that :mod:`analysis.build` stores in every executed notebook),
and lists every report with a one-line answer and links to its HTML, its PDF
and the CSVs it refers to. The page is one file with its style inline: it
requests nothing and works when opened from disk.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

_CSV_NAME = re.compile(r"[A-Za-z0-9_.-]+\.csv\b")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~])")
_ANSWER_HEADINGS = ("short answer", "what the corpus argues")
_SHORT = re.compile(r"^\s*\**\s*(?:short answer|in short)\s*[.:]?\s*\**\s*[.:]?\s*", re.I)
_DATA_HREF = re.compile(r'href="data/([A-Za-z0-9_.-]+\.csv)(?:\.gz)?"')


def data_files(data: Path) -> dict[str, str]:
    """The tables in a data folder: CSV name (``x.csv``) to the file that holds it.

    A table of more than 250,000 rows is written gzipped (``x.csv.gz``, see
    :func:`analysis.output.write_frames`); the reports name it ``x.csv``.
    """
    if not data.is_dir():
        return {}
    files = {p.name[:-len(".gz")]: p.name for p in data.glob("*.csv.gz")}
    files.update({p.name: p.name for p in data.glob("*.csv")})
    return files


def point_data_links(page: str, data: Path) -> str:
    """`page` with each ``href="data/x.csv"`` pointed at the file `data` holds (x.csv or x.csv.gz)."""
    files = data_files(data)
    return _DATA_HREF.sub(lambda m: f'href="data/{files[m.group(1)]}"' if m.group(1) in files
                          else m.group(0), page)


def relink_reports(out: Path, data_dir: str = "data") -> list[Path]:
    """Point the data links of the HTML reports in `out` at the files its data folder holds now.

    Under ``make -j`` a report may be rendered before the data step has
    written its tables, so the landing page's step, which runs last, checks
    the links again. Returns the pages rewritten.
    """
    from .output import write_atomic

    changed = []
    for page in sorted(out.glob("*.html")):
        if page.name == "index.html":
            continue
        text = page.read_text(encoding="utf-8")
        new = point_data_links(text, out / data_dir)
        if new != text:
            write_atomic(page, new)
            changed.append(page)
    return changed


def plain_text(markdown: str) -> str:
    """Markdown or HTML as one line of plain text (emphasis, links, tags and escapes removed)."""
    # An escaped character (\- or \*) is literal: park it so the emphasis rules leave it alone.
    text = _MD_ESCAPE.sub(lambda m: f"\ue000{ord(m.group(1))}\ue001", markdown)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"(\*\*|__|\*|`)", "", text)
    text = re.sub(r"(?<!\w)_([^_]+)_(?!\w)", r"\1", text)
    text = re.sub("\ue000(\\d+)\ue001", lambda m: chr(int(m.group(1))), text)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def _chunks(nb) -> list[str]:
    """The Markdown a reader sees, in order: Markdown cells and Markdown outputs."""
    out = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            out.append(cell.source)
        elif cell.cell_type == "code":
            for output in cell.get("outputs", []):
                text = output.get("data", {}).get("text/markdown")
                if text:
                    out.append("".join(text) if isinstance(text, list) else text)
    return out


def one_line_answer(nb, limit: int = 320) -> str:
    """A report's answer in a line: its "short answer" if it has one, else its first paragraph.

    The paragraph starting "Short answer." (or "In short.") wins; then the first paragraph
    under a heading that says "short answer" or "what the corpus argues" (the
    summary's answer); then the first paragraph under the title. Long answers are cut at a sentence end within `limit` characters.
    """
    paragraphs = [p.strip() for chunk in _chunks(nb) for p in re.split(r"\n\s*\n", chunk) if p.strip()]
    answer = ""
    for p in paragraphs:
        if _SHORT.match(p) and not p.startswith("#"):
            answer = _SHORT.sub("", p)
            break
    if not answer:
        for i, p in enumerate(paragraphs):
            if p.startswith("#") and any(h in p.lower() for h in _ANSWER_HEADINGS):
                answer = next((q for q in paragraphs[i + 1:] if not q.startswith("#")), "")
                break
    if not answer:
        after_title = False
        for p in paragraphs:
            if p.startswith("# "):
                after_title = True
                rest = p.split("\n", 1)[1] if "\n" in p else ""
                if rest.strip():
                    answer = rest
                    break
            elif after_title and not p.startswith("#"):
                answer = p
                break
    return _shorten(plain_text(answer), limit)


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = max(text.rfind(". ", 0, limit), text.rfind("? ", 0, limit))
    return text[:cut + 1] if cut > 40 else text[:limit].rsplit(" ", 1)[0] + " …"


def report_title(nb) -> str:
    """The notebook's first level-one Markdown heading, as plain text ("Report" if none)."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.startswith("# "):
                text = re.sub(r"[*_`]|\[([^\]]*)\]\([^)]*\)", r"\1", line[2:]).strip()
                return text or "Report"
    return "Report"


def csvs_named(nb, available: set[str]) -> list[str]:
    """The CSV files of the data folder that a report names, in order of first mention."""
    html_outputs = ["".join(t) if isinstance(t, list) else t
                    for cell in nb.cells if cell.cell_type == "code"
                    for t in (o.get("data", {}).get("text/html") for o in cell.get("outputs", [])) if t]
    found = dict.fromkeys(name for chunk in _chunks(nb) + html_outputs
                          for name in _CSV_NAME.findall(chunk) if name in available)
    return list(found)


def key_findings(data: Path, name: str = "summary_findings.csv") -> list[tuple[str, list[str]]]:
    """The summary's key findings as ``(title, [statement, ...])``, read from the data folder.

    ``summary_findings.csv`` holds the findings notebook 00 leads with, written
    by the same run as the reports; they are grouped under the summary's item
    titles (:data:`analysis.summary.SUMMARY_ITEMS`) in the summary's order.
    Empty when the file is missing or holds no finding.
    """
    import csv

    from .summary import SUMMARY_ITEMS

    path = data / name
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r.get("statement")]
    out = []
    for title, keys, _figure in SUMMARY_ITEMS:
        said = [r["statement"] for k in keys for r in rows
                if r["key"] == k or (k.endswith(".") and r["key"].startswith(k))]
        if said:
            out.append((title, said))
    return out


def _findings_block(items: list[tuple[str, list[str]]], summary: str) -> str:
    if not items:
        return ""
    entries = "".join(f"<li><strong>{html.escape(t)}.</strong> {html.escape(' '.join(said))}</li>"
                      for t, said in items)
    return (f'<section class="key-findings"><h2>Key findings</h2><ol>{entries}</ol>'
            f'<p class="links">Each with its evidence and figure in {summary}.</p></section>')


def _link(href: str, text: str, exists: bool = True) -> str:
    if not exists:
        return f'<span class="missing">{html.escape(text)}</span>'
    return f'<a href="{html.escape(href)}">{html.escape(text)}</a>'


def render_index(executed: list[Path], out: Path, data_dir: str = "data") -> str:
    """The HTML of the landing page for the reports in `out` built from `executed` notebooks."""
    import nbformat

    from . import __version__

    data = out / data_dir
    files = data_files(data)
    available = set(files)
    stamp: dict = {}
    rows = []
    for path in sorted(executed):
        nb = nbformat.read(path, as_version=4)
        stamp = stamp or dict(nb.metadata.get("report", {}))
        name = path.stem
        links = [_link(f"{name}.html", "HTML", (out / f"{name}.html").exists()),
                 _link(f"{name}.pdf", "PDF", (out / f"{name}.pdf").exists())]
        csvs = [_link(f"{data_dir}/{files[c]}", files[c]) for c in csvs_named(nb, available)]
        rows.append(
            f'<li class="report"><h2><a href="{html.escape(name)}.html">'
            f"{html.escape(report_title(nb))}</a></h2>"
            f'<p class="answer">{html.escape(one_line_answer(nb))}</p>'
            f'<p class="links">{" · ".join(links)}'
            + (f'<br><span class="label">Data:</span> {", ".join(csvs)}' if csvs else "")
            + "</p></li>")
    corpus = stamp.get("corpus", "")
    all_csvs = ", ".join(_link(f"{data_dir}/{files[c]}", files[c]) for c in sorted(available))
    meta = (f"Corpus <strong>{html.escape(corpus)}</strong>"
            + (f" ({int(stamp['corpus_files'])} documents)" if stamp.get("corpus_files") else "")
            + f" · built {html.escape(stamp.get('built', ''))}"
            + f" · analysis {html.escape(stamp.get('version', __version__))}"
            + (f' · corpus digest <code>{html.escape(stamp["corpus_digest"])}</code>'
               if stamp.get("corpus_digest") else "")
            + (f' · parameters digest <code>{html.escape(stamp["params_digest"])}</code>'
               if stamp.get("params_digest") else ""))
    title = f"Reports on {corpus}" if corpus else "Reports"
    summary = next((p.stem for p in sorted(executed) if p.stem.startswith("00")), "00-summary")
    findings = _findings_block(key_findings(data), _link(f"{summary}.html", "the summary",
                                                         (out / f"{summary}.html").exists()))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{html.escape(title)}</title>
<style>
  body {{ font-family: "Source Serif 4", "DejaVu Serif", Georgia, serif; color: #1f2328; line-height: 1.5;
         max-width: 50rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; font-size: 15px; }}
  h1, h2, .links, .meta, footer {{ font-family: "DejaVu Sans", "Liberation Sans", Helvetica, Arial, sans-serif; }}
  h1 {{ font-size: 1.9rem; margin-bottom: .3rem; }}
  .meta {{ color: #57606a; font-size: 13px; margin-top: 0; }}
  ol.reports {{ list-style: none; padding: 0; }}
  li.report {{ border-top: 1px solid #d0d7de; padding: .8rem 0; }}
  li.report h2 {{ font-size: 1.2rem; margin: 0 0 .3rem; }}
  .answer {{ margin: 0 0 .4rem; }}
  .links {{ font-size: 13px; margin: 0; }}
  .label {{ color: #57606a; }}
  .missing {{ color: #8c959f; text-decoration: line-through; }}
  a {{ color: #0b5cad; }}
  .key-findings {{ background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; padding: .2rem 1.2rem .8rem;
                   margin: 1rem 0 1.5rem; }}
  .key-findings h2 {{ font-size: 1.2rem; margin: .8rem 0 .4rem; }}
  .key-findings ol {{ padding-left: 1.3rem; margin: 0 0 .5rem; }}
  .key-findings li {{ margin-bottom: .4rem; }}
  footer {{ border-top: 1px solid #d0d7de; margin-top: 1.5rem; padding-top: .6rem; font-size: 13px; color: #57606a; }}
</style>
</head>
<body>
<main>
<h1>{html.escape(title)}</h1>
<p class="meta">{meta}</p>
{findings}
<ol class="reports">
{chr(10).join(rows)}
</ol>
</main>
<footer><p>Every table behind the reports, as CSV: {all_csvs or "none written"}.</p></footer>
</body>
</html>
"""


def write_index(executed_dir: Path, out: Path) -> Path:
    """Write ``out/index.html`` for the executed notebooks in `executed_dir`; returns its path."""
    from .output import write_atomic

    executed = sorted(p for p in executed_dir.glob("*.ipynb") if not p.name.endswith(".failed.ipynb")
                      and not p.name.startswith("."))
    target = out / "index.html"
    relink_reports(out)
    write_atomic(target, render_index(executed, out))
    return target
