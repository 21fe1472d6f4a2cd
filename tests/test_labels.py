"""Readable document labels."""

import pandas as pd
import pytest

from analysis import load_corpus
from analysis.errors import InputError
from analysis.labels import document_labels, label_map, letter, short_title


def test_letters_are_bijective_base_26():
    assert [letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]


@pytest.mark.parametrize("title, short", [
    ("Understanding Peacekeeping and Security Sector Reform", "Peacekeeping and SSR"),
    ("The Role of Peacekeeping in Post-Conflict Reconstruction", "Peacekeeping in Post-Conflict…"),
    ("Significance of Security Sector Reform Initiatives", "SSR Initiatives"),
    ("Significance of Local Security Forces in UN Peacekeeping Missions", "Local Security Forces"),
    ("notes", "Notes"),
])
def test_short_titles(title, short):
    assert short_title(title) == short


def test_labels_for_the_shipped_corpus():
    corpus = load_corpus("corpus")
    labels = document_labels(corpus.documents)
    assert labels["label"].is_unique
    assert labels["label"].iloc[0] == "A: Peacekeeping and SSR"
    assert list(labels["letter"]) == ["A", "B", "C", "D", "E"]
    assert set(label_map(labels)) == set(corpus.documents["doc_id"])


def test_overrides_from_params_and_file(tmp_path):
    docs = pd.DataFrame({"doc_id": ["x", "y", "z"], "title": ["One", "Two", "Three"],
                         "file": ["x.txt", "y.txt", "z.txt"]})
    (tmp_path / "l.csv").write_text("doc_id,label\ny,Second\nz,Third\n")
    labels = document_labels(docs, {"labels_file": "l.csv", "labels": {"z": "Last"}}, base=tmp_path)
    assert list(labels["label"]) == ["A: One", "Second", "Last"]
    dup = document_labels(docs, {"labels": {"x": "Same", "y": "Same"}})
    assert list(dup["label"]) == ["Same", "Same (B)", "C: Three"]
    with pytest.raises(InputError, match="labels_file"):
        document_labels(docs, {"labels_file": "missing.csv"}, base=tmp_path)
