"""Helpers that turn computed values into safe report prose and tables.

Text that comes from a corpus (titles, headings, sentences) may hold
characters that Markdown, HTML or LaTeX would interpret; :func:`esc` makes
it print literally.
"""

from __future__ import annotations

import html
import re

import pandas as pd

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>$-])")


def esc(text) -> str:
    """Escape corpus text for Markdown prose (HTML specials, Markdown marks, ``$``)."""
    s = html.escape(str(text), quote=False)
    return _MD_SPECIAL.sub(r"\\\1", s)


def plural(n: int | float, word: str, plural_form: str | None = None) -> str:
    """``plural(1, 'section') -> '1 section'``; ``plural(3, 'section') -> '3 sections'``."""
    form = word if n == 1 else (plural_form or word + "s")
    value = f"{n:,}" if isinstance(n, int) else f"{n:,.1f}"
    return f"{value} {form}"


def percent(x: float, digits: int = 0) -> str:
    """``percent(0.237) -> '24%'``."""
    return f"{100 * x:.{digits}f}%"


def number(x: float, digits: int = 1) -> str:
    """A number with thousands separators and `digits` decimals (none for integers)."""
    if float(x).is_integer() and digits >= 0 and abs(x) >= 100:
        return f"{int(x):,}"
    return f"{x:,.{digits}f}"


def join(items, conj: str = "and") -> str:
    """``join(['a', 'b', 'c']) -> 'a, b and c'``."""
    items = [str(i) for i in items]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {conj} " + items[-1]


def md(text: str):
    """Display-ready Markdown (an ``IPython.display.Markdown``)."""
    from IPython.display import Markdown

    return Markdown(text)


#: Rows a report table shows by default: a table per document must not run to hundreds of pages.
MAX_TABLE_ROWS = 60


def table(frame, caption: str | None = None, digits: int = 2, max_rows: int | None = MAX_TABLE_ROWS):
    """A styled, escaped table for reports: no index, numbers rounded.

    Parameters
    ----------
    frame : pandas.DataFrame
    caption : str, optional
    digits : int
        Decimals shown for float columns.
    max_rows : int or None
        Show only the first rows (default ``MAX_TABLE_ROWS``; None shows all);
        a cut table's caption says how many rows it shows of how many.

    Returns
    -------
    pandas.io.formats.style.Styler
    """
    if max_rows is not None and len(frame) > max_rows:
        if caption:
            caption = f"{caption} (the first {max_rows:,} of {len(frame):,} rows)"
        frame = frame.head(max_rows)
    floats = frame.select_dtypes("float").columns
    # One format call: a second call would drop the escaping of the other columns.
    styler = frame.style.hide(axis="index").format(
        {c: f"{{:,.{digits}f}}" for c in floats} or None,
        escape="html", na_rep="–", precision=digits, thousands=",")
    numeric = set(frame.select_dtypes("number").columns)
    styler = styler.set_td_classes(pd.DataFrame(
        [["num" if c in numeric else "txt" for c in frame.columns]] * len(frame),
        index=frame.index, columns=frame.columns))
    styler = styler.set_table_styles([
        {"selector": f"th.col_heading.col{i}", "props": [("text-align", "right" if c in numeric else "left")]}
        for i, c in enumerate(frame.columns)], overwrite=False)
    # A column name such as "restated_within" may break after its underscores, so a wide
    # table fits the printed page without breaking a word in the middle.
    styler = styler.format_index(lambda c: html.escape(str(c)).replace("_", "_<wbr>"), axis=1, escape=None)
    if caption:
        styler = styler.set_caption(html.escape(caption))
    return styler.set_table_attributes('class="report-table"')


def warnings_note(warnings: list[str]) -> str:
    """A Markdown bullet list of corpus warnings, or an empty string."""
    if not warnings:
        return ""
    return "**Input notes.**\n\n" + "\n".join(f"- {esc(w)}" for w in warnings)


