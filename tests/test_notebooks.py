"""Every notebook runs on a small fixture corpus, and the report pipeline is safe."""

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from analysis import build
from conftest import MINI, ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs_and_paired(nb):
    data = nbformat.read(nb, as_version=4)
    code = [c for c in data.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert "corpus_dir = None" in tagged[0].source and "params_file = None" in tagged[0].source
    # The jupytext twin holds the same cells.
    import jupytext
    twin = jupytext.read(nb.with_suffix(".py"))
    assert [c.source for c in twin.cells] == [c.source for c in data.cells]


@pytest.mark.slow
@pytest.mark.notebooks
@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_on_fixture_corpus(nb, tmp_path):
    out = tmp_path / "executed.ipynb"
    build.execute(nb, out, corpus=str(MINI))
    executed = nbformat.read(out, as_version=4)
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert all(o.output_type != "error" for c in code for o in c.outputs)
    assert any(o.get("data", {}).get("image/png") for c in code for o in c.outputs), "no figure"
    html = tmp_path / "report.html"
    build.render_html(out, html)
    page = html.read_text(encoding="utf-8")
    assert "Traceback" not in page
    # Corpus text with HTML/LaTeX specials is printed literally, never as markup.
    assert "<tags>" not in page and "<Benefits>" not in page


@pytest.mark.slow
@pytest.mark.notebooks
@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_on_one_document(nb, tmp_path):
    corpus = tmp_path / "single"
    corpus.mkdir()
    (corpus / "alpha.txt").write_bytes((MINI / "alpha.txt").read_bytes())
    out = tmp_path / "executed.ipynb"
    build.execute(nb, out, corpus=str(corpus))
    executed = nbformat.read(out, as_version=4)
    text = json.dumps([o for c in executed.cells if c.cell_type == "code" for o in c.outputs])
    assert "only one document" in text  # the corpus warning reaches the reader


@pytest.mark.slow
@pytest.mark.notebooks
def test_overview_report_html_and_pdf(tmp_path):
    nb = ROOT / "notebooks" / "01-corpus-overview.ipynb"
    paths = build.build_report(nb, tmp_path, corpus=str(MINI))
    html, pdf = (p.read_bytes() for p in paths)
    assert b"Costs &amp; &lt;Benefits&gt; of $Reform_1" in html  # a heading, shown literally
    assert b"cdnjs" not in html and b"<script src=" not in html  # self-contained, no network
    assert b'src="data:image/png;base64' in html
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 2


def _failing_notebook(path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("corpus_dir = None\nparams_file = None",
                                          metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("x = 1"),
                nbformat.v4.new_code_cell("raise ValueError('planted failure')")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


@pytest.mark.slow
def test_failed_execution_keeps_previous_output(tmp_path):
    nb = _failing_notebook(tmp_path / "bad.ipynb")
    previous = tmp_path / "out.ipynb"
    previous.write_text("previous good report")
    proc = subprocess.run([sys.executable, "-m", "analysis.build", "execute", str(nb), str(previous)],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert previous.read_text() == "previous good report"
    err = [ln for ln in proc.stderr.splitlines() if ln.startswith("error:")]
    assert err and "failed in cell 3" in err[0] and "ValueError: planted failure" in err[0]
    assert not list(tmp_path.glob(".*tmp*"))
    # The half-run notebook is kept beside the good one, with the traceback in it.
    failed = tmp_path / "out.failed.ipynb"
    assert str(failed) in err[0]
    outputs = [o for c in nbformat.read(failed, as_version=4).cells for o in c.get("outputs", [])]
    assert any(o.get("ename") == "ValueError" for o in outputs)


def test_missing_chromium_message(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("CHROMIUM_PATH", raising=False)
    with pytest.raises(build.BuildError, match="apt-get install chromium"):
        build.find_chromium()
