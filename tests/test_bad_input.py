"""Every kind of unusable input gets one clear line, never a traceback."""

import subprocess
import sys

import pytest

from analysis import InputError, load_corpus
from analysis.cli import main

GOOD = "Security Reform\nPolice training builds trust. Oversight matters.\n"


def run_cli(*args):
    proc = subprocess.run([sys.executable, "-m", "analysis", *map(str, args)],
                          capture_output=True, text=True)
    return proc.returncode, proc.stdout, proc.stderr


def write(folder, name, data):
    path = folder / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def assert_one_line_error(rc, err, *fragments):
    assert rc == 2
    assert "Traceback" not in err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ")
    for f in fragments:
        assert f in lines[0]


def test_missing_folder(tmp_path):
    rc, out, err = run_cli("overview", tmp_path / "nope", "--out", tmp_path / "out")
    assert_one_line_error(rc, err, "does not exist", "nope")


def test_path_is_a_file(tmp_path):
    f = write(tmp_path, "a.txt", GOOD)
    rc, _, err = run_cli("overview", f, "--out", tmp_path / "out")
    assert_one_line_error(rc, err, "is a file, not a folder")


def test_empty_folder(tmp_path):
    (tmp_path / "c").mkdir()
    rc, _, err = run_cli("overview", tmp_path / "c", "--out", tmp_path / "out")
    assert_one_line_error(rc, err, "is empty")


def test_no_text_files(tmp_path):
    write(tmp_path, "report.pdf", b"%PDF-1.4")
    write(tmp_path, "data.csv", "a,b\n1,2\n")
    with pytest.raises(InputError, match=r"has no \.md or \.txt files \(2 other entries\)"):
        load_corpus(tmp_path)


def test_only_empty_files_is_an_error(tmp_path):
    write(tmp_path, "a.txt", "")
    write(tmp_path, "b.txt", "  \n\n ")
    rc, _, err = run_cli("overview", tmp_path, "--out", tmp_path / "out")
    assert_one_line_error(rc, err, "no usable documents", "'a.txt': the file is empty")


def test_empty_file_skipped_with_warning(tmp_path):
    write(tmp_path, "a.txt", GOOD)
    write(tmp_path, "b.txt", "Another Heading\nDifferent words entirely here.\n")
    write(tmp_path, "empty.txt", "")
    corpus = load_corpus(tmp_path)
    assert corpus.doc_ids == ["a", "b"]
    assert any("'empty.txt': the file is empty" in w for w in corpus.warnings)


def test_non_utf8_decoded_with_fallback(tmp_path):
    write(tmp_path, "legacy.txt", "Caf\xe9 Policy\nThe caf\xe9 \u201cquote\u201d stays.\n".encode("cp1252"))
    write(tmp_path, "b.txt", GOOD)
    corpus = load_corpus(tmp_path)
    doc = corpus.doc("legacy")
    assert doc.encoding == "cp1252"
    assert "café “quote” stays." in doc.text
    assert any("'legacy.txt' is not UTF-8: decoded as cp1252" in w for w in corpus.warnings)


def test_latin1_last_resort(tmp_path):
    # 0x81 is undefined in cp1252, so only Latin-1 can decode it.
    write(tmp_path, "odd.txt", b"Odd Bytes\nText with \x81 byte and caf\xe9.\n")
    corpus = load_corpus(tmp_path)
    assert corpus.doc("odd").encoding == "latin-1"


def test_binary_file_skipped(tmp_path):
    write(tmp_path, "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    write(tmp_path, "a.txt", GOOD)
    corpus = load_corpus(tmp_path)
    assert corpus.doc_ids == ["a"]
    assert any("'image.txt': it is a binary file" in w for w in corpus.warnings)


def test_only_binary_is_an_error(tmp_path):
    write(tmp_path, "blob.txt", bytes(range(256)) * 4)
    rc, _, err = run_cli("overview", tmp_path, "--out", tmp_path / "out")
    assert_one_line_error(rc, err, "binary file")


def test_identical_duplicates_skipped(tmp_path):
    write(tmp_path, "a.txt", GOOD)
    write(tmp_path, "b.txt", GOOD.replace("\n", "\r\n"))  # same text, other line endings
    write(tmp_path, "c.txt", "Other Heading\nSomething else entirely.\n")
    corpus = load_corpus(tmp_path)
    assert corpus.doc_ids == ["a", "c"]
    assert any("'b.txt': identical to 'a.txt'" in w for w in corpus.warnings)


def test_one_document_corpus(tmp_path):
    write(tmp_path, "only.txt", GOOD)
    corpus = load_corpus(tmp_path)
    assert corpus.doc_ids == ["only"]
    assert any("only one document" in w for w in corpus.warnings)
    rc, out, err = run_cli("overview", tmp_path, "--out", tmp_path / "out")
    assert rc == 0 and "warning: only one document" in err
    assert (tmp_path / "out" / "documents.csv").exists()


def test_huge_file_skipped_without_reading(tmp_path):
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as fh:  # a sparse 30 MB file: cheap to make, never read
        fh.truncate(30 * 1024 * 1024)
    write(tmp_path, "a.txt", GOOD)
    corpus = load_corpus(tmp_path, max_file_mb=10)
    assert corpus.doc_ids == ["a"]
    assert any("'huge.txt': 30.0 MB is over the 10 MB limit" in w for w in corpus.warnings)


@pytest.mark.slow
def test_large_text_within_limit_parses(tmp_path):
    # About 12 MB of real prose parses when the limit allows it.
    para = ("Security sector reform needs local ownership. Training builds capacity, "
            "and oversight builds trust.\n")
    write(tmp_path, "big.txt", "Big Heading\n" + para * 120_000)
    corpus = load_corpus(tmp_path, max_file_mb=20)
    assert len(corpus.sentences) == 240_000


def test_other_files_ignored_with_warning(tmp_path):
    write(tmp_path, "a.txt", GOOD)
    write(tmp_path, "notes.docx", b"PK\x03\x04")
    write(tmp_path, ".hidden.txt", "ignored silently")
    corpus = load_corpus(tmp_path)
    assert corpus.doc_ids == ["a"]
    assert any("notes.docx" in w for w in corpus.warnings)


def test_bad_params_file(tmp_path):
    bad = write(tmp_path, "p.yaml", "corpus: [unclosed\n")
    rc, _, err = run_cli("overview", "--params", bad, "--out", tmp_path / "out")
    assert_one_line_error(rc, err, "is not valid YAML")
    rc, _, err = run_cli("overview", "--params", tmp_path / "missing.yaml", "--out", tmp_path / "o")
    assert_one_line_error(rc, err, "does not exist")


def test_main_returns_2_in_process(tmp_path, capsys):
    assert main(["overview", str(tmp_path / "none"), "--out", str(tmp_path / "o")]) == 2
    assert capsys.readouterr().err.startswith("error: corpus folder")
