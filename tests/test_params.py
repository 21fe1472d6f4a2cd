"""The parameter schema: every bad value is one line naming the key, never a traceback."""

import re
import subprocess
import sys

import pytest
import yaml

from analysis import InputError, load_params
from analysis.params import Params, check_value, default_params, reference_table, validate_params
from conftest import MINI, ROOT


def _leaves(d, prefix=""):
    for k, v in d.items():
        if isinstance(v, dict) and k not in ("labels",):
            yield from _leaves(v, f"{prefix}{k}.")
        else:
            yield prefix + str(k), v


def test_params_yaml_and_schema_agree():
    """Every key of params.yaml is in the schema with the same default, and vice versa."""
    raw = yaml.safe_load((ROOT / "params.yaml").read_text())
    file_leaves = dict(_leaves(raw))
    schema_leaves = dict(_leaves(default_params()))
    assert set(file_leaves) == set(schema_leaves)
    for key, value in file_leaves.items():
        assert schema_leaves[key] == value, key
    assert load_params() == default_params()


def test_readme_reference_is_the_schema():
    readme = (ROOT / "README.md").read_text()
    assert reference_table() in readme
    for key, _ in _leaves(default_params()):
        assert f"| `{key}` |" in readme


def test_defaults_are_filled_in_and_plain(tmp_path):
    p = tmp_path / "p.yaml"
    p.write_text("seed: 7\ntopics:\n  k_max: 5\ncorpus:\n")
    params = load_params(p)
    assert params["seed"] == 7 and params["topics"]["k_max"] == 5
    assert params["topics"]["k_min"] == 2          # default filled in beside a given key
    assert params["corpus"]["extensions"] == [".txt", ".md"]   # empty section -> defaults
    assert params["redundancy"]["lsh"] == {"num_perm": 128, "threshold": 0.3, "max_bucket": 30}
    assert type(params["topics"]) is dict and type(params["corpus"]["extensions"]) is list


# The values of issue 12 that crashed or were accepted as nonsense, with the key the
# message must name and the words that say what is allowed.
BAD = [
    ("overview: {mattr_window: 0}", "overview.mattr_window is 0", ">= 1"),
    ("topics: {k_min: two}", "topics.k_min is 'two'", "whole number"),
    ("seed: abc", "seed is 'abc'", "whole number"),
    ("seed: -1", "seed is -1", ">= 0"),
    ("seed: 1.5", "seed is 1.5", "whole number"),
    ("topics: {max_iter: 0}", "topics.max_iter is 0", ">= 1"),
    ("topics: [1, 2]", "topics is [1, 2]", "mapping"),
    ("corpus: {max_file_mb: ten}", "corpus.max_file_mb is 'ten'", "a number > 0"),
    ("redundancy: {shingle_size: 0}", "redundancy.shingle_size is 0", ">= 1"),
    ("redundancy: {batch_size: 0}", "redundancy.batch_size is 0", ">= 1"),
    ("redundancy: {lsh: {num_perm: 0}}", "redundancy.lsh.num_perm is 0", ">= 16"),
    ("redundancy: {passage_min_words: -5}", "redundancy.passage_min_words is -5", ">= 1"),
    ("redundancy: {near_copy: -1}", "redundancy.near_copy is -1", "> 0 and <= 1"),
    ("redundancy: {top_k: 0}", "redundancy.top_k is 0", ">= 1"),
    ("topics: {min_df: -1}", "topics.min_df is -1", ">= 1"),
    ("redundancy: {phrase: {min_n: -1}}", "redundancy.phrase.min_n is -1", ">= 2"),
    ("themes: {alpha: 1.5}", "themes.alpha is 1.5", "< 1"),
    ("topics: {method: svd}", "topics.method is 'svd'", "one of nmf, lda"),
    ("topics: {k_min: 5, k_max: 3}", "topics.k_max is 3", "at least topics.k_min (5)"),
    ("topics: {fold_plurals: maybe}", "topics.fold_plurals is 'maybe'", "true or false"),
    ("corpus: {encoding_fallback: klingon}", "corpus.encoding_fallback is 'klingon'",
     "not a known text encoding"),
    ("corpus: {extensions: [.txt, 5]}", "corpus.extensions[1] is 5", "string"),
    ("redundancy: {thresholds: {semantic: 2}}", "redundancy.thresholds.semantic is 2", "<= 1"),
    ("topics: {labels: {0: First}}", "topics.labels.0", "topic numbers 1, 2"),
    ("redundancy: {lsh: {threshold: 0.9}}", "redundancy.lsh.threshold is 0.9", "<= 0.85"),
]


