"""Titles, freshness stamps, contents and the landing page, without a browser."""

from __future__ import annotations

import datetime

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis.build import _finish_html, _toc, freshness_stamp
from analysis.site import csvs_named, one_line_answer, render_index, report_title

NOON = datetime.datetime(2026, 1, 2, 12, 0, tzinfo=datetime.timezone.utc)


def _nb(*cells):
    return new_notebook(cells=list(cells))


def _md_output(text):
    return new_code_cell(outputs=[new_output("display_data", data={"text/markdown": text})])


def test_title_is_the_first_level_one_heading_as_plain_text():
    nb = _nb(new_markdown_cell("Intro line\n\n## Not this"),
             new_markdown_cell("# The *real* [title](x.html)\n\ntext"), new_markdown_cell("# Second"))
    assert report_title(nb) == "The real title"
    assert report_title(_nb(new_markdown_cell("## only h2"))) == "Report"


def test_stamp_digests_change_with_the_corpus_and_the_parameters(tmp_path):
    corpus, params = tmp_path / "essays", tmp_path / "p.yaml"
    corpus.mkdir()
    (corpus / "a.txt").write_text("one", encoding="utf-8")
    params.write_text("x: 1\n", encoding="utf-8")
    first = freshness_stamp(str(corpus), str(params), now=NOON)
    assert first["corpus"] == "essays" and first["corpus_files"] == 1
    assert first["built"] == "2026-01-02 12:00 UTC" and len(first["corpus_digest"]) == 12
    assert freshness_stamp(str(corpus), str(params), now=NOON) == first  # deterministic
    (corpus / "a.txt").write_text("two", encoding="utf-8")
    second = freshness_stamp(str(corpus), str(params), now=NOON)
    assert second["corpus_digest"] != first["corpus_digest"]
    assert second["params_digest"] == first["params_digest"]
    params.write_text("x: 2\n", encoding="utf-8")
    assert freshness_stamp(str(corpus), str(params), now=NOON)["params_digest"] != first["params_digest"]
    (corpus / "a.txt").rename(corpus / "b.txt")  # a renamed file is a different corpus
    assert freshness_stamp(str(corpus), str(params), now=NOON)["corpus_digest"] != second["corpus_digest"]


def test_contents_lists_h2_and_nested_h3_in_order():
    html = ('<header><!--report-toc--></header><h1 id="T">Title</h1>'
            '<h2 id="A">Alpha &amp; co<a class="anchor-link" href="#A">¶</a></h2>'
            '<h3 id="A1">Detail</h3><h2 id="B">Beta</h2>')
    toc = _toc(html)
    assert toc.index('href="#A"') < toc.index('href="#A1"') < toc.index('href="#B"')
    assert "Alpha &amp; co" in toc and "¶" not in toc and toc.count("<ol>") == 2
    done = _finish_html(html)
    assert "<!--report-toc-->" not in done and done.count('<nav class="toc') == 2
    assert done.index('class="toc in-body"') > done.index("</h1>")
    assert _toc("<p>no headings</p>") == ""
    linked = _finish_html('<p><code>theme_matches.csv</code> and <a href="data/x.csv"><code>x.csv</code></a></p>')
    assert linked.count('<a href="data/theme_matches.csv"><code>theme_matches.csv</code></a>') == 1
    assert linked.count("<a ") == 2


def test_one_line_answer_prefers_the_short_answer():
    nb = _nb(new_markdown_cell("# T\n\n*Question?* First paragraph."),
             _md_output("**Short answer.** Two themes <b>dominate</b>."))
    assert one_line_answer(nb) == "Two themes dominate."
    nb = _nb(new_markdown_cell("# T\n\n*Question?* First paragraph."))
    assert one_line_answer(nb) == "Question? First paragraph."
    nb = _nb(new_markdown_cell("# T\n\nIntro."), new_markdown_cell("## The short answer"),
             _md_output("Most points are made once."))
    assert one_line_answer(nb) == "Most points are made once."
    topics = _nb(new_markdown_cell("# Topics\n\n*What?*"), _md_output("**In short.** Seven topics."))
    assert one_line_answer(topics) == "Seven topics."
    summary = _nb(new_markdown_cell("# Summary\n\n*What do these documents argue?*"),
                  new_markdown_cell("## What the corpus argues"), _md_output("They argue for local ownership."))
    assert one_line_answer(summary) == "They argue for local ownership."
    escaped = _nb(new_markdown_cell("# T"), new_markdown_cell("## Short answer"),
                  _md_output(r"Post\-conflict \*reform\* in C:\files, **not** \<b\>bold\</b\>."))
    assert one_line_answer(escaped) == "Post-conflict *reform* in C:\\files, not <b>bold</b>."
    long = _nb(new_markdown_cell("# T\n\n" + "A sentence here. " * 40))
    assert len(one_line_answer(long, limit=100)) <= 100


