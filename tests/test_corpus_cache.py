"""The parsed corpus kept on disk: a hit equals a fresh parse, and any change to the files misses."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from analysis import config
from analysis import corpus as C
from analysis.config import load_params
from analysis.corpus import corpus_from_params
from analysis.corpus_cache import KEEP, cached_corpus
from analysis.errors import InputError

TEXT = "A heading\n\nPeacekeepers protect civilians. Reform takes time.\n\n- a bullet item\n"


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "docs"
    d.mkdir()
    (d / "one.txt").write_text(TEXT, encoding="utf-8")
    (d / "two.md").write_text("# Title\n\nSecurity sector reform needs trust.\n", encoding="utf-8")
    (d / "notes.csv").write_text("a,b\n", encoding="utf-8")      # ignored, with a warning
    os.symlink("loop.txt", d / "loop.txt")                       # skipped, with a warning
    return d


@pytest.fixture
def counted(monkeypatch):
    """`_load_with_frames`, counting its calls (a hit makes none)."""
    calls = []
    real = C._load_with_frames

    def load(*args):
        calls.append(args[0])
        return real(*args)

    monkeypatch.setattr(C, "_load_with_frames", load)
    return calls


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    path = tmp_path / "cache"
    monkeypatch.setattr(config, "CACHE_DIR", path)
    return path / "corpus"


def test_a_hit_equals_a_fresh_parse_and_parses_nothing(folder, counted, cache_dir):
    params = load_params()
    first = corpus_from_params(params, folder)
    second = corpus_from_params(params, folder)
    fresh = C.load_corpus(folder)
    assert len(counted) == 1 and len(list(cache_dir.glob("*.pkl"))) == 1
    for name in ("documents", "sections", "paragraphs", "sentences"):
        pd.testing.assert_frame_equal(getattr(second, name), getattr(fresh, name))
    for got, want in zip(second.sentence_tokens, fresh.sentence_tokens):
        assert (got == want).all()
    assert second.warnings == fresh.warnings == first.warnings
    assert any("notes.csv" in w for w in second.warnings)
    assert any("loop.txt" in w for w in second.warnings)
    assert [d.text for d in second] == [d.text for d in fresh]


@pytest.mark.parametrize("change", ["same-size edit", "new file", "removed file", "rename",
                                    "settings"])
def test_any_change_to_the_files_or_settings_misses(folder, counted, cache_dir, change):
    params = load_params()
    corpus_from_params(params, folder)
    if change == "same-size edit":
        (folder / "one.txt").write_text(TEXT.replace("time", "TIME"), encoding="utf-8")
    elif change == "new file":
        (folder / "three.txt").write_text("Another document entirely.\n", encoding="utf-8")
    elif change == "removed file":
        (folder / "two.md").unlink()
    elif change == "rename":
        (folder / "one.txt").rename(folder / "uno.txt")
    else:
        params["corpus"]["extensions"] = [".txt"]
    again = corpus_from_params(params, folder)
    assert len(counted) == 2
    assert again.documents.equals(C.load_corpus(folder, params["corpus"]["extensions"]).documents)
    if change == "same-size edit":
        assert "TIME" in again.sentences["text"].str.cat()


def test_cache_false_writes_nothing_and_bad_folders_are_not_stored(folder, cache_dir, tmp_path):
    params = load_params()
    params["corpus"]["cache"] = False
    assert len(corpus_from_params(params, folder).sentences) == 4    # two, the bullet, one
    assert not cache_dir.exists()
    params["corpus"]["cache"] = True
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="empty"):
        corpus_from_params(params, tmp_path / "empty")
    assert not list(cache_dir.glob("*.pkl"))


def test_an_unwritable_cache_only_costs_time(folder, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    corpus = cached_corpus(C._load_with_frames, folder, cache_dir=blocked / "corpus")
    assert len(corpus.sentences) == 4
    assert blocked.read_text() == "not a folder"


def test_only_the_newest_entries_are_kept(tmp_path, cache_dir):
    params = load_params()
    for n in range(KEEP + 2):
        d = tmp_path / f"c{n}"
        d.mkdir()
        (d / "a.txt").write_text(f"Document number {n} says one thing.\n", encoding="utf-8")
        corpus_from_params(params, d)
    assert len(list(cache_dir.glob("*.pkl"))) == KEEP


def test_a_failed_write_leaves_no_entry(folder, cache_dir, monkeypatch):
    from analysis import diskcache

    def full_disk(path, write):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(diskcache, "write_atomic", full_disk)
    assert len(corpus_from_params(load_params(), folder).sentences) == 4
    assert not list(cache_dir.glob("*.pkl"))


@pytest.mark.parametrize("cache", [True, False])
def test_the_garbage_collector_is_paused_while_the_corpus_loads_and_restored(folder, monkeypatch,
                                                                              tmp_path, cache):
    import gc

    seen = []
    real_load, real_frames = C.load_corpus, C._load_with_frames
    monkeypatch.setattr(C, "load_corpus", lambda *a, **k: seen.append(gc.isenabled()) or real_load(*a, **k))
    monkeypatch.setattr(C, "_load_with_frames", lambda *a: seen.append(gc.isenabled()) or real_frames(*a))
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    params = load_params()
    params["corpus"]["cache"] = cache
    was = gc.isenabled()
    try:
        gc.enable()
        assert len(corpus_from_params(params, folder).docs) == 2
        assert seen and not any(seen) and gc.isenabled()
        gc.disable()                                 # a caller that turned it off keeps it off
        corpus_from_params(params, folder)
        assert not gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()
