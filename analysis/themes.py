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
from .arrays import unique_sorted
from .progress import progress
from .corpus import Corpus
from .errors import InputError

#: Settings used when the parameter file has no ``themes:`` section.
THEME_DEFAULTS: dict = {
    "file": None,            # None -> analysis/themes.yaml
    "kwic_chars": 60,        # characters of context either side of a match
    "kwic_keep": 3,          # matches per document and theme written with their context
    "alpha": 0.01,           # significance level for keyness and co-occurrence
    "min_word_freq": 5,      # corpus frequency a word or bigram needs for keyness
    "top_n": 10,             # rows per document in keyness summaries
    "findings_top": 3,       # most frequent themes and co-occurring pairs stated as findings
    "dispersion_min_count": 5,  # matches a theme needs in a document to be called concentrated/spread
    "keyness_keep": 50,      # words/bigrams per document in keyness.csv: significant ones, at most this many
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
#
# One pass over the text finds every place a term can start: the text is
# lower-cased and folded, split into runs of letters and digits, and a run is a
# candidate when it equals a term's first word (or starts with it, for ``*``).
# Only candidates are checked with the term's own compiled pattern, so the
# result is exactly that of running every pattern over the text, in time that
# grows with the text once rather than once per term.

_RUN_RE = re.compile(r"([^\W_]+)")
_UNIT_SEP = "\x00"      # between units: not a word character, whitespace or hyphen


def _fold_table() -> dict[int, int]:
    """Map the characters that IGNORECASE treats as one letter (s/ſ, k/K, ...) to one of them."""
    from re import _casefix  # the table the re module itself uses for IGNORECASE

    table: dict[int, int] = {}
    for key, others in _casefix._EXTRA_CASES.items():
        group = sorted({key, *others, *(ord(chr(c).lower()) for c in (key, *others))})
        for c in group:
            table[c] = group[0]
    return table


_FOLD = {k: v for k, v in _fold_table().items() if k != v}
_FOLD_RE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_FOLD)) + "]")


def _fold(text: str) -> str | None:
    """Lower-cased, case-folded text with the same offsets, or None when lower-casing changes length."""
    low = text.lower()
    if len(low) != len(text):
        return None
    return low.translate(_FOLD) if _FOLD_RE.search(low) else low


@dataclass(frozen=True)
class _Index:
    """Every term of every theme by the first word it can start with."""

    exact: dict          # first word -> [(theme index, term index)]
    prefixes: tuple      # ((prefix, [(theme index, term index)]), ...)
    safe: bool = True    # False: a first word changes length when lower-cased; run every pattern


def _term_index(themes: list[Theme]) -> _Index:
    exact: dict[str, list] = {}
    prefixes: dict[str, list] = {}
    safe = True
    for ti, theme in enumerate(themes):
        for k, term in enumerate(theme.terms):
            first = [w for w in _SPLIT_RE.split(term.strip()) if w][0]
            star = first.endswith("*")
            word = first[:-1] if star else first
            head = re.split("['’]", word)
            target = _fold(head[0])
            if target is None:
                safe, target = False, head[0].lower()
            if star and len(head) == 1:
                prefixes.setdefault(target, []).append((ti, k))
            else:
                exact.setdefault(target, []).append((ti, k))
    return _Index(exact, tuple(prefixes.items()), safe)


def _candidates(index: _Index, run: str, cache: dict) -> list:
    got = cache.get(run)
    if got is None:
        got = list(index.exact.get(run, ()))
        for prefix, terms in index.prefixes:
            if run.startswith(prefix):
                got += terms
        cache[run] = got
    return got


def _token_starts(parts: list[str], starts: np.ndarray) -> np.ndarray:
    """Start offsets of :data:`analysis.text.WORD_RE` words, from the runs of letters and digits.

    A word is runs joined by single inner apostrophes or hyphens, so a run
    starts a new word unless exactly one such character separates it from
    the previous run.
    """
    seps = pd.Series(parts[2:-1:2], dtype=object)
    joined = np.r_[False, seps.isin(["'", "’", "-"]).to_numpy()]
    return starts[~joined]


