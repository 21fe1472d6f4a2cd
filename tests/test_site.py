"""The reports as a reader sees them: in headless Chromium, as PDF text and as page images.

One build of a small corpus (the five essays plus a document full of markup
that must show as text) feeds every test. Set ``SITE_REPORTS=path/to/reports``
to check an existing build instead (its corpus then need not hold the
markup document, and the XSS test checks only that no dialog opens).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
MARKUP = ("Hostile markup in security sector reform\n\n"
          "Peacekeeping <script>alert(1)</script> and security sector reform go together. "
          "An image <img src=x onerror=alert(1)> is not an image here. "
          "A link [x](javascript:alert(1)) is not a link either. "
          "Security sector reform & peacekeeping cost 5 % $ # _ { } ~ ^ \\ < > — “quoted”, naïve.\n")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("make") is None, reason="needs make"),
]


def _chromium() -> str:
    from analysis.build import BuildError, find_chromium

    try:
        return find_chromium()
    except BuildError as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A report folder: built here from the essays plus the markup document, unless SITE_REPORTS is set."""
    given = os.environ.get("SITE_REPORTS")
    if given:
        return Path(given)
    base = tmp_path_factory.mktemp("site")
    corpus = base / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    (corpus / "zz_markup.txt").write_text(MARKUP, encoding="utf-8")
    params = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    params.setdefault("redundancy", {})["backend"] = "lexical"  # no embedding model: faster
    (base / "params.yaml").write_text(yaml.safe_dump(params), encoding="utf-8")
    out = base / "reports"
    proc = subprocess.run(["make", "--no-print-directory", "-o", ".venv/.installed", "reports",
                           f"CORPUS={corpus}", f"OUT={out}", f"PARAMS={base / 'params.yaml'}"],
                          cwd=ROOT, capture_output=True, text=True, timeout=3600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return out


def _pages(site: Path) -> list[Path]:
    pages = sorted(site.glob("*.html"))
    assert site / "index.html" in pages and len(pages) >= 2
    return pages


def test_every_page_loads_offline_without_errors(site):
    """No console error, every image decodes, nothing is requested from another host, no dialog."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=["--no-sandbox", "--disable-gpu"])
        try:
            for page_file in _pages(site):
                page = browser.new_page()
                errors, remote, dialogs = [], [], []
                page.on("console", lambda m: m.type == "error" and errors.append(m.text))
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

                def route(r, remote=remote):
                    if r.request.url.split(":", 1)[0] in ("file", "data", "blob", "about"):
                        r.continue_()
                    else:
                        remote.append(r.request.url)
                        r.abort()

                page.route("**/*", route)
                page.goto(page_file.as_uri(), wait_until="load")
                page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
                page.wait_for_timeout(300)
                broken = page.evaluate("""[...document.images]
                    .filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 60))""")
                assert not errors, f"{page_file.name}: console errors {errors}"
                assert not remote, f"{page_file.name}: requests leave the machine: {remote}"
                assert not broken, f"{page_file.name}: images that do not decode: {broken}"
                assert not dialogs, f"{page_file.name}: a dialog opened: {dialogs}"
                page.close()
        finally:
            browser.close()


def test_markup_in_the_corpus_shows_as_text(site):
    if os.environ.get("SITE_REPORTS"):
        pytest.skip("an existing build: its corpus need not hold the markup document")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=["--no-sandbox", "--disable-gpu"])
        try:
            shown = ""
            for page_file in _pages(site):
                page = browser.new_page()
                page.goto(page_file.as_uri(), wait_until="load")
                page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
                # Show every row of the evidence tables ("All" in their length menu).
                for select in page.locator("div.dt-length select").all():
                    select.select_option("-1")
                shown += page.inner_text("body")
                assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0
                assert page.evaluate("document.querySelectorAll('a[href^=\"javascript:\"]').length") == 0
                page.close()
        finally:
            browser.close()
    # The markup document's matches are in 02's evidence table: shown there as text.
    for markup in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))"):
        assert markup in shown, f"{markup} is not shown as text"


def test_evidence_tables_filter_as_you_type(site):
    from playwright.sync_api import sync_playwright

    checked = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=["--no-sandbox", "--disable-gpu"])
        try:
            for page_file in _pages(site):
                page = browser.new_page()
                page.goto(page_file.as_uri(), wait_until="load")
                boxes = page.locator("details div.dt-search input")
                if boxes.count() == 0:
                    page.close()
                    continue
                page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
                for k in range(boxes.count()):
                    wrapper = boxes.nth(k).locator("xpath=ancestor::div[contains(@class,'dt-container')]")
                    info = wrapper.locator("div.dt-info")
                    total = int(re.search(r"of ([\d,]+) entr", info.inner_text()).group(1).replace(",", ""))
                    first = wrapper.locator("tbody tr").first.locator("td").nth(0).inner_text().strip()
                    boxes.nth(k).fill(first)
                    page.wait_for_timeout(300)
                    text = info.inner_text()
                    shown = int(re.search(r"of ([\d,]+) entr", text).group(1).replace(",", ""))
                    assert 0 < shown <= total, text
                    boxes.nth(k).fill("zqxjv-no-such-term")
                    page.wait_for_timeout(300)
                    assert "filtered from" in info.inner_text() and \
                        wrapper.locator("tbody td.dt-empty").count() == 1
                    checked += 1
                page.close()
        finally:
            browser.close()
    expected = sum(p.read_text(encoding="utf-8").count('<div class="evidence screen-only">')
                   for p in _pages(site))
    assert checked == expected >= (1 if os.environ.get("SITE_REPORTS") else 2), \
        "expected the searchable evidence tables (02 and 04 have one each)"


def _pdf_text(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return out.split("\f")[:-1] if out.endswith("\f") else out.split("\f")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_pdf_title_page_page_numbers_and_headings(site):
    pdfs = sorted(site.glob("*.pdf"))
    assert pdfs
    for pdf in pdfs:
        html = (site / f"{pdf.stem}.html").read_text(encoding="utf-8")
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()
        pages = _pdf_text(pdf)
        squash = lambda s: re.sub(r"\s+", " ", s)  # noqa: E731
        assert title != "Notebook" and squash(title) in squash(pages[0]), pdf.name
        assert "Corpus" in pages[0] and "Built" in pages[0] and "Package" in pages[0]
        for n, text in enumerate(pages, 1):
            assert f"page {n} of {len(pages)}" in text, f"{pdf.name} p. {n} has no page number"
        body = squash(" ".join(pages[1:]))
        headings = [re.sub(r"<[^>]+>", "", h).strip()
                    for h in re.findall(r'<nav class="toc in-body".*?</nav>', html, re.S)[0].split("<li>")[1:]]
        assert headings, pdf.name
        for h in headings:
            assert squash(h) in squash(pages[0]), f"{pdf.name}: '{h}' not in the contents"
            assert squash(h) in body, f"{pdf.name}: heading '{h}' not in the text"


def _fill(pgm: Path) -> float:
    """Share of a page's text block, top to bottom, above its lowest ink (page footer excluded)."""
    data = pgm.read_bytes()
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    w, h = int(header.group(1)), int(header.group(2))
    img = np.frombuffer(data[header.end():header.end() + w * h], dtype=np.uint8).reshape(h, w)
    top, bottom = int(h * 16 / 297), int(h * (297 - 18) / 297)  # the print margins in mm
    ink = np.flatnonzero((img[top:bottom] < 200).any(axis=1))
    return 0.0 if ink.size == 0 else (ink[-1] + 1) / (bottom - top)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
