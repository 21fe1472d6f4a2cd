"""Edge cases of issue 12: colliding stems, encodings, links, partial outputs, labels as text."""

import os
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis import InputError, corpus_summary, document_stats, load_corpus  # noqa: E402
from analysis.cli import main  # noqa: E402
from conftest import ROOT  # noqa: E402

FAST = "redundancy: {backend: lexical}\ntopics: {n_seeds: 2, k_max: 3}\n"


def run_cli(*args, cwd=ROOT / "tests"):
    proc = subprocess.run([sys.executable, "-m", "analysis", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd)
    return proc.returncode, proc.stdout, proc.stderr


def write(folder, name, data):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def fast_params(tmp_path):
    p = tmp_path / "fast.yaml"
    p.write_text(FAST)
    return p


def colliding_corpus(folder):
    write(folder, "a.txt", "Alpha Heading\nPolice training builds trust in the community. "
                           "Oversight of the police matters a great deal.\n")
    write(folder, "a.md", "# Beta\nCourts need funding and judges need protection from "
                          "pressure by the executive.\n")
    write(folder, "A.TXT", "Gamma Heading\nElections are run by independent commissions in "
                           "many states of the region.\n")
    return folder


# --------------------------------------------------------------------------- document ids

def test_colliding_stems_keep_their_suffix(tmp_path):
    corpus = load_corpus(colliding_corpus(tmp_path / "c"))
    assert corpus.doc_ids == ["A.TXT", "a.md", "a.txt"]
    assert corpus.sentences.sentence_id.is_unique
    assert any("3 files share the name 'A'" in w and "A.TXT, a.md, a.txt" in w
               for w in corpus.warnings)


def test_ids_are_stable_and_plain_stems_stay(tmp_path):
    folder = colliding_corpus(tmp_path / "c")
    write(folder, "b.txt", "Delta Heading\nSomething else entirely is said here.\n")
    first = load_corpus(folder).doc_ids
    assert first == load_corpus(folder).doc_ids
    assert "b" in first                       # no collision: the stem alone
    write(folder, "a.md.txt", "Epsilon\nA stem that equals another id is numbered.\n")
    ids = load_corpus(folder).doc_ids
    assert len(set(ids)) == len(ids) and "a.md-2" in ids


def test_colliding_stems_through_analysis_all(tmp_path):
    folder = colliding_corpus(tmp_path / "c")
    out = tmp_path / "out"
    rc, _, err = run_cli("all", folder, "--out", out, "--params", fast_params(tmp_path))
    assert rc == 0, err
    assert "Traceback" not in err
    assert "warning: 3 files share the name 'A'" in err
    docs = pd.read_csv(out / "documents.csv")
    assert sorted(docs.doc_id) == ["A.TXT", "a.md", "a.txt"]
    assert pd.read_csv(out / "sentences.csv").sentence_id.is_unique
    assert set(pd.read_csv(out / "theme_counts.csv").doc_id) <= set(docs.doc_id)


# --------------------------------------------------------------------------- encodings

TEXT = "Caf\u00e9 Policy\nThe caf\u00e9 \u201cquote\u201d stays, na\u00efve or not.\n"


@pytest.mark.parametrize("codec, name", [("utf-16", "utf-16"), ("utf-32", "utf-32"),
                                         ("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be")])
def test_utf16_and_utf32_are_read(tmp_path, codec, name):
    data = TEXT.encode(codec)
    if codec.endswith(("-le", "-be")):   # without a byte order mark
        assert not data.startswith((b"\xff\xfe", b"\xfe\xff"))
    write(tmp_path, "wide.txt", data)
    corpus = load_corpus(tmp_path)
    doc = corpus.doc("wide")
    assert doc.text == TEXT and doc.encoding == name
    assert any(f"'wide.txt' is not UTF-8: decoded as {name}" in w for w in corpus.warnings)


def test_utf8_bom_is_utf8(tmp_path):
    write(tmp_path, "bom.txt", b"\xef\xbb\xbf" + TEXT.encode())
    corpus = load_corpus(tmp_path)
    assert corpus.doc("bom").text == TEXT and corpus.warnings == [
        w for w in corpus.warnings if "not UTF-8" not in w]


def test_detected_encoding_is_named(tmp_path):
    russian = ("Заголовок\nМиротворческие операции требуют ясного мандата, достаточных "
               "ресурсов и поддержки местного населения.\n")
    write(tmp_path, "ru.txt", russian.encode("cp1251"))
    corpus = load_corpus(tmp_path)
    assert corpus.doc("ru").text == russian
    assert any("'ru.txt' is not UTF-8: decoded as cp1251" in w for w in corpus.warnings)


def test_short_western_text_prefers_the_fallback(tmp_path):
    write(tmp_path, "w.txt", TEXT.encode("cp1252"))
    assert load_corpus(tmp_path).doc("w").encoding == "cp1252"


# --------------------------------------------------------------------------- links

def test_looping_and_broken_links_are_warned(tmp_path):
    write(tmp_path, "a.txt", "Heading\nReal text lives here.\n")
    os.symlink("loop.txt", tmp_path / "loop.txt")
    os.symlink("missing.txt", tmp_path / "broken.txt")
    corpus = load_corpus(tmp_path)
    assert corpus.doc_ids == ["a"]
    assert "skipped 'loop.txt': a broken or looping symbolic link" in corpus.warnings
    assert "skipped 'broken.txt': a broken or looping symbolic link" in corpus.warnings


def test_extensions_as_text_to_load_corpus(tmp_path):
    write(tmp_path, "a.txt", "Heading\nReal text lives here.\n")
    assert load_corpus(tmp_path, extensions=".txt").doc_ids == ["a"]


# --------------------------------------------------------------------------- all-or-nothing

def _two_corpora(tmp_path):
    old = write(tmp_path / "old", "old.txt", "Old Heading\nThe old corpus says this.\n").parent
    new = write(tmp_path / "new", "new.txt", "New Heading\nThe new corpus says that.\n").parent
    return old, new


@pytest.mark.parametrize("failure", [InputError("planted failure"), KeyboardInterrupt()])
def test_failed_all_leaves_previous_folder(tmp_path, monkeypatch, capsys, failure):
    old, new = _two_corpora(tmp_path)
    out = tmp_path / "out"
    params = fast_params(tmp_path)
    assert main(["all", str(old), "--out", str(out), "--params", str(params)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert "topic_model.csv" in before and "novelty.csv" in before

    import analysis.commands.redundancy as red

    def boom(*a, **k):
        raise failure
    monkeypatch.setattr(red, "run", boom)   # overview, themes and topics succeed first
    rc = main(["all", str(new), "--out", str(out), "--params", str(params)])
    assert rc in (2, 130)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_all_replaces_every_table(tmp_path):
    old, new = _two_corpora(tmp_path)
    out = tmp_path / "out"
    params = fast_params(tmp_path)
    assert main(["all", str(old), "--out", str(out), "--params", str(params)]) == 0
    (out / "stale.csv").write_text("x\n1\n")
    (out / ".complete").touch()
    assert main(["all", str(new), "--out", str(out), "--params", str(params)]) == 0
    assert not (out / "stale.csv").exists() and not (out / ".complete").exists()
    assert list(pd.read_csv(out / "documents.csv").doc_id) == ["new"]
    assert list(pd.read_csv(out / "novelty.csv").doc_id) == ["new"]


def test_all_keeps_other_files_in_a_shared_folder(tmp_path):
    _, new = _two_corpora(tmp_path)
    out = tmp_path / "shared"
    write(out, "notes.odt", b"user file")
    assert main(["all", str(new), "--out", str(out), "--params", str(fast_params(tmp_path))]) == 0
    assert (out / "notes.odt").read_bytes() == b"user file"
    assert (out / "documents.csv").exists()


def test_failed_all_creates_no_folder(tmp_path, monkeypatch):
    _, new = _two_corpora(tmp_path)
    import analysis.commands.topics as top

    monkeypatch.setattr(top, "run", lambda *a: (_ for _ in ()).throw(InputError("planted")))
    out = tmp_path / "reports" / "name" / "data"
    assert main(["all", str(new), "--out", str(out), "--params", str(fast_params(tmp_path))]) == 2
    assert not (tmp_path / "reports").exists()


# --------------------------------------------------------------------------- figures

def test_labels_are_never_mathtext():
    from analysis.plots import apply_style, plot_document_lengths

    with matplotlib.rc_context():      # the style must not leak into other tests
        apply_style()
        name = r"$\input{etc}$"
        stats = pd.DataFrame({"doc_id": [name, "b"], "words": [10, 20]})
        ax = plot_document_lengths(stats)
        ax.set_title(r"costs in $ and $\alpha$")
        ax.figure.canvas.draw()            # mathtext would raise ValueError here
        assert name in [t.get_text() for t in ax.get_yticklabels()]
        plt.close(ax.figure)


def test_labels_are_text_even_without_the_style():
    from analysis.plots import plot_section_lengths

    with matplotlib.rc_context({"text.parse_math": True}):
        sections = pd.DataFrame({"doc_id": [r"$\frac{$", "b"], "words": [3, 4]})
        ax = plot_section_lengths(sections)
        ax.figure.canvas.draw()
        plt.close(ax.figure)


def test_strip_plot_jitter_is_seeded():
    from analysis.plots import plot_section_lengths

    sections = pd.DataFrame({"doc_id": ["a"] * 5 + ["b"] * 5, "words": range(10)})

    def offsets(seed):
        np.random.seed(seed)        # another random state before each figure
        ax = plot_section_lengths(sections)
        pts = np.vstack([c.get_offsets() for c in ax.collections])
        plt.close(ax.figure)
        return pts

    assert np.array_equal(offsets(1), offsets(2))
    # ... and the caller's random state is left as it was.
    np.random.seed(5)
    before = np.random.random()
    np.random.seed(5)
    plot_section_lengths(sections)
    assert np.random.random() == before


# --------------------------------------------------------------------------- degenerate corpora

def _headings_only(folder):
    write(folder, "h.txt", "Introduction\nBackground\nConclusion\n")
    write(folder, "g.md", "# Only\n## Headings\n")
    return folder


def test_headings_only_statistics(tmp_path):
    corpus = load_corpus(_headings_only(tmp_path))
    assert any("hold headings but no body text" in w for w in corpus.warnings)
    summary = corpus_summary(document_stats(corpus))
    assert summary["sentences"] == 0 and summary["most_readable"] is None
    assert np.isnan(summary["mean_sentence_words"]) and np.isnan(summary["length_ratio"])


def test_mixed_corpus_mean_ignores_empty_documents(tmp_path):
    _headings_only(tmp_path)
    write(tmp_path, "s.txt", "Peacekeeping works well. Oversight matters a lot here.\n")
    stats = document_stats(load_corpus(tmp_path))
    summary = corpus_summary(stats)
    assert summary["mean_sentence_words"] == pytest.approx(4.0)   # 3 and 5 words
    assert summary["most_readable"] == "s" and summary["longest"] == "s"


@pytest.mark.parametrize("make", ["headings", "one_sentence"])
def test_degenerate_corpus_through_analysis_all(tmp_path, make):
    folder = tmp_path / "c"
    if make == "headings":
        _headings_only(folder)
    else:
        write(folder, "s.txt", "Peacekeeping works.\n")
    rc, _, err = run_cli("all", folder, "--out", tmp_path / "out", "--params",
                         fast_params(tmp_path))
    assert rc == 0, err
    assert "Traceback" not in err


# --------------------------------------------------------------------------- progress bars

@pytest.mark.semantic
def test_model_loading_prints_no_progress_bar():
    from analysis.embeddings import semantic_available

    if not semantic_available():
        pytest.skip("the sentence-embedding model is not installed")
    code = ("from analysis.embeddings import _load_semantic, semantic_model_path\n"
            "_load_semantic(semantic_model_path())\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT / "tests")
    assert proc.returncode == 0, proc.stderr
    assert "it/s" not in proc.stderr and "%|" not in proc.stderr


# --------------------------------------------------------------------------- interrupts

def _sleeping_notebook(path):
    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / "01-corpus-overview.ipynb", as_version=4)
    nb.cells = [nbformat.v4.new_code_cell("params_file = None\ncorpus_dir = None",
                                          metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("import time\ntime.sleep(300)")]
    nbformat.write(nb, path)
    return path


def _processes() -> str:
    """The command lines of every running process."""
    return subprocess.run(["ps", "-ww", "-eo", "args"], capture_output=True, text=True).stdout


def _wait_for(predicate, seconds=60):
    import time

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.0, 2.0])
@pytest.mark.parametrize("sig, code", [("SIGINT", 130), ("SIGTERM", 143)])
def test_interrupted_execute_stops_kernel_and_cleans_up(tmp_path, sig, code, delay):
    import signal
    import time

    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="t", dir="/tmp"))  # short: sockets live below it
    nb = _sleeping_notebook(tmp_path / "sleep.ipynb")
    out = tmp_path / "reports" / "x" / ".executed" / "sleep.ipynb"
    # A shell without job control starts background jobs with SIGINT ignored, and
    # Python then never raises KeyboardInterrupt; Ctrl-C at a terminal is what we test.
    proc = subprocess.Popen([sys.executable, "-m", "analysis.build", "execute", str(nb), str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "TMPDIR": str(tmp)}, cwd=ROOT / "tests",
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    # The kernel is running once it has bound its sockets in the private folder.
    assert _wait_for(lambda: len(list(tmp.glob("analysis-build-*/analysis-kernel-*/kernel-*"))) >= 5)
    time.sleep(delay)   # 0: while the kernel client starts up; 2: while the cell runs
    kernel_json = next(tmp.glob("analysis-build-*/analysis-kernel-*/kernel.json"))
    assert str(kernel_json) in _processes()
    proc.send_signal(getattr(signal, sig))
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code
    assert err.strip().splitlines() == [f"interrupted: stopped execute of {nb} (signal {sig})"]
    assert list(tmp.iterdir()) == []                        # private folder removed
    tmp.rmdir()
    assert not (tmp_path / "reports").exists()               # no empty report folder
    assert _wait_for(lambda: str(kernel_json) not in _processes(), 10)   # kernel stopped


@pytest.mark.slow
@pytest.mark.parametrize("sig, code", [("SIGTERM", 143), ("SIGINT", 130)])
def test_interrupted_pdf_stops_browser_and_cleans_up(tmp_path, sig, code):
    import signal

    from analysis.build import BuildError, find_chromium

    try:
        find_chromium()
    except BuildError:
        pytest.skip("needs Chromium")
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A report\n\nText.")])
    executed = tmp_path / "done.ipynb"
    nbformat.write(nb, executed)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "analysis.build", "pdf", str(executed),
                             str(tmp_path / "out.pdf")], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "TMPDIR": str(tmp)}, cwd=ROOT / "tests",
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    started = _wait_for(lambda: list(tmp.glob("analysis-build-*/playwright*profile*")), 60)
    if not started:          # printing finished before we could interrupt it
        proc.communicate(timeout=60)
        pytest.skip("the PDF was printed before the browser could be interrupted")
    proc.send_signal(getattr(signal, sig))
    _, err = proc.communicate(timeout=60)
    assert proc.returncode in (0, code)
    if proc.returncode == code:
        assert err.strip().splitlines() == [f"interrupted: stopped pdf of {executed} (signal {sig})"]
    else:
        assert err.strip() == ""
    # Chromium and the driver are stopped before the private folder goes, so
    # nothing they write on their way out can leave it behind.
    assert list(tmp.iterdir()) == []
    assert _wait_for(lambda: str(tmp) not in _processes(), 10)             # browser stopped


