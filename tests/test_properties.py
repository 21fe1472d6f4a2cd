"""Property-based tests: random parameter files and random bytes never crash the loader or CLI.

Every run either succeeds (exit 0) or stops with one ``error:`` line (exit 2); an
unexpected exception is a traceback, and fails the test. The examples are
derandomized, so CI tries the same cases every time. ``TRIED`` counts them; run
with ``-s`` to see the counts.
"""

import contextlib
import io
import os
from collections import Counter
from typing import Literal, get_args, get_origin

import pytest
import yaml

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, Phase, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from analysis import InputError, load_params  # noqa: E402
from analysis.cli import main  # noqa: E402
from analysis.params import Params, Section, _base_types  # noqa: E402
from conftest import MINI  # noqa: E402

TRIED: Counter = Counter()
SETTINGS = dict(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# ---------------------------------------------------------------- strategies

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.integers(),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.sampled_from(["", "0", "-1", "1e9", "nan", ".txt", "utf-16", "auto", "nmf", "~", "null"]),
)
ANY = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                     st.dictionaries(st.text(max_size=6), inner,
                                                                     max_size=3)), max_leaves=6)


def _leaf_keys(model, prefix=()):
    for name, field in model.model_fields.items():
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, Section):
            yield from _leaf_keys(ann, prefix + (name,))
        else:
            yield prefix + (name,), field


LEAVES = list(_leaf_keys(Params))

# Settings whose valid range is wide but expensive: kept small so each run is quick.
CHEAP = {("topics", "k_min"): (2, 3), ("topics", "k_max"): (2, 4), ("topics", "n_seeds"): (2, 3),
         ("topics", "max_iter"): (1, 60), ("topics", "lda_max_iter"): (1, 5),
         ("topics", "scale_docs"): (10, 50), ("redundancy", "lsh", "num_perm"): (16, 64),
         ("redundancy", "lsa_components"): (2, 20), ("redundancy", "batch_size"): (1, 64),
         ("redundancy", "top_k"): (1, 20), ("topics", "representative_n"): (1, 5),
         ("themes", "kwic_chars"): (0, 200), ("overview", "mattr_window"): (1, 200)}


def _bounds(field):
    lo = hi = None
    for m in field.metadata:
        lo = getattr(m, "ge", None) if getattr(m, "ge", None) is not None else lo
        hi = getattr(m, "le", None) if getattr(m, "le", None) is not None else hi
        if getattr(m, "gt", None) is not None:
            lo = m.gt + (1 if _base_types(field.annotation) == {int} else 1e-6)
        if getattr(m, "lt", None) is not None:
            hi = m.lt - 1e-6
    return lo, hi


def _valid(key, field):
    """Values the schema accepts, reaching the edges of each range."""
    ann = field.annotation
    if get_origin(ann) is Literal:
        values = [v for v in get_args(ann) if v != "semantic"]  # the model load is slow
        return st.sampled_from(values)
    types = _base_types(ann)
    lo, hi = CHEAP.get(key, _bounds(field))
    if types == {bool}:
        return st.booleans()
    if types == {int}:
        return st.integers(lo if lo is not None else -5, min(hi, 10**4) if hi is not None else 10**4)
    if types <= {int, float}:
        return st.floats(lo if lo is not None else -5.0, hi if hi is not None else 100.0)
    return st.just(field.get_default(call_default_factory=True))


@st.composite
def valid_params(draw):
    params = {}
    for key, field in LEAVES:
        if key[-1] in ("k_max",):
            continue
        if draw(st.booleans()):
            node = params
            for part in key[:-1]:
                node = node.setdefault(part, {})
            node[key[-1]] = draw(_valid(key, field))
    topics = params.setdefault("topics", {})
    topics["k_max"] = draw(st.integers(topics.get("k_min", 2), 4))
    params.setdefault("redundancy", {})["backend"] = "lexical"
    return params


