"""The Makefile's dependency graph, checked with dry runs (nothing is built)."""

import os
import re
import shutil
import subprocess

import pytest

from conftest import MINI, ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def dry_run(*args):
    return subprocess.run(["make", "--no-print-directory", "-n", *args], cwd=ROOT,
                          capture_output=True, text=True)


def make(*args):
    """A real make run that never reinstalls the environment (-o: the stamp counts as fresh)."""
    return subprocess.run(["make", "--no-print-directory", "-o", ".venv/.installed", *args],
                          cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def state_file(out):
    """Where the Makefile keeps the corpus listing of an output folder."""
    return ROOT / ".cache" / "make" / (re.sub(r"[^A-Za-z0-9._-]", "_", str(out)) + ".corpus-state")


def test_corpus_with_spaces_in_names(tmp_path):
    corpus = tmp_path / "my corpus"
    corpus.mkdir()
    shutil.copy(MINI / "alpha.txt", corpus / "alpha one.txt")
    out = tmp_path / "out"
    proc = dry_run("reports", f"CORPUS={corpus}", f"OUT={out}")
    assert proc.returncode == 0, proc.stderr
    assert f'--corpus "{corpus}"' in proc.stdout
    state = state_file(out).read_text()
    assert state.startswith("alpha one.txt 705 ")


def test_default_output_folder_for_another_corpus(tmp_path):
    corpus = tmp_path / "field notes (2024)"
    corpus.mkdir()
    proc = dry_run("help", f"CORPUS={corpus}")
    assert "OUT=reports/field_notes__2024_" in proc.stdout


def test_corpus_state_changes_only_with_the_corpus(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Heading\nSome text here.\n")
    out = tmp_path / "out"
    dry_run("reports", f"CORPUS={corpus}", f"OUT={out}")
    state = state_file(out)
    first = state.stat().st_mtime_ns
    dry_run("reports", f"CORPUS={corpus}", f"OUT={out}")
    assert state.stat().st_mtime_ns == first  # unchanged corpus: the prerequisite is not touched
    (corpus / "b.txt").write_text("Another\nMore text.\n")
    dry_run("reports", f"CORPUS={corpus}", f"OUT={out}")
    assert "b.txt" in state.read_text()


def test_missing_params_file_is_one_line(tmp_path):
    proc = dry_run("reports", f"PARAMS={tmp_path / 'nope.yaml'}", f"OUT={tmp_path / 'out'}")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "No rule to make target" not in lines[0]
    assert f"error: parameter file '{tmp_path / 'nope.yaml'}' does not exist" in lines[0]
    assert not (tmp_path / "out").exists()


def test_corpus_named_like_an_option(tmp_path):
    corpus = ROOT / f"-dashdir-{os.getpid()}"
    corpus.mkdir()
    try:
        shutil.copy(MINI / "alpha.txt", corpus / "alpha.txt")
        out = tmp_path / "out"
        proc = dry_run("reports", f"CORPUS={corpus.name}", f"OUT={out}")
        assert proc.returncode == 0, proc.stderr
        assert "unknown predicate" not in proc.stderr
        state = state_file(out).read_text()
        assert state.startswith("alpha.txt 705 ") and "find:" not in state
        assert f'analysis all "{corpus}"' in proc.stdout     # absolute: not an option
        assert f'--corpus "{corpus}"' in proc.stdout
    finally:
        shutil.rmtree(corpus)


@pytest.mark.slow
def test_data_step_for_a_corpus_named_like_an_option(tmp_path):
    corpus = ROOT / f"-dashdir-{os.getpid()}"
    corpus.mkdir()
    params = tmp_path / "fast.yaml"
    params.write_text("redundancy: {backend: lexical}\ntopics: {n_seeds: 2, k_max: 3}\n")
    out = tmp_path / "out"
    try:
        shutil.copy(MINI / "alpha.txt", corpus / "alpha.txt")
        shutil.copy(MINI / "beta.txt", corpus / "beta.txt")
        proc = make(f"{out}/data/.complete", f"CORPUS={corpus.name}", f"OUT={out}",
                    f"PARAMS={params}")
        assert proc.returncode == 0, proc.stderr
        assert (out / "data" / "documents.csv").exists()
    finally:
        shutil.rmtree(corpus)


@pytest.mark.slow
def test_failed_build_leaves_no_empty_report_folder(tmp_path):
    corpus = tmp_path / "unusable"
    corpus.mkdir()
    (corpus / "blob.txt").write_bytes(bytes(range(256)) * 4)
    out = tmp_path / "reports" / "unusable"
    proc = make(f"{out}/data/.complete", f"CORPUS={corpus}", f"OUT={out}")
    assert proc.returncode != 0
    assert "error: corpus folder" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()


@pytest.mark.slow
def test_bad_parameter_under_make_is_one_line(tmp_path):
    params = tmp_path / "p.yaml"
    params.write_text("overview: {mattr_window: 0}\n")
    out = tmp_path / "out"
    proc = make(f"{out}/data/.complete", f"CORPUS={MINI}", f"OUT={out}", f"PARAMS={params}")
    assert proc.returncode != 0
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("error:")]
    assert errors == [f"error: parameter file '{params}': overview.mattr_window is 0; "
                      "allowed: a whole number >= 1"]
    assert "Traceback" not in proc.stderr and not out.exists()


@pytest.mark.slow
def test_data_step_reads_awkward_inputs(tmp_path):
    """Colliding names, UTF-16, a detected code page, a TeX name and a looping link via make."""
    corpus = tmp_path / "awkward"
    corpus.mkdir()
    shutil.copy(MINI / "alpha.txt", corpus / "a.txt")
    shutil.copy(MINI / "gamma.md", corpus / "a.md")
    (corpus / "wide.txt").write_bytes((MINI / "beta.txt").read_text().encode("utf-16"))
    (corpus / "ru.txt").write_bytes("Заголовок\nМиротворческие операции требуют ясного мандата "
                                    "и поддержки населения.\n".encode("cp1251"))
    (corpus / "$\\input{etc}$.txt").write_text("Heading\nA sentence of text here.\n")
    os.symlink("loop.txt", corpus / "loop.txt")
    params = tmp_path / "fast.yaml"
    params.write_text("redundancy: {backend: lexical}\ntopics: {n_seeds: 2, k_max: 3}\n")
    out = tmp_path / "out"
    proc = make(f"{out}/data/.complete", f"CORPUS={corpus}", f"OUT={out}", f"PARAMS={params}")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    for fragment in ("share the name 'a'", "decoded as utf-16", "decoded as cp1251",
                     "'loop.txt': a broken or looping symbolic link"):
        assert fragment in proc.stderr
    import pandas as pd
    ids = set(pd.read_csv(out / "data" / "documents.csv").doc_id)
    assert ids == {"a.txt", "a.md", "wide", "ru", "$\\input{etc}$"}


def test_parallel_by_default_and_redundancy_notebooks_wait_for_the_data_step():
    db = subprocess.run(["make", "--no-print-directory", "-np", "reports"], cwd=ROOT,
                        capture_output=True, text=True).stdout
    assert re.search(r"^MAKEFLAGS = .*-j[2-4]", db, re.M) or os.cpu_count() == 1
    order_only = {m.group(1) for m in re.finditer(
        r"^reports/\.executed/([\w-]+)\.ipynb:.*\| reports/data/\.complete$", db, re.M)}
    uses = {p.stem for p in (ROOT / "notebooks").glob("*.ipynb")
            if re.search(r"detect_redundancy|summarise", p.read_text(encoding="utf-8"))}
    assert uses and order_only == uses
