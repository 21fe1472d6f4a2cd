"""Read a folder of text documents into a structure with ids and offsets.

A document is split into sections (led by heading lines), then paragraphs,
bullet items and list leads, then sentences. Every unit keeps character
offsets into the document's decoded text, so ``doc.text[start:end]`` is
exactly the unit's text.
"""

from __future__ import annotations

import codecs
import gc
import hashlib
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from . import text as T
from .errors import InputError

INTRO_HEADING = "(Introduction)"


@dataclass(frozen=True)
class Unit:
    """A paragraph, bullet item or list lead inside a section."""

    paragraph: int
    kind: str  # "paragraph" | "bullet" | "list_lead"
    start: int
    end: int
    sentences: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Section:
    """A heading (or the untitled introduction) and the units under it."""

    section: int
    heading: str
    start: int  # start of the heading line, or of the first unit
    end: int
    heading_span: tuple[int, int] | None
    units: tuple[Unit, ...]


@dataclass(frozen=True)
class Document:
    """One parsed document.

    Attributes
    ----------
    doc_id : str
        The file stem, or the whole file name where stems collide.
    title : str
        A leading title line, else the first heading, else the file stem.
    text : str
        The decoded text; every offset indexes it.
    path : Path
    encoding : str
        The codec the bytes were decoded with.
    sections : tuple of Section
    """

    doc_id: str
    title: str
    text: str
    path: Path
    encoding: str
    sections: tuple[Section, ...]