@st.composite
def random_params(draw):
    """Mostly wrong: real keys with any values, typos, wrong shapes."""
    params = {}
    for _ in range(draw(st.integers(0, 5))):
        key, _field = draw(st.sampled_from(LEAVES))
        if draw(st.integers(0, 9)) == 0:
            key = key[:-1] + (key[-1] + draw(st.sampled_from(["s", "_", "x"])),)
        node = params
        for part in key[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                break
            node = child
        else:
            node[key[-1]] = draw(ANY)
    if draw(st.integers(0, 9)) == 0:
        params = draw(ANY)
    return params


def _dump(data) -> str:
    try:
        return yaml.safe_dump(data, allow_unicode=True)
    except yaml.YAMLError:
        return repr(data)


def _run(argv) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        rc = main(argv)           # an unexpected exception propagates and fails the test
    return rc, err.getvalue()


def _assert_clean(rc, err):
    assert rc in (0, 2), err
    assert "Traceback" not in err
    if rc == 2:
        assert [ln for ln in err.splitlines() if ln.startswith("error: ")], err


# ---------------------------------------------------------------- properties

@settings(max_examples=400, **SETTINGS)
@given(data=random_params())
def test_random_parameter_files_load_or_fail_in_one_line(tmp_path_factory, data):
    TRIED["parameter files (loader)"] += 1
    p = tmp_path_factory.mktemp("p") / "p.yaml"
    p.write_text(_dump(data), encoding="utf-8")
    try:
        params = load_params(p)
    except InputError as exc:
        assert "\n" not in str(exc)
        TRIED["rejected"] += 1
    else:
        assert set(params) == set(Params.model_fields)


@settings(max_examples=150, **SETTINGS)
@given(raw=st.binary(max_size=300))
def test_random_bytes_as_parameter_file(tmp_path_factory, raw):
    TRIED["byte parameter files"] += 1
    p = tmp_path_factory.mktemp("p") / "p.yaml"
    p.write_bytes(raw)
    out = tmp_path_factory.mktemp("o")
    _assert_clean(*_run(["overview", str(MINI), "--out", str(out), "--params", str(p)]))


@pytest.mark.slow
@settings(max_examples=40, phases=[Phase.explicit, Phase.generate], **SETTINGS)
@example(data={"redundancy": {"backend": "lexical", "lsh": {"num_perm": 16, "threshold": 0.85}},
               "topics": {"k_max": 2}})
@given(data=valid_params())
def test_valid_parameters_run_every_command(tmp_path_factory, monkeypatch_session, data):
    """Values inside the schema's ranges must not crash any analysis."""
    TRIED["valid parameter files (analysis all)"] += 1
    # The verifier's cross-validation is measured elsewhere; one quick round keeps each run short.
    if isinstance(data, dict) and isinstance(data.get("redundancy"), dict):
        data["redundancy"]["verifier"] = {"repeats": 1, "folds": 2}
    folder = tmp_path_factory.mktemp("p")
    p = folder / "p.yaml"
    p.write_text(_dump(data), encoding="utf-8")
    rc, err = _run(["all", str(MINI), "--out", str(folder / "out"), "--params", str(p)])
    _assert_clean(rc, err)      # exit 2 is fine when it says why (e.g. every file over max_file_mb)
    TRIED[f"valid parameter files exit {rc}"] += 1


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252",
             "latin-1", "cp1251", "shift_jis", "koi8-r", "gb18030"]


@st.composite
def byte_files(draw):
    """Random bytes, and random text in random encodings, sometimes truncated."""
    if draw(st.booleans()):
        data = draw(st.binary(max_size=400))
    else:
        text = draw(st.text(max_size=300))
        encoding = draw(st.sampled_from(ENCODINGS))
        data = text.encode(encoding, errors="replace")
        if data and draw(st.booleans()):
            data = data[:draw(st.integers(0, len(data)))]
    return data


@settings(max_examples=300, **SETTINGS)
@given(files=st.lists(st.tuples(st.sampled_from(["a.txt", "b.md", "A.TXT", "a.md", "c.TXT",
                                                 "$x$.txt", "-d.txt"]), byte_files()),
                      min_size=1, max_size=4))
def test_random_byte_files_read_or_fail_in_one_line(tmp_path_factory, files):
    folder = tmp_path_factory.mktemp("c")
    for name, data in files:
        TRIED["byte files"] += 1
        (folder / name).write_bytes(data)
    out = tmp_path_factory.mktemp("o")
    rc, err = _run(["overview", str(folder), "--out", str(out)])
    _assert_clean(rc, err)
    TRIED["byte corpora (overview)"] += 1
    TRIED[f"byte corpora exit {rc}"] += 1


@pytest.fixture(scope="session")
def monkeypatch_session(tmp_path_factory):
    """Keep the k-scan cache of the property runs out of the project's .cache/."""
    import analysis.topics.cache as tc

    mp = pytest.MonkeyPatch()
    mp.setattr(tc, "CACHE_DIR", tmp_path_factory.mktemp("cache"))
    yield mp
    mp.undo()


def teardown_module(module):
    if TRIED and os.environ.get("PROPERTY_COUNTS"):
        with open(os.environ["PROPERTY_COUNTS"], "a", encoding="utf-8") as fh:
            fh.write(repr(dict(TRIED)) + "\n")
    print("\nproperty examples tried:", dict(TRIED))