@pytest.mark.slow
@pytest.mark.notebooks
@pytest.mark.parametrize("kind, expect", [
    ("headings", "cannot be computed"),
    ("one_sentence", "With a single sentence there is no spread to show"),
    ("tex_name", r"$\input{etc}$.txt"),           # the file name, as text in the document key
])
def test_overview_notebook_renders_degenerate_corpora(tmp_path, kind, expect):
    import nbformat

    folder = tmp_path / "c"
    if kind == "headings":
        _headings_only(folder)
    elif kind == "tex_name":
        write(folder, r"$\input{etc}$.txt", "Heading\nA sentence of text. And another one here.\n")
        write(folder, "b.txt", "Other Heading\nDifferent words in this file.\n")
    else:
        write(folder, "s.txt", "Peacekeeping works.\n")
    out = tmp_path / "01.ipynb"
    proc = subprocess.run([sys.executable, "-m", "analysis.build", "execute",
                           str(ROOT / "notebooks" / "01-corpus-overview.ipynb"), str(out),
                           "--corpus", str(folder)], capture_output=True, text=True,
                          cwd=ROOT / "tests")
    assert proc.returncode == 0, proc.stderr
    prose = "\n".join(o["data"].get("text/markdown", "") + o["data"].get("text/html", "")
                      for c in nbformat.read(out, 4).cells for o in c.get("outputs", [])
                      if "data" in o)
    assert expect in prose