@dataclass
class Corpus:
    """A set of parsed documents and the warnings met while reading them.

    The tidy frames (`documents`, `sections`, `paragraphs`, `sentences`) are
    built once on first use and share column names across the package:
    ``doc_id``, ``section``, ``paragraph``, ``sentence_id``, ``start``,
    ``end``, ``text``.
    """

    docs: list[Document]
    root: Path | None = None
    warnings: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.docs)

    def __iter__(self):
        return iter(self.docs)

    @property
    def doc_ids(self) -> list[str]:
        return [d.doc_id for d in self.docs]

    def doc(self, doc_id: str) -> Document:
        """The document with this id."""
        for d in self.docs:
            if d.doc_id == doc_id:
                return d
        raise KeyError(doc_id)

    @cached_property
    def documents(self) -> pd.DataFrame:
        """One row per document: ``doc_id``, ``title``, ``file``, ``chars``, ``encoding``."""
        return pd.DataFrame(
            [
                {"doc_id": d.doc_id, "title": d.title, "file": d.path.name,
                 "chars": len(d.text), "encoding": d.encoding}
                for d in self.docs
            ],
            columns=["doc_id", "title", "file", "chars", "encoding"],
        )

    @cached_property
    def sections(self) -> pd.DataFrame:
        """One row per section, in reading order."""
        rows = []
        for d in self.docs:
            for s in d.sections:
                rows.append({
                    "doc_id": d.doc_id,
                    "section_id": f"{d.doc_id}:h{s.section:02d}",
                    "section": s.section,
                    "heading": s.heading,
                    "start": s.start,
                    "end": s.end,
                    "paragraphs": len(s.units),
                    "sentences": sum(len(u.sentences) for u in s.units),
                })
        frame = pd.DataFrame(rows, columns=["doc_id", "section_id", "section", "heading", "start",
                                            "end", "paragraphs", "sentences"])
        # A unit's sentences cover all of its words (they split it at whitespace), so a
        # section's words are its sentences' words: counted once, not tokenised again.
        sents = self.sentences
        got = sents.groupby(["doc_id", "section"], sort=False)["words"].sum()
        key = pd.MultiIndex.from_arrays([frame["doc_id"], frame["section"]])
        frame["words"] = got.reindex(key, fill_value=0).to_numpy().astype(int)
        return frame

    @cached_property
    def paragraphs(self) -> pd.DataFrame:
        """One row per paragraph, bullet item or list lead."""
        rows = []
        for d in self.docs:
            for s in d.sections:
                for u in s.units:
                    rows.append({
                        "doc_id": d.doc_id,
                        "paragraph_id": f"{d.doc_id}:p{u.paragraph:03d}",
                        "section": s.section,
                        "heading": s.heading,
                        "paragraph": u.paragraph,
                        "kind": u.kind,
                        "start": u.start,
                        "end": u.end,
                        "text": d.text[u.start:u.end],
                    })
        return pd.DataFrame(rows, columns=["doc_id", "paragraph_id", "section", "heading",
                                           "paragraph", "kind", "start", "end", "text"])

    @cached_property
    def sentences(self) -> pd.DataFrame:
        """One row per sentence, with its position and exact text."""
        # Built column by column: a dict per row costs more than the splitting itself.
        cols: dict[str, list] = {c: [] for c in ("doc_id", "sentence_id", "section", "heading",
                                                 "paragraph", "paragraph_id", "kind", "start",
                                                 "end", "text")}
        for d in self.docs:
            n = 0
            for s in d.sections:
                for u in s.units:
                    k = len(u.sentences)
                    if not k:
                        continue
                    cols["sentence_id"].extend(f"{d.doc_id}:s{i:04d}" for i in range(n, n + k))
                    cols["paragraph_id"].extend([f"{d.doc_id}:p{u.paragraph:03d}"] * k)
                    for key, value in (("doc_id", d.doc_id), ("section", s.section),
                                       ("heading", s.heading), ("paragraph", u.paragraph),
                                       ("kind", u.kind)):
                        cols[key].extend([value] * k)
                    cols["start"].extend(a for a, _ in u.sentences)
                    cols["end"].extend(b for _, b in u.sentences)
                    cols["text"].extend(d.text[a:b] for a, b in u.sentences)
                    n += k
        frame = pd.DataFrame(cols)
        *tokens, marks = T.tokenize(cols["text"], marks=True)
        self.__dict__["sentence_tokens"] = tuple(tokens)    # fills the cached properties below
        self.__dict__["sentence_marks"] = marks
        frame["words"] = np.bincount(tokens[2], minlength=len(frame))
        return frame

    @cached_property
    def sentence_tokens(self) -> tuple:
        """Every sentence's lower-cased words, tokenised once for the whole corpus.

        Returns
        -------
        tuple
            ``(vocabulary, ids, sentence)`` as :func:`analysis.text.tokenize` gives
            them; ``sentence`` indexes the rows of :attr:`sentences`.
        """
        frame = self.sentences               # building the frame tokenises it ...
        got = self.__dict__.get("sentence_tokens")
        return got if got is not None else T.tokenize(frame["text"].tolist())  # ... unless built before

    @cached_property
    def sentence_marks(self):
        """Where the sentences' punctuation and other non-word characters lie among their words.

        Returns
        -------
        (ndarray, ndarray) or None
            ``marks`` of :func:`analysis.text.tokenize`: per mark, the number
            of :attr:`sentence_tokens` words before it and its sentence's row.
        """
        frame = self.sentences               # found with the words when the frame was built
        if "sentence_marks" in self.__dict__:
            return self.__dict__["sentence_marks"]
        return T.tokenize(frame["text"].tolist(), marks=True)[3]

    def paragraph_tokens(self, marks: bool = False) -> tuple:
        """Every paragraph's lower-cased words: the sentences' tokens, regrouped.

        A unit's sentences split it at whitespace and cover all of its words,
        so a paragraph's words are its sentences' words in order, and the
        paragraphs need no tokenising of their own. Not kept: an array as long
        as the corpus, asked for once.

        Parameters
        ----------
        marks : bool
            Also give the paragraphs' marks (:attr:`sentence_marks`).

        Returns
        -------
        tuple
            ``(vocabulary, ids, paragraph)`` as :func:`analysis.text.tokenize`
            gives them for the texts of :attr:`paragraphs`; ``paragraph``
            indexes its rows. With `marks`, a fourth item: per mark, the
            number of words before it and its paragraph's row (None when the
            sentences' marks are unknown).
        """
        vocab, ids, sentence = self.sentence_tokens
        row = pd.Index(self.paragraphs["paragraph_id"]).get_indexer(self.sentences["paragraph_id"])
        if not marks:
            return vocab, ids, row[sentence]
        placed = self.sentence_marks
        return vocab, ids, row[sentence], (None if placed is None else (placed[0], row[placed[1]]))