def _raw_matches(text: str, themes: list[Theme], index: _Index, cache: dict
                 ) -> tuple[list[tuple], np.ndarray]:
    """Every term's matches in `text`, as ``finditer`` finds them, and the text's word starts.

    Returns
    -------
    found : list of (theme index, start, end, term index)
    word_starts : ndarray
        Start offsets of the words of :func:`analysis.text.words` in `text`.
    """
    folded = _fold(text)
    found = []
    if folded is None or not index.safe:   # rare: lower-casing changes offsets; run every pattern
        for ti, theme in enumerate(themes):
            for k, pat in enumerate(theme.patterns):
                found += [(ti, m.start(), m.end(), k) for m in pat.finditer(text)]
        return found, np.array([m.start() for m in T.WORD_RE.finditer(text)], dtype=np.int64)
    parts = _RUN_RE.split(folded)
    runs = parts[1::2]
    if not runs:
        return found, np.zeros(0, dtype=np.int64)
    lengths = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
    starts = (np.cumsum(lengths) - lengths)[1::2]
    words = _token_starts(parts, starts)
    uniq = set(runs)
    hits = cache.setdefault(None, set())          # runs that start some term
    for r in uniq.difference(cache):
        if _candidates(index, r, cache):
            hits.add(r)
    known = uniq & hits
    if not known:
        return found, words
    hit = pd.Series(runs, dtype=object).isin(known).to_numpy()
    for pos in np.flatnonzero(hit):
        p = int(starts[pos])
        for ti, k in cache[runs[pos]]:
            m = themes[ti].patterns[k].match(text, p)
            if m is not None:
                found.append((ti, p, m.end(), k))
    # finditer never returns overlapping matches of one pattern: keep the leftmost chain.
    found.sort(key=lambda f: (f[0], f[3], f[1]))
    out, last = [], {}
    for f in found:
        key = (f[0], f[3])
        if f[1] >= last.get(key, -1):
            out.append(f)
            last[key] = f[2]
    return out, words


def _resolve(found: list[tuple]) -> list[tuple]:
    """Within each theme, overlapping matches count once: longest, then earliest, then first term."""
    kept = []
    by_theme: dict[int, list] = {}
    for f in found:
        by_theme.setdefault(f[0], []).append(f)
    for ti, cands in by_theme.items():
        cands.sort(key=lambda c: (c[1], c[2]))
        group, reach = [], -1
        for c in cands + [None]:
            if c is not None and c[1] < reach:      # overlaps the current group
                group.append(c)
                reach = max(reach, c[2])
                continue
            if len(group) == 1:
                kept.append(group[0])
            elif group:
                kept += _greedy(group)
            if c is not None:
                group, reach = [c], c[2]
    return kept


def _greedy(cands: list[tuple]) -> list[tuple]:
    cands = sorted(cands, key=lambda c: (-(c[2] - c[1]), c[1], c[3]))
    starts: list[int] = []
    kept: list[tuple] = []
    for c in cands:
        s, e = c[1], c[2]
        i = bisect.bisect_left(starts, s)
        if i > 0 and kept[i - 1][2] > s:
            continue
        if i < len(kept) and kept[i][1] < e:
            continue
        starts.insert(i, s)
        kept.insert(i, c)
    return kept


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
    found = _resolve(_raw_matches(text, [theme], _term_index([theme]), {})[0])
    return [(s, e, theme.terms[k]) for _, s, e, k in sorted(found, key=lambda f: f[1])]


def _units(corpus: Corpus) -> pd.DataFrame:
    return corpus.paragraphs


def _contexts(texts: list[str], starts, ends) -> list[str]:
    """``" ".join(text[a:b].split())`` for many slices.

    (Measured: a str.split per slice beats regex passes over the joined slices by 5x.)
    """
    return [" ".join(t[a:b].split()) for t, a, b in zip(texts, starts.tolist(), ends.tolist())]


def _progress(iterable, desc: str, total: int | None = None):
    return progress(iterable, desc, total, unit="doc")


#: Corpora with more characters than this are matched by two forked processes (when the
#: machine has two cores): each batch is independent, and the order of results is kept.
PARALLEL_MIN_CHARS = 20_000_000
#: Characters of whole documents matched in one regex pass.
BATCH_CHARS = 1_000_000
_BATCH_INPUT: tuple = ()    # (unit texts, themes, index), inherited by forked workers


