"""The findings layer's core: templates, lookup, and the findings table."""

import json

import pytest

from analysis.findings import Evidence, Finding, Findings, findings_frame


def test_finding_text_and_escape():
    f = Finding("themes.top", "{theme} has {count:,} matches ({share:.0%}).",
                {"theme": "a_b", "count": 1234, "share": 0.256},
                Evidence("theme_counts.csv", "theme", ("a_b",), {"count": "count"}))
    assert f.text() == "a_b has 1,234 matches (26%)."
    assert f.text(escape=lambda s: s.replace("_", r"\_")) == r"a\_b has 1,234 matches (26%)."
    assert f.analysis == "themes"


def test_findings_lookup_and_frame():
    fs = Findings([Finding("x.one", "{n} one", {"n": 1}), Finding("y.two", "two")])
    assert fs["x.one"].values == {"n": 1}
    assert fs.get("missing") is None
    with pytest.raises(KeyError):
        fs["missing"]
    assert fs[1].key == "y.two"
    frame = findings_frame(fs)
    assert list(frame["statement"]) == ["1 one", "two"]
    assert json.loads(frame.loc[0, "values"]) == {"n": 1}
    assert frame.loc[1, "evidence_file"] == ""
