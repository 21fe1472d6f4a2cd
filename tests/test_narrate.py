import pandas as pd

from analysis.narrate import esc, join, number, percent, plural, table, warnings_note


def test_esc_neutralises_markup():
    out = esc("5% of <b>GDP</b> & $x_1$ *bold* [link](u) #tag \\LaTeX")
    assert "<b>" not in out and "&lt;b&gt;" in out and "&amp;" in out
    for raw, escaped in [("$", "\\$"), ("_", "\\_"), ("*", "\\*"), ("[", "\\["), ("#", "\\#")]:
        assert escaped in out
    assert "\\\\LaTeX" in out


def test_table_escapes_text_and_formats_numbers():
    html = table(pd.DataFrame({"t": ["a <script>x</script> & b"], "f": [1234.567], "i": [7]}),
                 caption="Cap <1>", digits=1).to_html()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "1,234.6" in html and ">7<" in html
    assert "Cap &lt;1&gt;" in html
    assert 'class="data row0 col0 txt"' in html and 'class="data row0 col1 num"' in html


def test_small_helpers():
    assert plural(1, "section") == "1 section"
    assert plural(3, "analysis", "analyses") == "3 analyses"
    assert plural(12000, "word") == "12,000 words"
    assert percent(0.237) == "24%" and percent(0.5, 1) == "50.0%"
    assert join(["a"]) == "a" and join(["a", "b", "c"]) == "a, b and c" and join([]) == ""
    assert number(13131.0, 0) == "13,131" and number(1.234) == "1.2"
    assert warnings_note([]) == ""
    assert "skipped \\'x\\'" not in warnings_note(["skipped 'x'"])
    assert warnings_note(["a <b>"]).endswith("- a &lt;b&gt;")
