"""Execute notebooks and render them to HTML and PDF (the Makefile's back end).

Usage::

    python -m analysis.build execute NOTEBOOK OUT.ipynb [--corpus DIR] [--params FILE]
    python -m analysis.build html EXECUTED.ipynb OUT.html
    python -m analysis.build pdf EXECUTED.ipynb OUT.pdf
    python -m analysis.build index EXECUTED_DIR OUT_DIR  # OUT_DIR/index.html
    python -m analysis.build NOTEBOOK --out DIR        # all three steps

Every output is written to a temporary file and moved into place, so a
failed step leaves the previous report untouched. Failures print one line
naming the notebook and the failing cell, and exit non-zero.

Every temporary file of a step (the kernel's connection file and sockets,
the browser's profile, the page it prints) lives in one private folder that
is removed on exit. SIGINT and SIGTERM stop the kernel and the browser,
remove that folder and print one line (exit status 130 or 143).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import shutil
import signal
import sys
import tempfile
from pathlib import Path

from .config import PACKAGE_DIR
from .errors import InputError
from .output import make_folders, remove_if_empty, write_atomic
from .site import point_data_links, report_title, write_index

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
    import papermill as pm
    from jupyter_client.manager import KernelManager
    from papermill.exceptions import PapermillExecutionError

    parameters = {
        "corpus_dir": str(Path(corpus).resolve()) if corpus else None,
        "params_file": str(Path(params).resolve()) if params else None,
    }
    created = make_folders(output.parent)
    tmp = output.with_name(f".{output.name}.tmp.ipynb")
    failed = output.with_name(f"{output.stem}.failed.ipynb")
    failed.unlink(missing_ok=True)
    try:
        # IPC sockets and the connection file (it holds the kernel's key) in a private
        # folder: no network ports, and nothing left behind.
        with tempfile.TemporaryDirectory(prefix="analysis-kernel-", dir=_socket_base()) as sockets:
            km = KernelManager(kernel_name="python3", transport="ipc",
                               ip=str(Path(sockets) / "kernel"),
                               connection_file=str(Path(sockets) / "kernel.json"))
            try:
                _in_worker(lambda: pm.execute_notebook(
                    str(notebook), str(tmp), parameters=parameters, cwd=str(notebook.parent),
                    progress_bar=False, kernel_name="python3", log_output=False, km=km),
                    on_interrupt=lambda: km.has_kernel and km.shutdown_kernel(now=True))
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
    except BaseException:
        tmp.unlink(missing_ok=True)
        remove_if_empty(created)  # a failed first build leaves no empty report folder
        raise
    else:
        _write_stamp(tmp, freshness_stamp(corpus, params))
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)


def _digest_files(files) -> str:
    """Short sha256 of the names and contents of `files` (paths, read in the order given)."""
    import hashlib

    h = hashlib.sha256()
    for path in files:
        h.update(os.fsencode(path.name) + b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()[:12]


def freshness_stamp(corpus: str | None, params: str | None, now=None) -> dict:
    """What a report was built from: corpus and parameter digests, package version, build time.

    The corpus digest covers the name and bytes of every file directly in the
    corpus folder (the files the analysis reads), so it changes exactly when
    the corpus does.
    """
    import datetime

    from . import __version__
    from .config import PROJECT_ROOT

    params_path = Path(params) if params else PROJECT_ROOT / "params.yaml"
    corpus_path = Path(corpus) if corpus else None
    if corpus_path is None:
        from .config import load_params, resolve_path

        with contextlib.suppress(Exception):  # the notebook itself reported any bad parameter
            corpus_path = resolve_path(load_params(params_path)["corpus"]["dir"])
    files = sorted((p for p in corpus_path.iterdir() if p.is_file()), key=lambda p: p.name) \
        if corpus_path and corpus_path.is_dir() else []
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return {
        "corpus": corpus_path.name if corpus_path else "",
        "corpus_files": len(files),
        "corpus_digest": _digest_files(files),
        "params_digest": _digest_files([params_path]) if params_path.is_file() else "",
        "version": __version__,
        "built": now.strftime("%Y-%m-%d %H:%M UTC"),
    }


def _write_stamp(executed: Path, stamp: dict) -> None:
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    nb.metadata["report"] = stamp
    nbformat.write(nb, executed)


def _socket_base() -> str | None:
    """Where the kernel's sockets can go: a Unix socket path holds at most 107 bytes."""
    base = tempfile.gettempdir()
    return base if len(os.fsencode(base)) <= 60 else ("/tmp" if os.path.isdir("/tmp") else None)


