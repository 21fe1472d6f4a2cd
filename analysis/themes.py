"""Theme frequency: dictionary loading, auditable matching, counts and evidence.

A theme dictionary is a YAML file::

    baseline:                      # optional: subjects every document shares
      peacekeeping:
        - peacekeep*
    themes:
      gender:
        - gender
        - women
      training and capacity building:
        - train*
        - capacity building

Matching rules (see :func:`compile_term`):

- matching is case-insensitive and on word boundaries: ``war`` does not
  match inside ``warfare``, but does match the ``war`` of ``post-war``,
  because a hyphen is a boundary;
- a trailing ``*`` matches any continuation of the word: ``train*`` matches
  train, trained, training and trainers;
- the words of a multi-word term match across any run of whitespace
  (including line breaks) or a hyphen: ``capacity building`` matches
  "capacity-building" and "capacity\\nbuilding"; a term written with a
  hyphen behaves the same way;
- within one theme, overlapping matches count once and the longest wins
  (ties go to the earlier match, then to the term listed first); different
  themes are counted independently, so one phrase may count for two themes;
- only body text is searched (paragraphs, bullet items and list leads), not
  headings, so counts and the word counts they are divided by cover the same
  text;
- *baseline subjects* (the optional ``baseline:`` mapping, same format) are
  the subjects the whole corpus is about. They are matched and counted like
  themes, but kept out of keyness, co-occurrence and every "most frequent"
  or "most distinctive" ranking, so that a ranking says what a document
  stresses beyond what every document shares.

Every count is backed by one row of :func:`find_matches`, with character
offsets into the document and keyword-in-context (KWIC) text, so every
number can be checked. Keyness, dispersion and co-occurrence live in
:mod:`analysis.keyness`.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from . import text as T
from .corpus import Corpus
from .errors import InputError

#: Settings used when the parameter file has no ``themes:`` section.
THEME_DEFAULTS: dict = {
    "file": None,            # None -> analysis/themes.yaml
    "kwic_chars": 60,        # characters of context either side of a match
    "alpha": 0.01,           # significance level for keyness and co-occurrence
    "min_word_freq": 5,      # corpus frequency a word or bigram needs for keyness
    "top_n": 10,             # rows per document in keyness summaries
    "findings_top": 3,       # most frequent themes and co-occurring pairs stated as findings
    "dispersion_min_count": 5,  # matches a theme needs in a document to be called concentrated/spread
}

_WORD = r"[^\W_]"
_TERM_WORD_RE = re.compile(r"^[^\W_]+(?:['’][^\W_]+)*\*?$")
_SEPARATOR = r"(?:\s*[-‐‑]\s*|\s+)"
_SPLIT_RE = re.compile(r"\s+|\s*[-‐‑]\s*")

MATCH_COLUMNS = ["doc_id", "theme", "term", "start", "end", "text", "left", "right",
                 "section", "heading", "paragraph", "paragraph_id", "position"]


def theme_settings(params: dict | None) -> dict:
    """The ``themes:`` settings from the parameter file, with defaults filled in.

    Parameters
    ----------
    params : dict or None
        As returned by :func:`analysis.config.load_params`.

    Returns
    -------
    dict
        Keys of :data:`THEME_DEFAULTS`.
    """
    out = dict(THEME_DEFAULTS)
    section = (params or {}).get("themes") or {}
    if not isinstance(section, dict):
        raise InputError("the 'themes' section of the parameter file must be a mapping of settings")
    out.update(section)
    return out


# --------------------------------------------------------------------------- dictionary

@dataclass(frozen=True)
class Theme:
    """One theme: its name, its terms as written, and their compiled patterns."""

    name: str
    terms: tuple[str, ...]
    patterns: tuple[re.Pattern, ...]
    baseline: bool = False   # a subject every document shares: counted, never ranked


def compile_term(term: str, theme: str = "?") -> re.Pattern:
    """Compile one dictionary term into a case-insensitive regular expression.

    Parameters
    ----------
    term : str
        One or more words separated by spaces or hyphens. Words hold letters,
        digits and inner apostrophes; a word may end in ``*``.
    theme : str
        The theme name, used in error messages.

    Returns
    -------
    re.Pattern

    Raises
    ------
    InputError
        If the term is empty or holds characters other than the above
        (for example ``*`` at the start of a word, or regex syntax).
    """
    if not isinstance(term, str) or not term.strip():
        raise InputError(f"theme '{theme}' has an empty term: every term needs at least one word")
    parts = [p for p in _SPLIT_RE.split(term.strip()) if p]
    pieces = []
    for part in parts:
        if not _TERM_WORD_RE.match(part):
            raise InputError(
                f"theme '{theme}': term '{term}' is not a valid pattern: use words of letters, "
                "digits and apostrophes, separated by spaces or hyphens, with an optional "
                "trailing * (e.g. 'train*', 'capacity building')")
        star = part.endswith("*")
        word = part[:-1] if star else part
        body = "['’]".join(re.escape(w) for w in re.split("['’]", word))
        pieces.append(body + (rf"{_WORD}*" if star else ""))
    pattern = rf"(?<!{_WORD})" + _SEPARATOR.join(pieces) + rf"(?!{_WORD})"
    return re.compile(pattern, re.IGNORECASE)


def _parse_group(group: dict, source: str, baseline: bool, seen_names: set) -> list[Theme]:
    out = []
    for name, terms in group.items():
        name = str(name).strip()
        if not name:
            raise InputError(f"{source}: a theme has an empty name")
        if name in seen_names:
            raise InputError(f"{source}: '{name}' is listed twice (under 'themes:' and "
                             "'baseline:' together, names must be unique)")
        seen_names.add(name)
        if isinstance(terms, str):
            terms = [terms]
        if not terms:
            raise InputError(f"{source}: theme '{name}' has no terms: list at least one")
        if not isinstance(terms, list):
            raise InputError(f"{source}: theme '{name}' must be a list of terms, "
                             f"not {type(terms).__name__}")
        seen, clean = set(), []
        for term in terms:
            if not isinstance(term, str):
                raise InputError(f"{source}: theme '{name}': term {term!r} is not text: "
                                 "quote it in the YAML file")
            norm = " ".join(_SPLIT_RE.split(term.strip().lower()))
            if norm in seen:
                raise InputError(f"{source}: theme '{name}': term '{term}' is listed twice")
            seen.add(norm)
            clean.append(term.strip())
        try:
            patterns = tuple(compile_term(t, name) for t in clean)
        except InputError as exc:
            raise InputError(f"{source}: {exc}") from None
        out.append(Theme(name, tuple(clean), patterns, baseline))
    return out


def parse_themes(data, source: str = "theme dictionary") -> list[Theme]:
    """Validate a parsed YAML theme dictionary and compile its terms.

    Parameters
    ----------
    data : object
        The result of ``yaml.safe_load``: a mapping with a ``themes`` key
        whose value maps theme names to lists of terms (a single string is
        accepted as a one-term list), and optionally a ``baseline`` key of
        the same form: the subjects every document shares.
    source : str
        The file name, used in error messages.

    Returns
    -------
    list of Theme
        Baseline subjects first, then the themes, each in the order of the file.

    Raises
    ------
    InputError
        For a missing ``themes`` mapping, an empty theme, a non-string term,
        an invalid pattern, a term listed twice in one theme, or a name used twice.
    """
    if not isinstance(data, dict) or not isinstance(data.get("themes"), dict):
        raise InputError(f"{source}: expected a top-level 'themes:' mapping of theme name to a "
                         "list of terms")
    if not data["themes"]:
        raise InputError(f"{source}: 'themes:' is empty: add at least one theme with terms")
    baseline = data.get("baseline") or {}
    if not isinstance(baseline, dict):
        raise InputError(f"{source}: 'baseline:' must be a mapping of subject name to a list "
                         "of terms, like 'themes:'")
    names: set = set()
    return (_parse_group(baseline, source, True, names)
            + _parse_group(data["themes"], source, False, names))


def load_themes(path: str | Path | None = None) -> list[Theme]:
    """Read a theme dictionary file.

    Parameters
    ----------
    path : str or Path, optional
        A YAML file; defaults to the dictionary shipped at ``analysis/themes.yaml``.

    Returns
    -------
    list of Theme

    Raises
    ------
    InputError
        If the file is missing, unreadable, not YAML, or invalid (see :func:`parse_themes`).
    """
    from .config import DEFAULT_THEMES_FILE

    path = Path(path) if path is not None else DEFAULT_THEMES_FILE
    if not path.is_file():
        raise InputError(f"theme dictionary '{path}' does not exist: pass a YAML file with --themes")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise InputError(f"theme dictionary '{path}' is not UTF-8 text: re-save it as UTF-8") from None
    except yaml.YAMLError as exc:
        reason = " ".join(str(exc).split())
        raise InputError(f"theme dictionary '{path}' is not valid YAML: {reason}") from None
    return parse_themes(data, source=f"theme dictionary '{path}'")


def load_dropped(path: str | Path | None = None) -> dict[str, str]:
    """The optional ``dropped:`` mapping of a dictionary file: term -> why it was left out.

    Curators record there the terms whose matches proved ambiguous, so reports
    can say what was excluded. Returns an empty dict when the key is absent
    or the file cannot be read (errors are raised by :func:`load_themes`).
    """
    from .config import DEFAULT_THEMES_FILE

    path = Path(path) if path is not None else DEFAULT_THEMES_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    dropped = data.get("dropped") if isinstance(data, dict) else None
    if not isinstance(dropped, dict):
        return {}
    return {str(k): str(v) for k, v in dropped.items()}


def themes_file(params: dict | None, path: str | Path | None = None) -> Path:
    """The dictionary file to use: `path`, else ``themes.file`` in the parameters, else the default."""
    from .config import DEFAULT_THEMES_FILE, resolve_path

    if path is not None:
        return Path(path)
    file = theme_settings(params).get("file")
    return resolve_path(file) if file else DEFAULT_THEMES_FILE


def themes_from_params(params: dict | None, path: str | Path | None = None) -> list[Theme]:
    """Load the dictionary named by `path`, else by ``themes.file`` in the parameters.

    Relative ``themes.file`` paths resolve against the project root.
    """
    return load_themes(themes_file(params, path))


def themes_frame(themes: list[Theme]) -> pd.DataFrame:
    """One row per theme and term: ``theme``, ``term``, ``baseline`` (a shared subject)."""
    return pd.DataFrame([{"theme": t.name, "term": term, "baseline": t.baseline}
                         for t in themes for term in t.terms],
                        columns=["theme", "term", "baseline"])


# --------------------------------------------------------------------------- matching

def match_text(text: str, theme: Theme) -> list[tuple[int, int, str]]:
    """Matches of one theme in a text, overlaps resolved.

    Parameters
    ----------
    text : str
    theme : Theme

    Returns
    -------
    list of (start, end, term)
        Sorted by start. Where matches of different terms overlap, the
        longest is kept (then the earlier, then the term listed first).
    """
    cands = []
    for order, (term, pat) in enumerate(zip(theme.terms, theme.patterns)):
        for m in pat.finditer(text):
            cands.append((m.start(), m.end(), order, term))
    cands.sort(key=lambda c: (-(c[1] - c[0]), c[0], c[2]))
    starts: list[int] = []
    kept: list[tuple[int, int, str]] = []
    for s, e, _, term in cands:
        i = bisect.bisect_left(starts, s)
        if i > 0 and kept[i - 1][1] > s:
            continue
        if i < len(kept) and kept[i][0] < e:
            continue
        starts.insert(i, s)
        kept.insert(i, (s, e, term))
    return kept


def _units(corpus: Corpus) -> pd.DataFrame:
    return corpus.paragraphs


def _context(text: str, a: int, b: int) -> str:
    return " ".join(text[a:b].split())


def find_matches(corpus: Corpus, themes: list[Theme], kwic_chars: int = 60) -> pd.DataFrame:
    """Every theme match in the corpus body text, with keyword-in-context evidence.

    Parameters
    ----------
    corpus : Corpus
    themes : list of Theme
    kwic_chars : int
        Characters of context on each side (whitespace runs shown as one space).

    Returns
    -------
    pandas.DataFrame
        One row per counted match: ``doc_id``, ``theme``, ``term`` (the
        dictionary term that matched), ``start``, ``end`` (offsets into the
        document text), ``text`` (exactly ``doc.text[start:end]``), ``left``,
        ``right``, ``section``, ``heading``, ``paragraph``, ``paragraph_id``
        and ``position`` (relative position in the document's body words,
        0 = first word, 1 = end).
    """
    rows = []
    paras = _units(corpus)
    for d in corpus.docs:
        p = paras[paras.doc_id == d.doc_id]
        word_starts = sorted(a + s for a, b in zip(p.start, p.end)
                             for s, _ in T.word_spans(d.text[a:b]))
        n_words = max(len(word_starts), 1)
        for unit in p.itertuples(index=False):
            body = d.text[unit.start:unit.end]
            for theme in themes:
                for s, e, term in match_text(body, theme):
                    a, b = unit.start + s, unit.start + e
                    rows.append({
                        "doc_id": d.doc_id, "theme": theme.name, "term": term,
                        "start": a, "end": b, "text": d.text[a:b],
                        "left": _context(d.text, max(0, a - kwic_chars), a),
                        "right": _context(d.text, b, b + kwic_chars),
                        "section": unit.section, "heading": unit.heading,
                        "paragraph": unit.paragraph, "paragraph_id": unit.paragraph_id,
                        "position": bisect.bisect_left(word_starts, a) / n_words,
                    })
    frame = pd.DataFrame(rows, columns=MATCH_COLUMNS)
    order = {t.name: i for i, t in enumerate(themes)}
    if len(frame):
        frame = (frame.assign(_t=frame.theme.map(order), _d=frame.doc_id.map(
                    {d: i for i, d in enumerate(corpus.doc_ids)}))
                 .sort_values(["_d", "_t", "start"]).drop(columns=["_t", "_d"])
                 .reset_index(drop=True))
    return frame


# --------------------------------------------------------------------------- counts

def document_words(corpus: Corpus) -> pd.Series:
    """Words per document, counted as :func:`analysis.stats.document_stats` does.

    Returns
    -------
    pandas.Series
        Indexed by ``doc_id``.
    """
    sents = corpus.sentences
    return pd.Series({d: len(T.words(" ".join(sents.text[sents.doc_id == d])))
                      for d in corpus.doc_ids}, name="words", dtype=int)


def theme_counts(corpus: Corpus, themes: list[Theme], matches: pd.DataFrame) -> pd.DataFrame:
    """Counts per document and theme, from the evidence rows.

    Parameters
    ----------
    corpus : Corpus
    themes : list of Theme
    matches : pandas.DataFrame
        From :func:`find_matches`.

    Returns
    -------
    pandas.DataFrame
        One row per document and theme (zeros included): ``doc_id``,
        ``theme``, ``count``, ``words``, ``per_1k_words``, ``paragraphs``
        (units that mention the theme), ``paragraphs_total``,
        ``paragraph_share`` and ``baseline`` (a subject every document shares). Paragraphs here are every body unit: prose
        paragraphs, bullet items and list leads.
    """
    words = document_words(corpus)
    units = _units(corpus).groupby("doc_id").size()
    rows = []
    for d in corpus.doc_ids:
        m = matches[matches.doc_id == d]
        for t in themes:
            mt = m[m.theme == t.name]
            n_units = int(units.get(d, 0))
            hit = int(mt.paragraph_id.nunique())
            rows.append({
                "doc_id": d, "theme": t.name, "count": len(mt), "words": int(words[d]),
                "per_1k_words": 1000 * len(mt) / words[d] if words[d] else float("nan"),
                "paragraphs": hit, "paragraphs_total": n_units,
                "paragraph_share": hit / n_units if n_units else float("nan"),
                "baseline": t.baseline,
            })
    return pd.DataFrame(rows, columns=["doc_id", "theme", "count", "words", "per_1k_words",
                                       "paragraphs", "paragraphs_total", "paragraph_share",
                                       "baseline"])


def section_counts(corpus: Corpus, themes: list[Theme], matches: pd.DataFrame) -> pd.DataFrame:
    """Counts per document, section and theme (zeros included).

    Returns
    -------
    pandas.DataFrame
        ``doc_id``, ``section``, ``heading``, ``theme``, ``count``, ``words``
        (body words in the section) and ``per_1k_words``.
    """
    secs = corpus.sections
    got = matches.groupby(["doc_id", "section", "theme"]).size()
    rows = []
    for s in secs.itertuples(index=False):
        for t in themes:
            n = int(got.get((s.doc_id, s.section, t.name), 0))
            rows.append({"doc_id": s.doc_id, "section": s.section, "heading": s.heading,
                         "theme": t.name, "count": n, "words": int(s.words),
                         "per_1k_words": 1000 * n / s.words if s.words else float("nan")})
    return pd.DataFrame(rows, columns=["doc_id", "section", "heading", "theme", "count", "words",
                                       "per_1k_words"])


def rate_matrix(counts: pd.DataFrame, value: str = "per_1k_words") -> pd.DataFrame:
    """Documents by themes, in the order they appear in `counts`."""
    wide = counts.pivot(index="doc_id", columns="theme", values=value)
    return wide.loc[list(dict.fromkeys(counts.doc_id)), list(dict.fromkeys(counts.theme))]


def analyse_themes(corpus: Corpus, params: dict | None = None, themes_path: str | Path | None = None,
                   settings: dict | None = None) -> dict:
    """Run the whole theme analysis: the one entry point for the CLI and notebook 02.

    Parameters
    ----------
    corpus : Corpus
    params : dict, optional
        The parameter file's settings (``themes:`` section).
    themes_path : str or Path, optional
        A dictionary file overriding ``themes.file``.
    settings : dict, optional
        Already-resolved settings (see :func:`theme_settings`); overrides `params`.

    Returns
    -------
    dict
        ``themes`` (list of Theme, baseline subjects first), ``file`` (Path),
        ``dropped`` (dict), ``settings``, and frames ``labels`` (see
        :func:`analysis.labels.document_labels`), ``terms``, ``matches``,
        ``counts``, ``sections``, ``dispersion`` (with each document's
        ``label``), ``cooccurrence`` and ``keyness`` (themes only: baseline
        subjects are not compared), ``summary`` (one row per theme, see
        :func:`analysis.theme_tables.theme_summary`) and ``profile`` (each
        document's most frequent and most distinctive theme, see
        :func:`analysis.theme_tables.theme_profile`).
    """
    from .config import PROJECT_ROOT
    from .keyness import cooccurrence, dispersion, keyness
    from .labels import document_labels, label_map
    from .theme_tables import theme_profile, theme_summary

    settings = settings or theme_settings(params)
    path = themes_file({"themes": settings}, themes_path)
    themes = load_themes(path)
    topical = [t.name for t in themes if not t.baseline]
    labels = document_labels(corpus.documents, (params or {}).get("documents"), PROJECT_ROOT)
    lmap = label_map(labels)
    matches = find_matches(corpus, themes, int(settings["kwic_chars"]))
    counts = theme_counts(corpus, themes, matches)
    sections = section_counts(corpus, themes, matches)
    key = keyness(corpus, counts[~counts.baseline], float(settings["alpha"]),
                  int(settings["min_word_freq"]))
    disp = dispersion(matches, sections)
    disp.insert(2, "label", disp.doc_id.map(lmap))
    return {
        "themes": themes, "file": path, "dropped": load_dropped(path), "settings": settings,
        "labels": labels, "terms": themes_frame(themes), "matches": matches, "counts": counts,
        "sections": sections, "dispersion": disp,
        "cooccurrence": cooccurrence(matches[matches.theme.isin(topical)], corpus.paragraphs,
                                     topical, float(settings["alpha"])),
        "keyness": key,
        "summary": theme_summary(themes, counts, lmap),
        "profile": theme_profile(counts, key, lmap),
    }


# --------------------------------------------------------------------------- report summaries

def kwic_sample(matches: pd.DataFrame, pairs: pd.DataFrame, n: int = 2) -> pd.DataFrame:
    """Up to `n` evidence rows for each (doc_id, theme) pair in `pairs`, spread over the document.

    The rows are taken at evenly spaced ranks of the pair's matches, so
    the sample is not just the first paragraph.
    """
    parts = []
    for r in pairs[["doc_id", "theme"]].itertuples(index=False):
        m = matches[(matches.doc_id == r.doc_id) & (matches.theme == r.theme)]
        if len(m):
            take = np.unique(np.linspace(0, len(m) - 1, min(n, len(m))).round().astype(int))
            parts.append(m.iloc[take])
    if not parts:
        return matches.iloc[0:0]
    return pd.concat(parts, ignore_index=True)