@pytest.mark.parametrize("text, key, allowed", BAD)
def test_bad_value_names_key_value_and_range(tmp_path, text, key, allowed):
    p = tmp_path / "p.yaml"
    p.write_text(text + "\n")
    with pytest.raises(InputError) as err:
        load_params(p)
    msg = str(err.value)
    assert "\n" not in msg
    assert msg.startswith(f"parameter file '{p}': {key}")
    assert allowed in msg
    assert "--" not in msg   # names the file's key, never a command-line flag


@pytest.mark.parametrize("text, message", [
    ("topics: {kmin: 3}", "unknown key 'topics.kmin': did you mean 'topics.k_min'?"),
    ("toppics: {k_min: 3}", "unknown key 'toppics': did you mean 'topics'?"),
    ("redundancy: {lsh: {perms: 3}}", "unknown key 'redundancy.lsh.perms'"),
])
def test_unknown_key_is_named(tmp_path, text, message):
    p = tmp_path / "p.yaml"
    p.write_text(text + "\n")
    with pytest.raises(InputError, match=re.escape(message)):
        load_params(p)


def test_extensions_as_one_string_is_a_list():
    params = validate_params({"corpus": {"extensions": ".TXT"}})
    assert params["corpus"]["extensions"] == [".txt"]
    assert validate_params({"corpus": {"extensions": "txt, md"}})["corpus"]["extensions"] == \
        [".txt", ".md"]


def test_extensions_string_reads_only_that_suffix(tmp_path):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.txt").write_text("Heading\nSome words here.\n")
    (tmp_path / "c" / "b.md").write_text("# Heading\nOther words here.\n")
    p = tmp_path / "p.yaml"
    p.write_text("corpus: {extensions: .txt}\n")
    from analysis import corpus_from_params
    corpus = corpus_from_params(load_params(p), tmp_path / "c")
    assert corpus.doc_ids == ["a"]


def test_flag_errors_name_the_flag():
    with pytest.raises(InputError, match=r"^--alpha is 2\.0; allowed: a number > 0 and < 1$"):
        check_value("themes", "alpha", 2.0, "--alpha")
    assert check_value("themes", "alpha", 0.05, "--alpha") == 0.05


def test_labels_keys_become_text():
    params = validate_params({"documents": {"labels": {2024: "Annual report"}}})
    assert params["documents"]["labels"] == {"2024": "Annual report"}


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "analysis", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT)


def test_cli_bad_parameter_is_one_line(tmp_path):
    p = tmp_path / "p.yaml"
    p.write_text("overview: {mattr_window: 0}\n")
    proc = run_cli("overview", MINI, "--params", p, "--out", tmp_path / "out")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"error: parameter file '{p}': overview.mattr_window is 0; allowed: a whole number >= 1"]
    assert not (tmp_path / "out").exists()


def test_cli_flag_error_names_the_flag(tmp_path):
    proc = run_cli("themes", MINI, "--alpha", "2", "--out", tmp_path / "out")
    assert proc.returncode == 2
    assert proc.stderr.strip() == "error: --alpha is 2.0; allowed: a number > 0 and < 1"


def test_every_model_forbids_unknown_keys():
    def models(m):
        yield m
        for f in m.model_fields.values():
            if isinstance(f.annotation, type) and issubclass(f.annotation, Params.__mro__[1]):
                yield from models(f.annotation)
    for m in models(Params):
        assert m.model_config.get("extra") == "forbid", m.__name__