def _in_worker(work, on_interrupt):
    """Run `work()` in a thread while the main thread waits for signals.

    nbclient installs its own SIGINT/SIGTERM handlers when it runs in the main
    thread, and they swallow the signal; in a worker it installs none, so an
    interrupt reaches us: `on_interrupt` stops the kernel (which ends the
    worker's execution) and the interrupt propagates to :func:`main`.
    """
    import threading

    outcome: dict = {}

    def target():
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed to the main thread below
            outcome["error"] = exc

    worker = threading.Thread(target=target, name="execute", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.2)
    except KeyboardInterrupt:
        import logging

        logging.disable(logging.CRITICAL)  # the dying worker's complaints are not news
        on_interrupt()
        worker.join(15)
        raise
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


_STYLER_ID = re.compile(r'<table[^>]* id="(T_[0-9a-f]{5})"')


def _stable_ids(nb) -> None:
    """Replace the random ids a build puts into a notebook with ones that are the same every time.

    Papermill gives its injected-parameters cell a random id, and each pandas
    Styler table gets a random ``T_xxxxx`` id (used by its CSS); both would make
    two builds of unchanged inputs differ.
    """
    n = 0
    for cell in nb.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell["id"] = "injected-parameters"
        for out in cell.get("outputs", []):
            html = out.get("data", {}).get("text/html")
            if not html:
                continue
            text = "".join(html) if isinstance(html, list) else html
            for uuid in dict.fromkeys(_STYLER_ID.findall(text)):
                n += 1
                text = re.sub(rf"\b{uuid}(?=[_\s\"\.{{:,])", f"T_table{n}", text)
            out["data"]["text/html"] = text


def _report_notebook(executed: Path):
    """Read an executed notebook and drop what a reader should not see (stderr noise).

    Random ids are made stable (:func:`_stable_ids`), so unchanged inputs give the
    same HTML.
    """
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    _stable_ids(nb)
    _figure_alt_text(nb)
    nb.metadata.setdefault("report", {})
    nb.metadata["report"]["title"] = nb.metadata["title"] = report_title(nb)
    return nb


_FIGURE_CAPTION = re.compile(r"^\s*\**Figure\s+\d+", re.I)


def _figure_alt_text(nb) -> None:
    """Give each image the text of the "Figure N." caption that follows it, as its alt text.

    The template writes ``metadata["alt"]`` into the ``<img>``; an image with no
    caption after it (before the next image) gets a generic description.
    """
    from .site import plain_text

    pending = []
    for cell in nb.cells:
        texts = [cell.source] if cell.cell_type == "markdown" else []
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = out.get("data", {})
            if "image/png" in data or "image/jpeg" in data:
                for earlier in pending:
                    earlier.setdefault("metadata", {})["alt"] = "Figure (no caption)"
                pending = [out]
                continue
            text = data.get("text/markdown")
            if text:
                texts.append("".join(text) if isinstance(text, list) else text)
        for text in texts:
            if pending and _FIGURE_CAPTION.match(text):
                for out in pending:
                    out.setdefault("metadata", {})["alt"] = plain_text(text)
                pending = []
    for out in pending:
        out.setdefault("metadata", {})["alt"] = "Figure (no caption)"


def _exporter_config():
    from traitlets.config import Config

    c = Config()
    c.TemplateExporter.exclude_input = True
    c.TemplateExporter.exclude_input_prompt = True
    c.TemplateExporter.exclude_output_prompt = True
    c.TemplateExporter.extra_template_basedirs = [str(TEMPLATE_DIR)]
    c.TemplateExporter.template_name = "report"
    return c