def test_all_into_a_file_is_one_line(tmp_path):
    _, new = _two_corpora(tmp_path)
    target = write(tmp_path, "taken", "not a folder")
    rc, _, err = run_cli("all", new, "--out", target, "--params", fast_params(tmp_path))
    assert rc == 2 and err.strip().splitlines()[-1] == (
        f"error: output path '{target}' is a file, not a folder: pass a folder with --out")
    assert target.read_text() == "not a folder"


def test_report_html_has_no_random_ids(tmp_path):
    """Two renderings of the same tables give the same bytes (Styler and papermill ids)."""
    import uuid

    import nbformat

    from analysis.build import _report_notebook
    from analysis.narrate import table

    frame = pd.DataFrame({"doc": ["a", "b"], "share": [0.5, 0.25]})

    def executed(path):
        nb = nbformat.v4.new_notebook()
        params = nbformat.v4.new_code_cell("corpus_dir = None",
                                           metadata={"tags": ["injected-parameters"]})
        params["id"] = uuid.uuid4().hex[:8]                      # what papermill does
        cell = nbformat.v4.new_code_cell("table(frame)")
        cell["id"] = "table-cell"                                 # from the committed notebook
        cell.outputs = [nbformat.v4.new_output("display_data", data={
            "text/html": table(frame, caption="Table 1")._repr_html_()})]
        nb.cells = [params, cell]
        nbformat.write(nb, path)
        return path

    first = _report_notebook(executed(tmp_path / "a.ipynb"))
    second = _report_notebook(executed(tmp_path / "b.ipynb"))
    assert nbformat.writes(first) == nbformat.writes(second)
    html = first.cells[1].outputs[0]["data"]["text/html"]
    assert 'id="T_table1"' in html and "#T_table1" in html