def test_no_page_but_the_last_is_more_than_half_empty(site, tmp_path):
    """The title page (p. 1) stands alone by design; every other page but the last is at least half full."""
    for pdf in sorted(site.glob("*.pdf")):
        prefix = tmp_path / pdf.stem
        subprocess.run(["pdftoppm", "-r", "30", "-gray", str(pdf), str(prefix)], check=True)
        images = sorted(tmp_path.glob(f"{pdf.stem}-*.pgm"))
        fills = [_fill(p) for p in images]
        half_empty = [n for n, f in enumerate(fills, 1) if 1 < n < len(fills) and f < 0.5]
        assert not half_empty, f"{pdf.name}: pages {half_empty} are more than half empty " \
                               f"(fills {[round(f, 2) for f in fills]})"


def test_pairs_table_marks_shared_words_on_both_sides_and_still_searches(site):
    """Report 04's table of every matched pair highlights both sentences; a search finds a marked sentence."""
    from playwright.sync_api import sync_playwright

    page_file = site / "04-redundancy.html"
    if "evidence-sentence-pairs-csv" not in page_file.read_text(encoding="utf-8"):
        pytest.skip("no matched sentence pairs in this corpus")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.goto(page_file.as_uri(), wait_until="load")
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            table = page.locator("table#evidence-sentence-pairs-csv")
            heads = [h.strip() for h in table.locator("thead th").all_inner_texts()]
            a, b = heads.index("sentence A"), heads.index("sentence B")
            rows = table.locator("tbody tr")
            marked = [(rows.nth(i).locator("td").nth(a).locator("mark").count(),
                       rows.nth(i).locator("td").nth(b).locator("mark").count()) for i in range(rows.count())]
            assert any(x and y for x, y in marked), "no row has shared words marked on both sides"
            assert page.locator("table#evidence-sentence-pairs-csv mark script, "
                                "table#evidence-sentence-pairs-csv mark img").count() == 0
            row = next(i for i, (x, y) in enumerate(marked) if x and y)
            sentence = rows.nth(row).locator("td").nth(b).inner_text().strip()
            box = page.locator("div.dt-container", has=table).locator("div.dt-search input")
            box.fill(sentence)  # the whole sentence, across its <mark> boundaries
            page.wait_for_timeout(300)
            assert rows.count() >= 1 and sentence in [
                rows.nth(i).locator("td").nth(b).inner_text().strip() for i in range(rows.count())]
        finally:
            browser.close()