_HEADING = re.compile(r'<h([23])\s+id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_TOC_MARK = "<!--report-toc-->"


def _toc(html: str) -> str:
    """A table of contents (``<nav>``) of the ``h2``/``h3`` headings in a rendered report."""
    items: list[tuple[int, str, str]] = []
    for level, anchor, inner in _HEADING.findall(html):
        inner = re.sub(r'<a class="anchor-link".*?</a>', "", inner, flags=re.S)
        text = re.sub(r"<[^>]+>", "", inner).strip()
        if text:
            items.append((int(level), anchor, text))
    if not items:
        return ""
    out, open_sub = ['<h2 class="toc-title">Contents</h2>', "<ol>"], False
    for level, anchor, text in items:
        if level == 3 and not open_sub:
            out.append("<ol>")
            open_sub = True
        elif level == 2 and open_sub:
            out.append("</ol>")
            open_sub = False
        # `text` comes from rendered HTML, so it is already escaped.
        out.append(f'<li><a href="#{anchor}">{text}</a></li>')
    out.append("</ol></ol>" if open_sub else "</ol>")
    return "".join(out)


_CSV_CODE = re.compile(r'(?<!">)<code>([A-Za-z0-9_.-]+\.csv)</code>')


def _finish_html(html: str, data: Path | None = None) -> str:
    """Link each CSV the prose names to ``data/``; fill in the table of contents.

    The contents go on the title page (print) and after the title (screen).
    With `data` (the report's data folder), a link to a table written gzipped
    (``x.csv.gz``) points at that file.
    """
    html = _CSV_CODE.sub(r'<a href="data/\1"><code>\1</code></a>', html)
    if data is not None:
        html = point_data_links(html, data)
    toc = _toc(html)
    if not toc:
        return html.replace(_TOC_MARK, "")
    html = html.replace(_TOC_MARK, f'<nav class="toc" aria-label="Contents">{toc}</nav>', 1)
    # The notebook's own first <h1> follows the title page; the screen copy goes after it.
    start = html.find("</header>")
    end = html.find("</h1>", start + 1) if start >= 0 else -1
    if end >= 0:
        cut = end + len("</h1>")
        html = (html[:cut] + f'<nav class="toc in-body" aria-label="Contents">{toc}</nav>'
                + html[cut:])
    return html


def render_html(executed: Path, output: Path) -> None:
    """Render an executed notebook to a self-contained HTML report (code hidden)."""
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter(config=_exporter_config()).from_notebook_node(_report_notebook(executed))
    write_atomic(output, _finish_html(body, output.parent / "data"))


def _make_pdf_exporter(title: str = "", data: Path | None = None):
    from nbconvert.exporters.webpdf import WebPDFExporter

    class ChromiumPDFExporter(WebPDFExporter):
        """nbconvert's WebPDF exporter, printing with the system's Chromium on A4 pages."""

        def run_playwright(self, html):
            return _run_until_signal(_print_pdf(_finish_html(html, data), find_chromium(), title))

    return ChromiumPDFExporter(config=_exporter_config())


def _run_until_signal(coro):
    """`asyncio.run(coro)`, where SIGTERM or SIGINT cancels `coro` and then raises.

    A signal raised as an exception from inside the event loop would skip the
    coroutine's cleanup (closing Chromium, stopping the Playwright driver), and
    the dying processes would go on writing into the private temporary folder
    after it was removed. Cancelling the task lets every ``finally`` run first.
    """
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    received: list[int] = []

    async def guarded():
        loop, task = asyncio.get_running_loop(), asyncio.current_task()

        def on_signal(signum):
            if not received:  # once is enough: a second signal must not cut the cleanup short
                received.append(signum)
                task.cancel()

        for sig in saved:
            loop.add_signal_handler(sig, on_signal, sig)
        try:
            return await coro
        except asyncio.CancelledError:
            if received:
                raise _Interrupted(received[0]) from None
            raise
        finally:
            for sig, handler in saved.items():
                loop.remove_signal_handler(sig)
                signal.signal(sig, handler)

    return asyncio.run(guarded())


def _page_footer(title: str) -> str:
    """Chromium's footer template: the report title and "page N of M" on every page."""
    from html import escape

    style = ("font-family: 'DejaVu Sans', Helvetica, Arial, sans-serif; font-size: 8pt; color: #57606a;"
             " width: 100%; margin: 0 14mm; display: flex; justify-content: space-between;")
    return (f'<div style="{style}"><span>{escape(title)}</span>'
            '<span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>')


async def _print_pdf(html: str, chromium: str, title: str = "") -> bytes:
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
                                      display_header_footer=True, header_template="<span></span>",
                                      footer_template=_page_footer(title), outline=True, tagged=True,
                                      margin={"top": "16mm", "bottom": "18mm",
                                              "left": "14mm", "right": "14mm"})
            finally:
                await browser.close()