def kwic_table(frame, caption: str | None = None, width: int = 60,
               columns: tuple[str, ...] = ("doc_id", "theme"), left: str = "left",
               match: str = "text", right: str = "right"):
    """Keyword-in-context lines as an escaped HTML table, the match highlighted.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per match, with left context, matched text and right context
        (e.g. ``theme_matches.csv``).
    caption : str, optional
    width : int
        Context characters shown on each side (cut with an ellipsis).
    columns : tuple of str
        Leading columns to show as they are (escaped).
    left, match, right : str
        Column names of the three KWIC parts.

    Returns
    -------
    IPython.display.HTML
        Every corpus string is HTML-escaped; the match is wrapped in ``<mark>``
        and set in bold, so it stands out in print without colour too.
    """
    from IPython.display import HTML

    def cut_left(s: str) -> str:
        s = " ".join(str(s).split())
        if len(s) > width:
            s = s[-width:]
        head, _, tail = s.partition(" ")   # drop a word cut in half
        return "…" + tail if tail else s

    def cut_right(s: str) -> str:
        s = " ".join(str(s).split())
        if len(s) > width:
            s = s[:width]
        head, _, tail = s.rpartition(" ")
        return head + "…" if head else s

    cols = [c for c in columns if c in frame.columns]
    head = "".join(f'<th class="txt">{html.escape(str(c))}</th>' for c in cols)
    head += '<th class="txt" style="text-align:right">left context</th>' \
            '<th class="txt">match</th><th class="txt">right context</th>'
    rows = []
    for _, r in frame.iterrows():
        cells = "".join(f'<td class="txt">{html.escape(str(r[c]))}</td>' for c in cols)
        cells += (f'<td class="txt" style="text-align:right">{html.escape(cut_left(r[left]))}</td>'
                  f'<td class="txt" style="white-space:nowrap"><mark><b>'
                  f'{html.escape(" ".join(str(r[match]).split()))}</b></mark></td>'
                  f'<td class="txt">{html.escape(cut_right(r[right]))}</td>')
        rows.append(f"<tr>{cells}</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return HTML(f'<table class="report-table kwic">{cap}<thead><tr>{head}</tr></thead>'
                f'<tbody>{"".join(rows)}</tbody></table>')


