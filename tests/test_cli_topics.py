"""The topics command end to end."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.cli import main

FILES = {"topic_terms.csv", "doc_topics.csv", "unit_topics.csv", "topic_diagnostics.csv",
         "k_scan.csv", "section_topics.csv", "topic_map.csv", "doc_similarity.csv",
         "topic_model.csv", "leading_topics.csv", "topic_representatives.csv",
         "k_next_topics.csv", "topic_findings.csv"}

BLOCKS = [
    "river lake rain flood dam irrigation reservoir wetland".split(),
    "budget loan bank credit tax revenue debt interest".split(),
    "teacher pupil classroom exam curriculum lesson homework grade".split(),
]


@pytest.fixture
def planted_dir(tmp_path):
    """Three documents, each six paragraphs drawn from one exclusive word block."""
    rng = np.random.default_rng(0)
    folder = tmp_path / "corpus"
    folder.mkdir()
    for i, block in enumerate(BLOCKS):
        lines = ["Overview"]
        for _ in range(6):
            lines.append(" ".join(rng.choice(block, size=12)).capitalize() + ".")
        (folder / f"doc{i}.txt").write_text("\n".join(lines), encoding="utf-8")
    params = tmp_path / "params.yaml"
    params.write_text("seed: 3\ntopics:\n  k_min: 2\n  k_max: 4\n  n_seeds: 5\n  top_n: 6\n",
                      encoding="utf-8")
    return folder, params


def test_topics_command_writes_tidy_tables(planted_dir, tmp_path, capsys):
    folder, params = planted_dir
    out = tmp_path / "out"
    code = main(["topics", str(folder), "--out", str(out), "--params", str(params),
                 "--n-topics", "3", "--no-cache"])
    assert code == 0
    assert FILES <= {p.name for p in out.iterdir()}
    terms = pd.read_csv(out / "topic_terms.csv")
    assert list(terms.columns[:4]) == ["topic", "label", "rank", "term"]
    assert "weight" in terms.columns
    docs = pd.read_csv(out / "doc_topics.csv")
    assert {"doc_id", "topic", "share"} <= set(docs.columns)
    np.testing.assert_allclose(docs.groupby("doc_id").share.sum(), 1.0)
    # each planted document is dominated by a different topic
    dom = docs.loc[docs.groupby("doc_id").share.idxmax()]
    assert dom.topic.nunique() == 3 and dom.share.min() > 0.8
    info = pd.read_csv(out / "topic_model.csv")
    assert info.k.iloc[0] == 3 and info.unit.iloc[0] == "paragraph"
    assert "fixed by the user" in info.k_reason.iloc[0]
    scan = pd.read_csv(out / "k_scan.csv")
    assert scan.k.tolist() == [2, 3, 4]
    # documents carry readable labels next to their ids
    assert docs.doc_label.str.match(r"^[A-C]: ").all()
    diag = pd.read_csv(out / "topic_diagnostics.csv")
    assert {"prevalence", "coherence", "exclusivity", "stability", "top_terms", "top_bigrams",
            "representative_doc", "representative_section"} <= set(diag.columns)


def test_topics_command_options(planted_dir, tmp_path):
    folder, params = planted_dir
    out = tmp_path / "out"
    assert main(["topics", str(folder), "--out", str(out), "--params", str(params),
                 "--method", "lda", "--unit", "document", "--n-topics", "2", "--no-cache"]) == 0
    info = pd.read_csv(out / "topic_model.csv")
    assert info.method.iloc[0] == "lda" and info.unit.iloc[0] == "document"
    units = pd.read_csv(out / "unit_topics.csv")
    assert units.unit_id.nunique() == 3


def test_topics_command_bad_input(planted_dir, tmp_path, capsys):
    folder, params = planted_dir
    assert main(["topics", str(folder), "--out", str(tmp_path), "--params", str(params),
                 "--n-topics", "0"]) == 2
    assert "error: --n-topics" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["topics", str(folder), "--method", "lsa"])
    assert exc.value.code == 2


def test_topics_command_tiny_corpus_says_why(tmp_path, capsys):
    folder = tmp_path / "tiny"
    folder.mkdir()
    (folder / "a.txt").write_text("Just a few words.", encoding="utf-8")
    assert main(["topics", str(folder), "--out", str(tmp_path / "out")]) == 0
    assert "not enough text for topic modelling" in capsys.readouterr().err
    assert pd.read_csv(tmp_path / "out" / "doc_topics.csv").empty
    assert pd.read_csv(tmp_path / "out" / "topic_findings.csv").empty