def render_pdf(executed: Path, output: Path) -> None:
    """Render an executed notebook to a PDF report via nbconvert and Chromium."""
    nb = _report_notebook(executed)
    data, _ = _make_pdf_exporter(nb.metadata["title"], output.parent / "data").from_notebook_node(nb)
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
    p = sub.add_parser("index", help="write the landing page OUT_DIR/index.html")
    p.add_argument("executed", type=Path, help="folder of executed notebooks")
    p.add_argument("output", type=Path, help="the report folder")
    p = sub.add_parser("report", help="execute and render one notebook")
    p.add_argument("notebook", type=Path)
    p.add_argument("--out", type=Path, default=Path("reports"))
    p.add_argument("--corpus")
    p.add_argument("--params")
    args = parser.parse_args(argv)
    with private_tmpdir():
        try:
            signal.signal(signal.SIGTERM, _raise_interrupt)
            if args.step == "execute":
                execute(args.notebook, args.output, args.corpus, args.params)
            elif args.step == "html":
                render_html(args.executed, args.output)
            elif args.step == "pdf":
                render_pdf(args.executed, args.output)
            elif args.step == "index":
                write_index(args.executed, args.output)
            else:
                for path in build_report(args.notebook, args.out, args.corpus, args.params):
                    print(path)
        except (BuildError, InputError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        except (OSError, ValueError) as exc:  # unreadable or malformed notebook, full disk
            detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            print(f"error: {args.step} of {getattr(args, 'notebook', None) or args.executed} "
                  f"failed: {detail}", file=sys.stderr)
            return 1
        except _Interrupted as exc:
            print(f"interrupted: stopped {args.step} of "
                  f"{getattr(args, 'notebook', None) or args.executed} (signal {exc.name})",
                  file=sys.stderr)
            return 128 + exc.signum
        except KeyboardInterrupt:
            print(f"interrupted: stopped {args.step} of "
                  f"{getattr(args, 'notebook', None) or args.executed} (signal SIGINT)",
                  file=sys.stderr)
            return 130
    return 0


class _Interrupted(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that every ``finally`` cleans up."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum
        self.name = signal.Signals(signum).name


def _raise_interrupt(signum, frame):
    # Once is enough: a second signal must not cut the cleanup short.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise _Interrupted(signum)


@contextlib.contextmanager
def private_tmpdir():
    """Point every temporary file of this process and its children at one private folder.

    The kernel, the Playwright driver and Chromium all honour ``TMPDIR``; the
    folder (mode 0700) is removed on exit, whatever the exit.
    """
    folder = tempfile.mkdtemp(prefix="analysis-build-")
    saved_env, saved_dir = os.environ.get("TMPDIR"), tempfile.tempdir
    os.environ["TMPDIR"] = folder
    tempfile.tempdir = folder
    try:
        yield Path(folder)
    finally:
        tempfile.tempdir = saved_dir
        if saved_env is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved_env
        _remove_tree(folder)


def _remove_tree(folder: str, patience: float = 10.0) -> None:
    """Remove `folder` once the children that write into it have exited.

    After an interrupt, the Playwright driver and Chromium exit on their own a
    moment later, and until then may create files in the folder (and the
    folder itself) while we delete it; so wait for them, stop any that linger,
    and retry the removal while they finish.
    """
    import time

    import psutil

    children = psutil.Process().children(recursive=True)
    _, alive = psutil.wait_procs(children, timeout=patience / 2)
    for proc in alive:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    psutil.wait_procs(alive, timeout=patience / 2)
    deadline = time.monotonic() + patience
    while True:
        shutil.rmtree(folder, ignore_errors=True)
        if not os.path.exists(folder) or time.monotonic() > deadline:
            return
        time.sleep(0.1)


if __name__ == "__main__":
    sys.exit(main())