# --------------------------------------------------------------------------- parsing

def _lines(text: str) -> list[tuple[int, int]]:
    """Spans of lines without their line terminators."""
    spans, pos = [], 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        spans.append((pos, pos + len(body)))
        pos += len(line)
    return spans


def _strip_span(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _blocks(text: str) -> list[list[tuple[int, int]]]:
    """Group non-blank lines into blocks.

    Files without blank lines hold one paragraph per line (as this corpus
    does); files with blank lines are read as blank-line separated blocks,
    so hard-wrapped paragraphs stay whole.
    """
    lines = [_strip_span(text, a, b) for a, b in _lines(text)]
    if not any(a == b for a, b in lines):
        return [[ln] for ln in lines]
    blocks, cur = [], []
    for ln in lines:
        if ln[0] == ln[1]:
            if cur:
                blocks.append(cur)
            cur = []
        else:
            cur.append(ln)
    if cur:
        blocks.append(cur)
    return blocks


def _heading_text(text: str, span: tuple[int, int], markdown: bool) -> str | None:
    line = text[span[0]:span[1]]
    m = T.MD_HEADING_RE.match(line)
    if m:
        return m.group(2).strip() or None
    if not markdown and T.is_heading_line(line):
        return line.strip()
    return None


def parse_document(doc_id: str, text: str, path: Path | None = None, encoding: str = "utf-8",
                   markdown: bool = False) -> Document:
    """Parse decoded text into sections, units and sentences.

    Parameters
    ----------
    doc_id : str
    text : str
    path : Path, optional
    encoding : str
        Recorded on the document.
    markdown : bool
        When true, only ``#`` lines are headings.

    Returns
    -------
    Document
    """
    # Each item: ("heading", span, title) or (kind, span, None)
    items: list[tuple[str, tuple[int, int], str | None]] = []
    for block in _blocks(text):
        if len(block) == 1 and (h := _heading_text(text, block[0], markdown)):
            items.append(("heading", block[0], h))
            continue
        para_lines: list[tuple[int, int]] = []

        def flush():
            if para_lines:
                items.append(("paragraph", (para_lines[0][0], para_lines[-1][1]), None))
                para_lines.clear()

        for span in block:
            line = text[span[0]:span[1]]
            if T.MD_HEADING_RE.match(line):
                flush()
                items.append(("heading", span, _heading_text(text, span, markdown)))
            elif T.BULLET_RE.match(line):
                flush()
                marker = T.BULLET_RE.match(line).end()
                items.append(("bullet", _strip_span(text, span[0] + marker, span[1]), None))
            else:
                para_lines.append(span)
        flush()

    # A paragraph ending in ':' right before bullets introduces them.
    for i, (kind, span, _) in enumerate(items):
        if (kind == "paragraph" and text[span[0]:span[1]].rstrip().endswith(":")
                and i + 1 < len(items) and items[i + 1][0] == "bullet"):
            items[i] = ("list_lead", span, None)

    sections: list[Section] = []
    heading, hspan, units, n_para = INTRO_HEADING, None, [], 0

    def close(next_start: int):
        if hspan is None and not units:
            return
        start = hspan[0] if hspan else units[0].start
        end = units[-1].end if units else hspan[1]
        sections.append(Section(len(sections), heading, start, end, hspan, tuple(units)))

    for kind, span, title in items:
        if kind == "heading":
            close(span[0])
            heading, hspan, units = title, span, []
            continue
        sents = tuple(T.sentence_spans(text[span[0]:span[1]], offset=span[0]))
        units.append(Unit(n_para, kind, span[0], span[1], sents))
        n_para += 1
    close(len(text))

    headed = [s for s in sections if s.heading_span is not None]
    if sections and sections[0].heading_span is not None and len(sections) > 1:
        title = sections[0].heading
    elif headed:
        title = headed[0].heading
    else:
        title = doc_id
    return Document(doc_id, title, text, path or Path(doc_id), encoding, tuple(sections))


# --------------------------------------------------------------------------- reading

_BOMS = (  # longest first: the UTF-32 LE mark begins with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


def _bom_encoding(data: bytes) -> str | None:
    """The Unicode encoding announced by a byte order mark, if any."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` when every other byte is NUL, as in UTF-16 English text."""
    sample = data[:8192]
    if len(sample) < 4 or len(sample) % 2:
        return None
    for name, zeros, chars in (("utf-16-le", sample[1::2], sample[0::2]),
                               ("utf-16-be", sample[0::2], sample[1::2])):
        if zeros.count(0) >= 0.9 * len(zeros) and 0 not in chars:
            return name
    return None


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return bool(sample) and control / len(sample) > 0.05


def _detect(data: bytes, fallback: str) -> str | None:
    """The encoding charset-normalizer finds most plausible, preferring `fallback` on a tie.

    A file with few non-ASCII bytes gives the detector too little to go on (None).
    Short Western texts decode equally well in several single-byte code pages
    (the detector may pick cp1250 for a cp1252 "café"); the configured fallback
    wins whenever it reads the bytes as cleanly as the best guess.
    """
    from charset_normalizer import from_bytes

    sample = data[:200_000]
    if sum(b >= 0x80 for b in sample[:20_000]) < 16:
        return None  # a handful of accented bytes: too little to tell code pages apart
    matches = list(from_bytes(sample))
    if not matches:
        return None
    best = matches[0]
    try:
        fallback = codecs.lookup(fallback).name
    except LookupError:
        return best.encoding
    for m in matches:
        names = {codecs.lookup(c).name for c in m.could_be_from_charset}
        if fallback in names and m.chaos <= best.chaos and m.coherence >= best.coherence - 0.05:
            return fallback
    return best.encoding if best.chaos < 0.2 else None


def _decode(data: bytes, fallback: str) -> tuple[str, str]:
    """Decode file bytes: byte order mark, UTF-8, detection, then `fallback`, then Latin-1."""
    bom = _bom_encoding(data) or _utf16_without_bom(data)
    if bom:
        try:
            return data.decode(bom), "utf-8" if bom == "utf-8-sig" else bom
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for encoding in (_detect(data, fallback), fallback):
        if encoding:
            try:
                return data.decode(encoding), codecs.lookup(encoding).name
            except (UnicodeDecodeError, LookupError):
                continue
    return data.decode("latin-1"), "latin-1"


def _unique_ids(paths: list[Path]) -> tuple[list[str], list[str]]:
    """One document id per file: the stem, or the whole name where stems collide.

    Stems are compared ignoring case (``a.txt``, ``a.md`` and ``A.TXT`` collide),
    as a case-insensitive file system would. Each colliding file keeps its
    whole name as id (``A.TXT``, ``a.md``, ``a.txt``); a number is added if
    even that repeats (a stem such as ``a.md`` from ``a.md.txt``).

    Returns
    -------
    ids : list of str
    warnings : list of str
    """
    by_stem: dict[str, list[Path]] = {}
    for p in paths:
        by_stem.setdefault(p.stem.casefold(), []).append(p)
    ids, used, warnings = [], set(), []
    for p in paths:
        group = by_stem[p.stem.casefold()]
        base = p.stem if len(group) == 1 else p.name
        doc_id, n = base, 1
        while doc_id in used:
            n += 1
            doc_id = f"{base}-{n}"
        used.add(doc_id)
        ids.append(doc_id)
    for group in by_stem.values():
        if len(group) > 1:
            names = [ids[paths.index(p)] for p in group]
            warnings.append(f"{len(group)} files share the name '{group[0].stem}': their document "
                            f"ids keep the suffix ({', '.join(names)})")
    return ids, warnings


def load_corpus(folder: str | Path, extensions: tuple[str, ...] | list[str] = (".txt", ".md"),
                max_file_mb: float = 10, encoding_fallback: str = "cp1252") -> Corpus:
    """Read every text file in a folder into a :class:`Corpus`.

    Input policy (each skip or fallback is recorded in ``Corpus.warnings``):

    - a missing path, a path that is not a folder, or a folder with no usable
      text file raises :class:`InputError`;
    - empty or whitespace-only files are skipped;
    - binary files (NUL bytes or many control characters) are skipped;
    - UTF-16 and UTF-32 are read by their byte order mark; other files that
      are not UTF-8 are decoded with the encoding charset-normalizer detects
      (`encoding_fallback` when it reads them as well), then
      `encoding_fallback`, then Latin-1, with a warning naming the encoding;
    - files whose stems collide (``a.txt``, ``a.md``, ``A.TXT``) keep their
      suffix in the id, with a warning;
    - broken or looping symbolic links are skipped with a warning;
    - files larger than `max_file_mb` are skipped without being read;
    - a file whose text is identical to an earlier one is skipped as a
      duplicate;
    - a one-document corpus is accepted with a warning, since cross-document
      comparisons will be empty.

    Parameters
    ----------
    folder : str or Path
    extensions : sequence of str
        File suffixes to read (case-insensitive); ``.md`` files use ``#`` headings.
    max_file_mb : float
    encoding_fallback : str

    Returns
    -------
    Corpus
        Documents sorted by file name.

    Raises
    ------
    InputError
    """
    root = Path(folder).expanduser()
    if not root.exists():
        raise InputError(f"corpus folder '{root}' does not exist: pass a folder of .txt or .md files")
    if not root.is_dir():
        raise InputError(f"corpus path '{root}' is a file, not a folder: pass the folder that holds it")
    if isinstance(extensions, str):  # one suffix given as text, not its letters
        extensions = [extensions]
    exts = {e.lower() if e.startswith(".") else "." + e.lower() for e in extensions}
    entries = sorted(p for p in root.iterdir() if not p.name.startswith("."))
    is_file = {p: p.is_file() for p in entries}
    files = [p for p in entries if is_file[p] and p.suffix.lower() in exts]
    if not entries:
        raise InputError(f"corpus folder '{root}' is empty: add .txt or .md files to it")
    if not files:
        raise InputError(
            f"corpus folder '{root}' has no {' or '.join(sorted(exts))} files "
            f"({len(entries)} other entries): add text files or convert them to plain text"
        )
    warnings: list[str] = []
    chosen = set(files)   # a set: a list here made reading 5,000 files quadratic
    others = [p.name for p in entries if is_file[p] and p not in chosen]
    if others:
        warnings.append(f"ignored {len(others)} file(s) without a text suffix: {', '.join(others[:5])}"
                        + (" ..." if len(others) > 5 else ""))
    for p in entries:
        if p.is_symlink() and not p.exists():
            warnings.append(f"skipped '{p.name}': a broken or looping symbolic link")
    kept: list[tuple[Path, str, str]] = []
    seen: dict[str, str] = {}
    limit = max_file_mb * 1024 * 1024
    for p in files:
        try:
            size = p.stat().st_size
            if size > limit:
                mb = size / 1024 / 1024
                shown = f"{mb:.1f}" if mb >= 0.1 else f"{mb:.2g}"
                warnings.append(f"skipped '{p.name}': {shown} MB is over the {max_file_mb:g} MB "
                                "limit (raise corpus.max_file_mb in params.yaml to include it)")
                continue
            data = p.read_bytes()
        except OSError as exc:
            warnings.append(f"skipped '{p.name}': cannot be read ({exc.strerror})")
            continue
        if not (_bom_encoding(data) or _utf16_without_bom(data)) and _looks_binary(data):
            warnings.append(f"skipped '{p.name}': it is a binary file, not text")
            continue
        text, encoding = _decode(data, encoding_fallback)
        text = unicodedata.normalize("NFC", text)
        if not text.strip():
            warnings.append(f"skipped '{p.name}': the file is empty")
            continue
        if encoding != "utf-8":
            warnings.append(f"'{p.name}' is not UTF-8: decoded as {encoding}; "
                            "re-save it as UTF-8 if characters look wrong")
        digest = hashlib.sha256(" ".join(text.split()).encode()).hexdigest()   # whitespace-blind
        if digest in seen:
            warnings.append(f"skipped '{p.name}': identical to '{seen[digest]}'")
            continue
        seen[digest] = p.name
        kept.append((p, text, encoding))
    ids, id_warnings = _unique_ids([p for p, _, _ in kept])
    warnings += id_warnings
    docs = [parse_document(doc_id, text, p, encoding, markdown=p.suffix.lower() == ".md")
            for doc_id, (p, text, encoding) in zip(ids, kept)]
    if not docs:
        raise InputError(f"corpus folder '{root}' has no usable documents: "
                         + "; ".join(warnings))
    empty = [d.doc_id for d in docs if not any(u.sentences for s in d.sections for u in s.units)]
    if empty:
        warnings.append(f"{len(empty)} document(s) hold headings but no body text, so they have "
                        f"no sentences to analyse: {', '.join(empty[:5])}"
                        + (" ..." if len(empty) > 5 else ""))
    if len(docs) == 1:
        warnings.append(f"only one document ('{docs[0].doc_id}'): cross-document comparisons "
                        "will be empty")
    return Corpus(docs, root, warnings)


def corpus_from_params(params: dict, folder: str | Path | None = None) -> Corpus:
    """Load the corpus named in the parameters (or `folder`, when given).

    With ``corpus.cache`` (the default) the parse is kept under
    ``.cache/corpus/`` and reused while the files and settings stay the same
    (:func:`analysis.corpus_cache.cached_corpus`).

    Parameters
    ----------
    params : dict
        As returned by :func:`analysis.config.load_params`.
    folder : str or Path, optional
        Overrides ``params['corpus']['dir']``.

    Returns
    -------
    Corpus
    """
    from .config import CACHE_DIR, resolve_path
    from .corpus_cache import cached_corpus

    c = params["corpus"]
    path = Path(folder) if folder else resolve_path(c["dir"])
    settings = dict(extensions=c["extensions"], max_file_mb=c["max_file_mb"],
                    encoding_fallback=c["encoding_fallback"])
    with _collector_paused():
        if not c.get("cache", True):
            return load_corpus(path, **settings)
        return cached_corpus(_load_with_frames, path, **settings, cache_dir=CACHE_DIR / "corpus",
                             code=(Path(__file__), Path(T.__file__)))


@contextmanager
def _collector_paused():
    """Python's cyclic garbage collector off while the corpus is parsed or unpickled.

    Both create millions of objects (a tuple per sentence) and no reference
    cycles, and each pass of the collector walks all of them: at 5,000
    documents unpickling the parse took 3.6 s with the collector on and
    1.0 s with it off.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _load_with_frames(folder, extensions, max_file_mb, encoding_fallback) -> Corpus:
    corpus = load_corpus(folder, extensions, max_file_mb, encoding_fallback)
    # Built before the corpus is stored: every command asks for some of them.
    corpus.documents, corpus.sections, corpus.paragraphs, corpus.sentence_tokens, corpus.sentence_marks
    return corpus
