"""Findings: structured statements with their values and a pointer to the evidence.

A :class:`Finding` is what a report says, kept apart from how it is said:

- ``key``: a stable name, e.g. ``"themes.most_frequent"``;
- ``template``: the sentence, with ``{name}`` fields (``str.format`` syntax);
- ``values``: the numbers and names that fill the template;
- ``evidence``: the CSV file and rows that back it, and which of its columns
  hold which value, so a test (or a reader) can check every number.

Notebooks and the summary draw their prose from findings, so the same number
never reads two ways. No file I/O here; :func:`findings_frame` gives the
table the command line writes as ``findings.csv``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pandas as pd

FINDING_COLUMNS = ["key", "analysis", "statement", "template", "values", "evidence_file",
                   "evidence_column", "evidence_rows", "value_columns"]


@dataclass(frozen=True)
class Evidence:
    """Rows of a CSV file that back a finding.

    Parameters
    ----------
    file : str
        CSV file name under the output folder, e.g. ``"theme_counts.csv"``.
    column : str
        The column that identifies rows (e.g. ``"theme"`` or ``"doc_id"``).
    rows : tuple
        The values of `column` of the backing rows; empty means the whole file.
    value_columns : dict
        ``value name -> CSV column``: the finding's value equals that column
        in the backing row (the first one when there are several).
    """

    file: str
    column: str = ""
    rows: tuple = ()
    value_columns: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    """A statement with its values and its evidence.

    Parameters
    ----------
    key : str
        Stable name, ``"<analysis>.<what>"``.
    template : str
        ``str.format`` template; a field may carry a format spec (``{share:.0%}``).
    values : dict
        Fills the template.
    evidence : Evidence, optional
    """

    key: str
    template: str
    values: dict = field(default_factory=dict)
    evidence: Evidence | None = None

    @property
    def analysis(self) -> str:
        return self.key.split(".", 1)[0]

    def text(self, escape=None) -> str:
        """The statement, its string values passed through `escape` first (e.g. Markdown escaping)."""
        vals = {k: (escape(v) if escape and isinstance(v, str) else v) for k, v in self.values.items()}
        return self.template.format(**vals)

    def __str__(self) -> str:
        return self.text()


class Findings(list):
    """A list of :class:`Finding` with lookup by key."""

    def get(self, key: str, default=None) -> Finding | None:
        for f in self:
            if f.key == key:
                return f
        return default

    def __getitem__(self, item):
        if isinstance(item, str):
            found = self.get(item)
            if found is None:
                raise KeyError(item)
            return found
        return super().__getitem__(item)

    def keys(self) -> list[str]:
        return [f.key for f in self]


def _jsonable(v):
    if hasattr(v, "item"):
        return v.item()
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    return v


def findings_frame(findings) -> pd.DataFrame:
    """One row per finding, for ``findings.csv``.

    Parameters
    ----------
    findings : iterable of Finding

    Returns
    -------
    DataFrame
        ``key``, ``analysis``, ``statement``, ``template``, ``values`` (JSON),
        ``evidence_file``, ``evidence_column``, ``evidence_rows`` (JSON list)
        and ``value_columns`` (JSON mapping).
    """
    rows = []
    for f in findings:
        ev = f.evidence
        rows.append({
            "key": f.key, "analysis": f.analysis, "statement": f.text(), "template": f.template,
            "values": json.dumps({k: _jsonable(v) for k, v in f.values.items()}, sort_keys=True),
            "evidence_file": ev.file if ev else "", "evidence_column": ev.column if ev else "",
            "evidence_rows": json.dumps([_jsonable(r) for r in ev.rows]) if ev else "[]",
            "value_columns": json.dumps(ev.value_columns if ev else {}, sort_keys=True),
        })
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def first_items(listing: str, most: int = 3, sep: str = "; ", noun: str = "more") -> str:
    """A `sep`-separated listing cut after its first `most` items, saying how many are left out.

    ``first_items("A; B; C; D", 2)`` is ``"A; B and 2 more"``. Findings keep
    the whole listing (their evidence is the CSV cell); prose shows the start.
    """
    items = [i for i in str(listing).split(sep) if i]
    if len(items) <= most:
        return str(listing)
    return sep.join(items[:most]) + f" and {len(items) - most:,} {noun}"