def highlight(text: str, spans) -> str:
    """HTML of `text` with each ``(start, end)`` span wrapped in ``<mark>``.

    The text is escaped first, so corpus characters print literally; spans
    must not overlap. Works in the HTML report and in the printed PDF.
    """
    out, pos = [], 0
    for s, e in sorted(spans):
        if s < pos:
            continue
        out.append(html.escape(text[pos:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        pos = e
    out.append(html.escape(text[pos:]))
    return "".join(out)


def side_by_side(frame, left: str = "a_text", right: str = "b_text", left_spans: str = "a_spans",
                 right_spans: str = "b_spans", meta=(), headers=("A", "B"), caption: str | None = None):
    """A two-column HTML table showing matched texts side by side, shared words marked.

    Parameters
    ----------
    frame : DataFrame
        One row per match; `left_spans`/`right_spans` hold lists of
        ``(start, end)`` spans to highlight (see :func:`highlight`).
    left, right : str
        Text columns.
    meta : sequence of str
        Columns shown in a narrow first column (e.g. kind, scores).
    headers : (str, str)
    caption : str, optional

    Returns
    -------
    IPython.display.HTML
    """
    from IPython.display import HTML

    head = ('<th class="txt">match</th>' if meta else "") + "".join(
        f'<th class="txt" style="width:42%">{html.escape(h)}</th>' for h in headers)
    rows = []
    for _, r in frame.iterrows():
        info = "<br>".join(html.escape(str(r[c])) for c in meta)
        cells = (f'<td class="txt" style="width:16%;font-size:80%;overflow-wrap:anywhere">{info}</td>'
                 if meta else "")
        cells += (f'<td class="txt">{highlight(str(r[left]), r[left_spans])}</td>'
                  f'<td class="txt">{highlight(str(r[right]), r[right_spans])}</td>')
        rows.append(f"<tr>{cells}</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return HTML(f'<table class="report-table side-by-side">{cap}<thead><tr>{head}</tr></thead>'
                f'<tbody>{"".join(rows)}</tbody></table>')


def hover(styler, column: str, titles):
    """Show `titles` (one per row, e.g. file ids) on hover over `column` of a :func:`table`.

    The text goes into the cells' HTML ``title`` attribute, so the printed page
    is unchanged and the key stays one mouse-over away in the HTML report.
    """
    data = styler.data
    tips = pd.DataFrame("", index=data.index, columns=data.columns)
    tips[column] = [str(t) for t in list(titles)[:len(data)]]  # the table may show only its first rows
    return styler.set_tooltips(tips, as_title_attribute=True)


_ITABLES_LOADED = False


def highlighted(texts, spans) -> list[str]:
    """:func:`highlight` for a column: one escaped, ``<mark>``-ed HTML string per text."""
    return [highlight(str(t), s if isinstance(s, (list, tuple)) else []) for t, s in zip(texts, spans)]


def searchable(frame, caption: str, csv_name: str, top: int = 8, digits: int = 2,
               html_columns=(), max_rows: int | None = None, total: int | None = None):
    """Every row of `frame` as a searchable, sortable table, collapsed by default.

    On screen the table is an ``itables`` DataTable inside a closed
    ``<details>``; the DataTables code is embedded in the page (offline mode),
    so the report requests nothing from the network. In print, where a
    DataTable shows nothing useful, the first `top` rows appear instead, with a
    note naming the HTML report and `csv_name` as the places of the full table.
    Cell text is escaped: corpus text shows as text. Columns named in
    `html_columns` hold HTML that is already safe (e.g. from :func:`highlighted`,
    which escapes the text before marking it) and are shown as such; every
    other cell is escaped here. The search box searches what is shown, so the
    ``<mark>`` tags do not get in the way of a search.

    Parameters
    ----------
    frame : pandas.DataFrame
    caption : str
        Plain text (escaped here).
    csv_name : str
        The CSV in the report's ``data/`` folder that holds the same rows.
    top : int
        Rows shown in print.
    digits : int
        Decimals shown for float columns.
    html_columns : sequence of str
        Columns of safe HTML, shown unescaped.
    max_rows : int, optional
        Rows embedded in the page at most (``report.evidence_rows``): a large
        corpus would otherwise make the HTML as large as the CSV. The caller
        orders `frame` so that its first rows are the ones worth reading.
    total : int, optional
        Rows of the full table when `frame` is already cut (default
        ``len(frame)``); the captions say how many of them are shown.

    Returns
    -------
    IPython.display.HTML
    """
    global _ITABLES_LOADED
    from IPython.display import HTML
    from itables import to_html_datatable
    from itables.javascript import generate_init_offline_itables_html

    bundle = ""
    if not _ITABLES_LOADED:  # the DataTables code, once per notebook
        from itables import options

        bundle = generate_init_offline_itables_html(options.dt_bundle)
        _ITABLES_LOADED = True
    n = max(len(frame), total or 0)
    if max_rows is not None and len(frame) > max_rows:
        frame = frame.head(max_rows)
    shown = frame.round(digits) if len(frame.select_dtypes("float").columns) else frame
    html_columns = [c for c in html_columns if c in frame.columns]
    if html_columns:  # then DataTables inserts every cell as HTML: escape the others here
        shown = shown.assign(**{c: shown[c].map(lambda v: v if pd.isna(v) else html.escape(str(v), quote=False))
                                for c in shown.select_dtypes(exclude="number").columns
                                if c not in html_columns})
    table_id = "evidence-" + re.sub(r"[^A-Za-z0-9]+", "-", csv_name).strip("-")
    interactive = to_html_datatable(shown.reset_index(drop=True), connected=False, table_id=table_id,
                                    showIndex=False, allow_html=bool(html_columns), classes="display compact",
                                    maxBytes=0, lengthMenu=[10, 25, 100, -1], pageLength=10,
                                    layout={"topStart": "pageLength", "topEnd": "search",
                                            "bottomStart": "info", "bottomEnd": "paging"})
    cap = html.escape(caption)
    extent = (f"all {n:,} rows" if len(frame) == n else f"the first {len(frame):,} of {n:,} rows "
              f"(<code>report.evidence_rows</code>)")
    link = f'<a href="data/{html.escape(csv_name)}"><code>{html.escape(csv_name)}</code></a>'
    head = table(frame, caption=None, digits=digits, max_rows=top)
    if html_columns:
        head = head.format(str, subset=html_columns, escape=None)
    head = head.to_html()
    return HTML(
        f'<div class="evidence screen-only">{bundle}<details><summary>{cap}: {extent}, '
        f'searchable and sortable (all {n:,} in {link})</summary>{interactive}</details></div>'
        f'<div class="evidence print-only"><p class="evidence-caption">{cap}: the first {min(top, n)} '
        f'of {n:,} rows. The HTML report can search {extent}; the full table is in '
        f'<code>data/{html.escape(csv_name)}</code>.</p>{head}</div>')
