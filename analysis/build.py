"""Execute notebooks and render them to HTML and PDF (the Makefile's back end).

Usage::

    python -m analysis.build execute NOTEBOOK OUT.ipynb [--corpus DIR] [--params FILE]
    python -m analysis.build html EXECUTED.ipynb OUT.html
    python -m analysis.build pdf EXECUTED.ipynb OUT.pdf
    python -m analysis.build NOTEBOOK --out DIR        # all three steps

Every output is written to a temporary file and moved into place, so a
failed step leaves the previous report untouched. Failures print one line
naming the notebook and the failing cell, and exit non-zero.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
from pathlib import Path

from .config import PACKAGE_DIR
from .output import write_atomic

TEMPLATE_DIR = PACKAGE_DIR / "templates"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class BuildError(Exception):
    """A build step failed; the message is one line for the user."""


def find_chromium() -> str:
    """Path of a Chromium-family browser for PDF printing.

    ``$CHROMIUM_PATH`` wins; otherwise the usual executable names on PATH.

    Raises
    ------
    BuildError
        With the package to install when none is found.
    """
    env = os.environ.get("CHROMIUM_PATH")
    if env:
        if Path(env).is_file():
            return env
        raise BuildError(f"CHROMIUM_PATH={env} does not exist")
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise BuildError("PDF rendering needs Chromium: install it with "
                     "'sudo apt-get install chromium' (Debian/Ubuntu), or set CHROMIUM_PATH")


def execute(notebook: Path, output: Path, corpus: str | None = None,
            params: str | None = None) -> None:
    """Run `notebook` with papermill, injecting the corpus and parameter file.

    Parameters
    ----------
    notebook : Path
    output : Path
        The executed notebook; written only when every cell succeeded.
    corpus, params : str, optional
        Injected as ``corpus_dir`` and ``params_file`` (made absolute).
    """
    import tempfile

    import papermill as pm
    from jupyter_client.manager import KernelManager
    from papermill.exceptions import PapermillExecutionError

    parameters = {
        "corpus_dir": str(Path(corpus).resolve()) if corpus else None,
        "params_file": str(Path(params).resolve()) if params else None,
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.tmp.ipynb")
    failed = output.with_name(f"{output.stem}.failed.ipynb")
    failed.unlink(missing_ok=True)
    try:
        # IPC sockets in a private folder: no network ports, and no TCP warning.
        with tempfile.TemporaryDirectory(prefix="analysis-kernel-") as sockets:
            km = KernelManager(kernel_name="python3", transport="ipc",
                               ip=str(Path(sockets) / "kernel"))
            try:
                pm.execute_notebook(str(notebook), str(tmp), parameters=parameters,
                                    cwd=str(notebook.parent), progress_bar=False,
                                    kernel_name="python3", log_output=False, km=km)
            finally:
                # A kernel manager passed in is ours to stop, not nbclient's.
                if km.has_kernel:
                    km.shutdown_kernel(now=True)
    except PapermillExecutionError as exc:
        # Keep the half-run notebook beside, not over, the last good one.
        if tmp.exists():
            os.replace(tmp, failed)
        detail = f"{exc.ename}: {exc.evalue}".strip().splitlines()[0]
        raise BuildError(f"{notebook} failed in cell {exc.cell_index} "
                         f"(execution count {exc.exec_count}): {detail} "
                         f"[traceback in {failed}]") from None
    else:
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)


def _report_notebook(executed: Path):
    """Read an executed notebook and drop what a reader should not see (stderr noise)."""
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    return nb


def _exporter_config():
    from traitlets.config import Config

    c = Config()
    c.TemplateExporter.exclude_input = True
    c.TemplateExporter.exclude_input_prompt = True
    c.TemplateExporter.exclude_output_prompt = True
    c.TemplateExporter.extra_template_basedirs = [str(TEMPLATE_DIR)]
    c.TemplateExporter.template_name = "report"
    return c


def render_html(executed: Path, output: Path) -> None:
    """Render an executed notebook to a self-contained HTML report (code hidden)."""
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter(config=_exporter_config()).from_notebook_node(_report_notebook(executed))
    write_atomic(output, body)


def _make_pdf_exporter():
    from nbconvert.exporters.webpdf import WebPDFExporter

    class ChromiumPDFExporter(WebPDFExporter):
        """nbconvert's WebPDF exporter, printing with the system's Chromium on A4 pages."""

        def run_playwright(self, html):
            return asyncio.run(_print_pdf(html, find_chromium()))

    return ChromiumPDFExporter(config=_exporter_config())


async def _print_pdf(html: str, chromium: str) -> bytes:
    import tempfile

    from playwright.async_api import async_playwright

    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"]
    with tempfile.TemporaryDirectory() as tmp:
        page_file = Path(tmp) / "report.html"
        page_file.write_text(html, encoding="utf-8")
        async with async_playwright() as p:
            try:
                browser = await p.chromium.launch(executable_path=chromium, args=args)
            except Exception as exc:  # playwright raises its own Error types
                raise BuildError(f"could not start Chromium at {chromium}: "
                                 f"{str(exc).splitlines()[0]}") from None
            try:
                page = await browser.new_page()
                await page.emulate_media(media="print")
                await page.goto(page_file.as_uri(), wait_until="load")
                return await page.pdf(format="A4", print_background=True, prefer_css_page_size=True,
                                      margin={"top": "16mm", "bottom": "18mm",
                                              "left": "14mm", "right": "14mm"})
            finally:
                await browser.close()


def render_pdf(executed: Path, output: Path) -> None:
    """Render an executed notebook to a PDF report via nbconvert and Chromium."""
    data, _ = _make_pdf_exporter().from_notebook_node(_report_notebook(executed))
    write_atomic(output, data)


def build_report(notebook: Path, out: Path, corpus: str | None = None,
                 params: str | None = None) -> list[Path]:
    """Execute `notebook`, then write ``NAME.html`` and ``NAME.pdf`` into `out`."""
    name = notebook.stem
    executed = out / ".executed" / f"{name}.ipynb"
    execute(notebook, executed, corpus, params)
    html, pdf = out / f"{name}.html", out / f"{name}.pdf"
    render_html(executed, html)
    render_pdf(executed, pdf)
    return [html, pdf]


def main(argv: list[str] | None = None) -> int:
    """Command line for the build steps; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0].endswith(".ipynb"):
        argv.insert(0, "report")
    parser = argparse.ArgumentParser(prog="python -m analysis.build", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="step", required=True)
    p = sub.add_parser("execute", help="run a notebook with papermill")
    p.add_argument("notebook", type=Path)
    p.add_argument("output", type=Path)
    p.add_argument("--corpus", help="corpus folder (default: corpus.dir in the parameter file)")
    p.add_argument("--params", help="parameter file (default: params.yaml)")
    for step in ("html", "pdf"):
        p = sub.add_parser(step, help=f"render an executed notebook to {step.upper()}")
        p.add_argument("executed", type=Path)
        p.add_argument("output", type=Path)
    p = sub.add_parser("report", help="execute and render one notebook")
    p.add_argument("notebook", type=Path)
    p.add_argument("--out", type=Path, default=Path("reports"))
    p.add_argument("--corpus")
    p.add_argument("--params")
    args = parser.parse_args(argv)
    try:
        if args.step == "execute":
            execute(args.notebook, args.output, args.corpus, args.params)
        elif args.step == "html":
            render_html(args.executed, args.output)
        elif args.step == "pdf":
            render_pdf(args.executed, args.output)
        else:
            for path in build_report(args.notebook, args.out, args.corpus, args.params):
                print(path)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