def _match_batch(bounds: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Resolved matches ``(theme, start, end, term)`` and word starts of one batch of units."""
    unit_text, themes, index = _BATCH_INPUT
    a, b = bounds
    cache = _match_batch.__dict__.setdefault("cache", {})      # per process, reused across batches
    found, word_starts = _raw_matches(_UNIT_SEP.join(unit_text[a:b]), themes, index, cache)
    return np.array(_resolve(found), dtype=np.int64).reshape(-1, 4), word_starts


def _matched_batches(batches: list, unit_text: list[str], themes: list[Theme], index: _Index):
    """:func:`_match_batch` of every batch, in order; in two processes for a large corpus."""
    import multiprocessing
    import os

    global _BATCH_INPUT
    _BATCH_INPUT = (unit_text, themes, index)
    _match_batch.__dict__.pop("cache", None)
    chars = sum(map(len, unit_text))
    try:
        if (chars < PARALLEL_MIN_CHARS or len(batches) < 4 or (os.cpu_count() or 1) < 2
                or "fork" not in multiprocessing.get_all_start_methods()):
            yield from map(_match_batch, batches)
            return
        with multiprocessing.get_context("fork").Pool(2) as pool:
            yield from pool.imap(_match_batch, batches)
    finally:
        _BATCH_INPUT = ()       # do not keep the corpus alive


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
    paras = _units(corpus)
    if not themes or paras.empty:
        return pd.DataFrame(columns=MATCH_COLUMNS)
    index = _term_index(themes)
    doc_codes = pd.factorize(paras["doc_id"])[0]
    texts = {d.doc_id: d.text for d in corpus.docs}
    unit_text = paras["text"].tolist()
    lengths = np.fromiter(map(len, unit_text), dtype=np.int64, count=len(unit_text)) + 1
    doc_first = np.r_[0, np.flatnonzero(np.diff(doc_codes)) + 1]
    # Batches of whole documents, about a million characters each: one pass per batch.
    doc_chars = np.add.reduceat(lengths, doc_first)
    batch_of_doc = (np.cumsum(doc_chars) - doc_chars) // BATCH_CHARS
    cuts = np.r_[doc_first[np.r_[0, np.flatnonzero(np.diff(batch_of_doc)) + 1]], len(paras)]
    parts = []   # per batch: unit row, theme index, unit-relative start/end, term index, words before
    doc_words = np.zeros(len(doc_first), dtype=np.int64)
    batches = list(zip(cuts[:-1].tolist(), cuts[1:].tolist()))
    bar = _progress(_matched_batches(batches, unit_text, themes, index),
                    "themes: matching", len(batches))
    for (a, b), (found, word_starts) in zip(batches, bar):
        offsets = np.r_[0, np.cumsum(lengths[a:b])]               # unit starts in the batch
        docs_here = unique_sorted(doc_codes[a:b])
        doc_start = offsets[doc_first[docs_here] - a]
        doc_end = np.r_[doc_start[1:], offsets[-1]]
        doc_words[docs_here] = (np.searchsorted(word_starts, doc_end)
                                - np.searchsorted(word_starts, doc_start))
        if not len(found):
            continue
        ti, s, e, k = found.T
        u = np.searchsorted(offsets, s, side="right") - 1
        before = (np.searchsorted(word_starts, s)
                  - np.searchsorted(word_starts, offsets[doc_first[doc_codes[a + u]] - a]))
        parts.append(np.c_[a + u, ti, s - offsets[u], e - offsets[u], k, before])
    if not parts:
        return pd.DataFrame(columns=MATCH_COLUMNS)
    unit, ti, s, e, k, words_before = np.concatenate(parts).T
    ustart = paras["start"].to_numpy()[unit]
    a, b = ustart + s, ustart + e
    docs = paras["doc_id"].to_numpy()[unit]
    position = words_before / np.maximum(doc_words[doc_codes[unit]], 1)
    doc_text = [texts[d] for d in docs]
    frame = pd.DataFrame({
        "doc_id": docs, "theme": [themes[i].name for i in ti],
        "term": [themes[i].terms[j] for i, j in zip(ti, k)], "start": a, "end": b,
        "text": [t[x:y] for t, x, y in zip(doc_text, a, b)],
        "left": _contexts(doc_text, np.maximum(a - kwic_chars, 0), a),
        "right": _contexts(doc_text, b, b + kwic_chars),
        "section": paras["section"].to_numpy()[unit], "heading": paras["heading"].to_numpy()[unit],
        "paragraph": paras["paragraph"].to_numpy()[unit],
        "paragraph_id": paras["paragraph_id"].to_numpy()[unit], "position": position,
    }, columns=MATCH_COLUMNS)
    order = np.lexsort((a, ti, doc_codes[unit]))
    return frame.iloc[order].reset_index(drop=True)


def cap_context(matches: pd.DataFrame, keep: int | None) -> pd.DataFrame:
    """Keep the KWIC context of the first `keep` matches per document and theme.

    The written match list grows with the corpus; its context and heading
    columns (about two thirds of its size) need not. Later matches keep their
    offsets, section, paragraph and text, so every match stays checkable against
    the document (the heading of each section is in ``theme_section_counts.csv``).

    Parameters
    ----------
    matches : pandas.DataFrame
        From :func:`find_matches`, in reading order within each document and theme.
    keep : int or None
        None keeps every row's context.

    Returns
    -------
    pandas.DataFrame
        A copy with ``left``, ``right`` and ``heading`` empty after the first `keep`
        rows of each group.
    """
    if keep is None or matches.empty:
        return matches
    late = matches.groupby(["doc_id", "theme"], sort=False).cumcount().to_numpy() >= keep
    if not late.any():
        return matches
    out = matches.copy()
    out.loc[late, ["left", "right", "heading"]] = ""
    return out


# --------------------------------------------------------------------------- counts

def document_words(corpus: Corpus) -> pd.Series:
    """Words per document, counted as :func:`analysis.stats.document_stats` does.

    Returns
    -------
    pandas.Series
        Indexed by ``doc_id``.
    """
    sents = corpus.sentences
    got = sents.groupby("doc_id", sort=False)["words"].sum()
    return pd.Series([int(got.get(d, 0)) for d in corpus.doc_ids], index=corpus.doc_ids,
                     name="words", dtype=int)


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
    cols = ["doc_id", "theme", "count", "words", "per_1k_words", "paragraphs", "paragraphs_total",
            "paragraph_share", "baseline"]
    docs, names = corpus.doc_ids, [t.name for t in themes]
    if not docs or not names:
        return pd.DataFrame(columns=cols)
    words = document_words(corpus).to_numpy(dtype=float)
    units = _units(corpus).groupby("doc_id").size().reindex(docs, fill_value=0).to_numpy()
    grid = pd.MultiIndex.from_product([docs, names], names=["doc_id", "theme"])
    g = matches.groupby(["doc_id", "theme"])
    count = g.size().reindex(grid, fill_value=0).to_numpy()
    hit = g["paragraph_id"].nunique().reindex(grid, fill_value=0).to_numpy()
    w = np.repeat(words, len(names))
    n_units = np.repeat(units, len(names))
    with np.errstate(divide="ignore", invalid="ignore"):
        per_1k = np.where(w > 0, 1000 * count / np.where(w > 0, w, 1), np.nan)
        share = np.where(n_units > 0, hit / np.where(n_units > 0, n_units, 1), np.nan)
    return pd.DataFrame({
        "doc_id": grid.get_level_values(0), "theme": grid.get_level_values(1),
        "count": count.astype(int), "words": w.astype(int), "per_1k_words": per_1k,
        "paragraphs": hit.astype(int), "paragraphs_total": n_units.astype(int),
        "paragraph_share": share, "baseline": np.tile([t.baseline for t in themes], len(docs)),
    }, columns=cols)


def section_counts(corpus: Corpus, themes: list[Theme], matches: pd.DataFrame) -> pd.DataFrame:
    """Counts per document, section and theme (zeros included).

    Returns
    -------
    pandas.DataFrame
        ``doc_id``, ``section``, ``heading``, ``theme``, ``count``, ``words``
        (body words in the section) and ``per_1k_words``.
    """
    cols = ["doc_id", "section", "heading", "theme", "count", "words", "per_1k_words"]
    secs = corpus.sections
    names = [t.name for t in themes]
    if secs.empty or not names:
        return pd.DataFrame(columns=cols)
    got = matches.groupby(["doc_id", "section", "theme"]).size()
    rep = np.repeat(np.arange(len(secs)), len(names))
    theme = np.tile(np.array(names, dtype=object), len(secs))
    doc = secs["doc_id"].to_numpy()[rep]
    sec = secs["section"].to_numpy()[rep]
    key = pd.MultiIndex.from_arrays([doc, sec, theme])
    n = got.reindex(key, fill_value=0).to_numpy().astype(int)
    w = secs["words"].to_numpy()[rep].astype(int)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_1k = np.where(w > 0, 1000 * n / np.where(w > 0, w, 1), np.nan)
    return pd.DataFrame({"doc_id": doc, "section": sec, "heading": secs["heading"].to_numpy()[rep],
                         "theme": theme, "count": n, "words": w, "per_1k_words": per_1k},
                        columns=cols)


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
    keep = settings.get("keyness_keep")
    key = keyness(corpus, counts[~counts.baseline], float(settings["alpha"]),
                  int(settings["min_word_freq"]), None if keep is None else int(keep))
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
