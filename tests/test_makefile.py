"""The Makefile's dependency graph, checked with dry runs (nothing is built)."""

import shutil
import subprocess

import pytest

from conftest import MINI, ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def dry_run(*args):
    return subprocess.run(["make", "--no-print-directory", "-n", *args], cwd=ROOT,
                          capture_output=True, text=True)


def test_corpus_with_spaces_in_names(tmp_path):
    corpus = tmp_path / "my corpus"
    corpus.mkdir()
    shutil.copy(MINI / "alpha.txt", corpus / "alpha one.txt")
    out = tmp_path / "out"
    proc = dry_run("reports", f"CORPUS={corpus}", f"OUT={out}")
    assert proc.returncode == 0, proc.stderr
    assert f'--corpus "{corpus}"' in proc.stdout
    state = (out / ".corpus-state").read_text()
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
    state = out / ".corpus-state"
    first = state.stat().st_mtime_ns
    dry_run("reports", f"CORPUS={corpus}", f"OUT={out}")
    assert state.stat().st_mtime_ns == first  # unchanged corpus: the prerequisite is not touched
    (corpus / "b.txt").write_text("Another\nMore text.\n")
    dry_run("reports", f"CORPUS={corpus}", f"OUT={out}")
    assert "b.txt" in state.read_text()
