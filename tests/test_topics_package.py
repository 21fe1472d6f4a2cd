"""The analysis.topics package: no import cycle among its modules, small files, public API."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "analysis" / "topics"


def import_graph(sources: dict[str, str], package: str = "analysis.topics") -> dict[str, set[str]]:
    """Module -> package modules it imports (at any depth of the file, functions included)."""
    graph = {name: set() for name in sources}
    for name, source in sources.items():
        for node in ast.walk(ast.parse(source)):
            targets = []
            if isinstance(node, ast.ImportFrom):
                if node.level == 1:
                    if node.module:
                        targets = [node.module.split(".")[0]]
                    else:  # from . import a, b: submodules, or names of __init__
                        targets = [a.name if a.name in sources else "__init__" for a in node.names]
                elif node.level == 0 and node.module and node.module.startswith(package):
                    rest = node.module[len(package):].lstrip(".")
                    targets = [rest.split(".")[0] if rest else "__init__"]
            elif isinstance(node, ast.Import):
                targets = [a.name[len(package) + 1:].split(".")[0] or "__init__"
                           for a in node.names if a.name.startswith(package)]
            graph[name] |= {t for t in targets if t in sources and t != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle as a list of modules, or [] when there is none."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = "done"
        stack.pop()
        return []

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return []


def _sources() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(PACKAGE.glob("*.py"))}


def test_no_import_cycle_among_the_package_modules():
    graph = import_graph(_sources())
    assert len(graph) >= 8
    assert find_cycle(graph) == []
    # the layering the package docstring states: the model knows nothing of scans or frames
    assert graph["model"] == {"nmf", "vocab"}
    assert graph["nmf"] == set()
    assert graph["diagnostics"] == set()


def test_the_cycle_check_finds_a_planted_cycle():
    sources = {"__init__": "from .a import f\n", "a": "def f():\n    from .b import g\n",
               "b": "from . import a\n", "c": "import analysis.topics.a\n"}
    graph = import_graph(sources)
    assert graph == {"__init__": {"a"}, "a": {"b"}, "b": {"a"}, "c": {"a"}}
    assert set(find_cycle(graph)) == {"a", "b"}
    assert find_cycle(import_graph({"a": "from analysis.topics import x\n",
                                    "__init__": "from .a import y\n"})) != []


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_files_are_a_few_hundred_lines_at_most(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 350


def test_public_api_is_kept():
    import analysis
    from analysis.topics import TopicModel, analyse_topics, cached_k_scan, topic_settings

    assert analysis.TopicModel is TopicModel and analysis.analyse_topics is analyse_topics
    assert analysis.topic_settings is topic_settings and callable(cached_k_scan)


def test_k_scan_sample_is_seeded_capped_and_in_order():
    from analysis.topics.scan import scan_sample

    texts = [f"unit {i}" for i in range(50)]
    settings = {"scan_max_units": 20, "seed": 7}
    a, b = scan_sample(texts, settings), scan_sample(texts, settings)
    assert a == b and len(a) == 20 and len(set(a)) == 20
    assert a == sorted(a, key=texts.index)  # reading order kept
    assert scan_sample(texts, {"scan_max_units": 50, "seed": 7}) == texts
    assert scan_sample(texts, {"scan_max_units": 20, "seed": 8}) != a