def test_index_escapes_and_links_only_what_exists(tmp_path):
    executed = tmp_path / ".executed"
    executed.mkdir()
    nb = _nb(new_markdown_cell("# Themes <script>\n\nSee `theme_matches.csv` and `missing.csv`."))
    nb.metadata["report"] = {"corpus": "my <corpus>", "built": "2026-01-02 12:00 UTC", "version": "9.9"}
    nbformat.write(nb, executed / "02-themes.ipynb")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "theme_matches.csv").write_text("a\n", encoding="utf-8")
    (tmp_path / "02-themes.html").write_text("", encoding="utf-8")
    page = render_index(sorted(executed.glob("*.ipynb")), tmp_path)
    assert "<script>" not in page and "Themes &lt;script&gt;" in page and "my &lt;corpus&gt;" in page
    assert '<a href="02-themes.html">HTML</a>' in page and '<span class="missing">PDF</span>' in page
    assert 'href="data/theme_matches.csv"' in page and 'href="data/missing.csv"' not in page
    assert "2026-01-02 12:00 UTC" in page and "9.9" in page
    assert csvs_named(nb, {"theme_matches.csv"}) == ["theme_matches.csv"]


def test_images_get_their_following_caption_as_alt_text():
    from analysis.build import _figure_alt_text

    png = {"image/png": "iVBORw0KGgo="}
    nb = _nb(new_code_cell(outputs=[new_output("display_data", data=png),
                                    new_output("display_data", data={"text/markdown": "Figure 1. *Lengths* of <docs>."})]),
             new_code_cell(outputs=[new_output("display_data", data=png)]),
             new_code_cell(outputs=[new_output("display_data", data=png)]),
             new_markdown_cell("Figure 3. Caption in a Markdown cell."))
    _figure_alt_text(nb)
    alts = [c.outputs[0].metadata.get("alt") for c in nb.cells[:3]]
    assert alts == ["Figure 1. Lengths of .", "Figure (no caption)", "Figure 3. Caption in a Markdown cell."]


def test_searchable_is_collapsed_offline_escaped_and_has_a_print_head():
    import re

    import pandas as pd

    from analysis.narrate import searchable

    frame = pd.DataFrame({"text": ["<script>alert(1)</script>"] + [f"row {i}" for i in range(29)],
                          "score": [0.123456] * 30})
    page = searchable(frame, "Table 9. All rows & more", "theme_matches.csv", top=5).data
    assert "<details><summary>Table 9. All rows &amp; more: all 30 rows" in page
    assert "<script>alert(1)</script>" not in page
    assert not re.search(r'\b(?:src|href)="https?:', page)  # nothing loaded from a server
    head = page.split('<div class="evidence print-only">', 1)[1]
    assert "the first 5 of 30 rows" in head and "row 3" in head and "row 4" not in head
    assert page.count('id="evidence-theme-matches-csv"') == 1


def test_searchable_embeds_at_most_max_rows_and_says_how_many_there_are():
    import pandas as pd

    from analysis.narrate import searchable

    frame = pd.DataFrame({"text": [f"row {i:03d}" for i in range(120)]})
    page = searchable(frame, "Table 9", "sentence_pairs.csv", top=3, max_rows=50, total=900).data
    assert "the first 50 of 900 rows" in page and "all 900 in" in page
    assert "row 049" in page and "row 050" not in page  # rows past the cap are not embedded
    assert "the first 3 of 900 rows" in page.split('<div class="evidence print-only">', 1)[1]
    small = searchable(frame.head(20), "Table 9", "sentence_pairs.csv", max_rows=50).data
    assert "all 20 rows" in small


def test_searchable_marks_shared_words_on_safe_text_and_escapes_the_rest():
    import json
    import re

    import pandas as pd

    from analysis.narrate import highlighted, searchable

    a = "Peace <script>alert(1)</script> holds"
    b = "[x](javascript:alert(1)) <img src=x onerror=alert(1)> peace"
    marked = highlighted([a, b], [[(0, 5), (a.index("holds"), len(a))], [(b.index("peace"), len(b))]])
    assert marked[0] == "<mark>Peace</mark> &lt;script&gt;alert(1)&lt;/script&gt; <mark>holds</mark>"
    assert marked[1].endswith("&lt;img src=x onerror=alert(1)&gt; <mark>peace</mark>")
    frame = pd.DataFrame({"document": ["<b>A</b>", "B"], "sentence A": marked, "score": [0.5, 0.25]})
    page = searchable(frame, "Pairs", "sentence_pairs.csv", html_columns=("sentence A",)).data
    data = json.loads(json.loads(re.search(r'"data_json": ("(?:[^"\\]|\\.)*")', page).group(1)))
    assert data[0][:2] == ["&lt;b&gt;A&lt;/b&gt;", marked[0]]  # the marks stay, the other column is escaped
    head = page.split('<div class="evidence print-only">', 1)[1]
    assert marked[0] in head and "&lt;b&gt;A&lt;/b&gt;" in head
    assert "<script>" not in head
    assert "<img" not in page and "<b>A" not in page


def test_index_leads_with_the_summary_findings_escaped(tmp_path):
    executed = tmp_path / ".executed"
    executed.mkdir()
    nbformat.write(_nb(new_markdown_cell("# Summary")), executed / "00-summary.ipynb")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "summary_findings.csv").write_text(
        "key,statement\n"
        'redundancy.restated,"4 of 761 sentences <b>restate</b>."\n'
        "themes.baseline.peace,Peace is mentioned 290 times.\n"
        "themes.other,Not a key finding.\n", encoding="utf-8")
    page = render_index(sorted(executed.glob("*.ipynb")), tmp_path)
    block = page.split('<section class="key-findings">', 1)[1].split("</section>", 1)[0]
    assert block.index("What the essays share") < block.index("Peace is mentioned 290") \
        < block.index("Few claims are repeated") < block.index("4 of 761 sentences &lt;b&gt;restate")
    assert "Not a key finding" not in page and page.index("<section class=\"key-findings\">") < page.index("<ol class=\"reports\">")
    (tmp_path / "data" / "summary_findings.csv").unlink()
    assert "<section class=\"key-findings\">" not in render_index(sorted(executed.glob("*.ipynb")), tmp_path)


def test_a_report_table_shows_its_first_rows_and_says_how_many_there_are():
    import pandas as pd

    from analysis.narrate import MAX_TABLE_ROWS, hover, table

    frame = pd.DataFrame({"document": [f"doc {i:04d}" for i in range(5000)], "words": range(5000)})
    page = hover(table(frame, caption="Table 2. Per document"), "document", frame.document).to_html()
    assert f"Table 2. Per document (the first {MAX_TABLE_ROWS} of 5,000 rows)" in page
    assert f"doc {MAX_TABLE_ROWS - 1:04d}" in page and f"doc {MAX_TABLE_ROWS:04d}" not in page
    small = table(frame.head(5), caption="Table 3").to_html()
    assert "Table 3</caption>" in small and "doc 0004" in small
    assert "doc 4999" in table(frame, max_rows=None).to_html()


def test_links_to_a_gzipped_table_point_at_the_file_the_data_folder_holds(tmp_path):
    from analysis.site import write_index

    data = tmp_path / "data"
    data.mkdir()
    (data / "theme_matches.csv.gz").write_bytes(b"")   # over 250,000 rows: written gzipped
    (data / "theme_counts.csv").write_text("a\n", encoding="utf-8")
    body = "<p><code>theme_matches.csv</code>, <code>theme_counts.csv</code>, <code>gone.csv</code></p>"
    assert _finish_html(body, data) == (
        '<p><a href="data/theme_matches.csv.gz"><code>theme_matches.csv</code></a>, '
        '<a href="data/theme_counts.csv"><code>theme_counts.csv</code></a>, '
        '<a href="data/gone.csv"><code>gone.csv</code></a></p>')
    # A page rendered before the data step wrote its tables is pointed at them by the index step.
    (tmp_path / "02-themes.html").write_text(_finish_html(body), encoding="utf-8")
    executed = tmp_path / ".executed"
    executed.mkdir()
    nb = _nb(new_markdown_cell("# Themes\n\nSee `theme_matches.csv`."))
    nbformat.write(nb, executed / "02-themes.ipynb")
    write_index(executed, tmp_path)
    page = (tmp_path / "02-themes.html").read_text(encoding="utf-8")
    assert 'href="data/theme_matches.csv.gz"' in page and 'href="data/theme_matches.csv"' not in page
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert '<a href="data/theme_matches.csv.gz">theme_matches.csv.gz</a>' in index
