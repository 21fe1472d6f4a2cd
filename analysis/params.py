"""The parameter schema: every setting of params.yaml, its type, range and default.

One pydantic model per section of the parameter file. A setting is declared
once, as a field with its default, its allowed range and a short description;
:func:`validate_params` checks a parsed YAML mapping against the models and
returns a plain nested dict with every default filled in (the rest of the
package reads plain dicts). A bad value raises :class:`~analysis.errors.InputError`
with one line naming the key path, the value and what is allowed.

To add a setting, add one field to its section's model (with ``Field(default,
ge=..., description=...)``) and the same key and default to params.yaml; the
test suite checks that the two agree.
"""

from __future__ import annotations

import codecs
import difflib
import re
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types as at
from pydantic import (BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt,
                      StrictStr, ValidationError, field_validator, model_validator)

from .errors import InputError

# Numbers as YAML writes them: a float setting also takes a whole number.
Int = StrictInt
Float = Union[StrictFloat, StrictInt]
Share = Annotated[Float, at.Gt(0), at.Le(1)]  # a proportion in (0, 1]


#: Essay filler that says nothing about the subject (``topics.extra_stop_words``).
ESSAY_FILLER = [
    "effort", "efforts", "enhance", "enhances", "enhancing", "enhanced", "foster", "fosters",
    "fostering", "ensure", "ensures", "ensuring", "vital", "essential", "crucial", "critical",
    "significant", "significantly", "ultimately", "key", "include", "includes", "including",
    "role", "aimed", "aims", "following", "face", "faced", "faces", "various", "overall",
    "additionally", "furthermore", "moreover", "particularly", "approach", "approaches",
    "importance", "important", "effective", "effectively", "example", "examples", "notable",
    "instance", "serve", "serves", "plays", "play", "like", "such"]


class Section(BaseModel):
    """A section of the parameter file: strict types, no unknown keys."""

    model_config = ConfigDict(extra="forbid", validate_default=True)


class CorpusParams(Section):
    """``corpus:`` where the documents are and how they are read."""

    dir: StrictStr = Field("corpus", min_length=1, description="folder of .txt/.md documents")
    extensions: list[StrictStr] = Field([".txt", ".md"], min_length=1,
                                        description="file suffixes read as documents")
    max_file_mb: Float = Field(10, gt=0, description="larger files are skipped, with a warning")
    encoding_fallback: StrictStr = Field("cp1252", description="codec for files that are not "
                                         "UTF-8 when detection fails (then Latin-1)")
    cache: StrictBool = Field(True, description="keep the parsed corpus under .cache/corpus, so "
                              "later commands and notebooks skip parsing")

    @field_validator("extensions", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        # `extensions: .txt` (one string) means the list [.txt], not the letters . t x t.
        if isinstance(value, str):
            return [v for v in re.split(r"[\s,]+", value) if v]
        return value

    @field_validator("extensions")
    @classmethod
    def _suffixes(cls, value: list[str]) -> list[str]:
        out = []
        for ext in value:
            ext = ext.strip().lower()
            ext = ext if ext.startswith(".") else "." + ext
            if not re.fullmatch(r"\.[a-z0-9_+-]+", ext):
                raise ValueError(f"'{ext}' is not a file suffix such as .txt")
            out.append(ext)
        return out

    @field_validator("encoding_fallback")
    @classmethod
    def _known_codec(cls, value: str) -> str:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(f"'{value}' is not a known text encoding (e.g. cp1252, latin-1)") from None
        return value


class OverviewParams(Section):
    """``overview:`` per-document statistics (notebook 01)."""

    mattr_window: Int = Field(50, ge=1, description="words per window for the moving-average "
                              "type/token ratio")


class DocumentsParams(Section):
    """``documents:`` how documents are named in figures, tables and prose."""

    labels: dict[Union[StrictStr, StrictInt], StrictStr] = Field(
        {}, description="doc_id -> label")
    labels_file: Union[StrictStr, None] = Field(None, description="CSV with columns doc_id,label")

    @field_validator("labels", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return {} if value is None else value

    @field_validator("labels")
    @classmethod
    def _text_keys(cls, value: dict) -> dict:
        return {str(k): v for k, v in value.items()}


class ThemesParams(Section):
    """``themes:`` theme frequency analysis (notebook 02)."""

    file: Union[StrictStr, None] = Field(None, description="YAML theme dictionary; null -> "
                                         "analysis/themes.yaml")
    kwic_chars: Int = Field(60, ge=0, le=10_000, description="characters of context either side "
                            "of a match")
    alpha: Float = Field(0.01, gt=0, lt=1, description="significance level for keyness and "
                         "co-occurrence")
    min_word_freq: Int = Field(5, ge=1, description="corpus frequency a word or bigram needs to "
                               "be tested for keyness")
    top_n: Int = Field(5, ge=1, description="distinctive items per document shown in the notebook")
    findings_top: Int = Field(3, ge=1, le=100, description="most frequent themes and theme pairs "
                              "stated as findings")
    keyness_keep: Union[Annotated[StrictInt, at.Ge(1)], None] = Field(
        50, description="significant words and bigrams kept per document in keyness.csv "
        "(null keeps every row)")
    kwic_keep: Union[Annotated[StrictInt, at.Ge(1)], None] = Field(
        3, description="matches per document and theme that keep their context and heading "
        "in theme_matches.csv (null keeps them on every row)")
    dispersion_min_count: Int = Field(5, ge=1, description="matches a theme needs in a document "
                                      "to compare its spread")


class TopicsParams(Section):
    """``topics:`` topic modelling (notebook 03)."""

    method: Literal["nmf", "lda"] = Field("nmf", description="nmf (on TF-IDF) or lda (on counts)")
    unit: Literal["auto", "paragraph", "section", "document"] = Field(
        "auto", description="text unit the model is fitted on")
    auto_unit_min_docs: Int = Field(50, ge=1, description="auto: fit on documents from this many")
    k_min: Int = Field(2, ge=2, le=200, description="smallest k of the k-scan")
    k_max: Int = Field(8, ge=2, le=200, description="largest k of the k-scan")
    scan_max_units: Int = Field(1000, ge=10, description="the k-scan fits a seeded sample of at "
                                "most this many units (the chosen model uses them all)")
    n_seeds: Int = Field(5, ge=2, le=100, description="refits per k for the stability score")
    n_jobs: Union[Annotated[StrictInt, at.Ge(1)], None] = Field(
        None, description="processes for the k-scan's fits and the seed refits (null: every "
        "core, at most 4, above scan_max_units units, else 1)")
    min_stability: Float = Field(0.7, ge=0, le=1, description="k-rule: least stable topic")
    min_diversity: Float = Field(0.75, ge=0, le=1, description="k-rule: top-term diversity")
    coherence_tolerance: Float = Field(0.05, ge=0, le=2, description="k-rule: NPMI distance "
                                       "to the best k")
    top_n: Int = Field(10, ge=2, le=100, description="top terms per topic (NPMI word set)")
    min_df: Int = Field(2, ge=1, description="units a term must occur in")
    max_df: Share = Field(0.4, description="largest share of units a term may occur in")
    ngram_max: Int = Field(2, ge=1, le=3, description="1: words; 2: also two-word phrases")
    fold_plurals: StrictBool = Field(True, description="count plural and singular as one term")
    extra_stop_words: list[StrictStr] = Field(ESSAY_FILLER, description="filler words dropped "
                                              "before counting")
    max_iter: Int = Field(400, ge=1, le=100_000, description="NMF iterations")
    lda_max_iter: Int = Field(30, ge=1, le=10_000, description="LDA passes")
    representative_n: Int = Field(2, ge=1, le=50, description="representative paragraphs per topic")
    labels: dict[Annotated[StrictInt, at.Ge(1)], StrictStr] = Field(
        {}, description="topic number -> your own label")
    scale_docs: Int = Field(5000, ge=10, le=1_000_000, description="synthetic documents for the "
                            "timing at scale")
    weak_coherence: Float = Field(0.05, ge=-1, le=1, description="a topic below this NPMI "
                                  "coherence is flagged weak")
    weak_stability: Float = Field(0.7, ge=0, le=1, description="... or below this stability")
    mirror_mass: Share = Field(0.6, description="a topic with this share of its text in one "
                               "document mirrors that document")
    representative_min_share: Share = Field(0.5, description="a representative paragraph holds "
                                            "at least this share of its topic")

    @field_validator("extra_stop_words", "labels", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any, info) -> Any:
        if value is None:
            return [] if info.field_name == "extra_stop_words" else {}
        return value

    @field_validator("k_max")
    @classmethod
    def _k_range(cls, value: int, info) -> int:
        k_min = info.data.get("k_min")
        if k_min is not None and value < k_min:
            raise ValueError(f"it must be at least topics.k_min ({k_min})")
        return value


class Thresholds(Section):
    """``redundancy.thresholds``: cosine per backend of the "related" tier (themes revisited)."""

    semantic: Share = Field(0.8445, description="all-MiniLM-L6-v2 cosine")
    lexical: Share = Field(0.2632, description="TF-IDF + LSA cosine")


class Floors(Section):
    """``redundancy.retrieval_floor``: cosine at or above which neighbours go to the verifier."""

    semantic: Share = Field(0.70, description="all-MiniLM-L6-v2 cosine")
    lexical: Share = Field(0.20, description="TF-IDF + LSA cosine")


class LshParams(Section):
    """``redundancy.lsh``: MinHash-LSH candidate search (verified exactly)."""

    num_perm: Int = Field(128, ge=16, le=4096, description="MinHash permutations")
    # Above 0.85, 16 permutations leave datasketch fewer than 2 bands (it refuses).
    threshold: Annotated[Float, at.Gt(0), at.Le(0.85)] = Field(
        0.3, description="LSH candidate Jaccard threshold")
    max_bucket: Int = Field(30, ge=2, description="an LSH bucket with more texts than this is "
                            "linked as a star, not as every pair")


class PhraseParams(Section):
    """``redundancy.phrase``: formulaic phrases."""

    min_n: Int = Field(4, ge=2, le=50, description="shortest phrase in words")
    min_docs: Int = Field(2, ge=2, description="documents a phrase must occur in")
    min_repeats: Int = Field(3, ge=2, description="... or times within one document")
    max_pair_sentences: Int = Field(30, ge=2, description="a phrase in more sentences than this is "
                                    "reported once in phrases.csv, not as every pair of its "
                                    "sentences")


class VerifierParams(Section):
    """``redundancy.verifier``: the "same point" verifier and how it is measured."""

    target_precision: Share = Field(0.95, description="threshold: lowest whose inner "
                                    "cross-validated precision reaches this")
    folds: Int = Field(5, ge=2, le=20, description="cross-validation folds")
    repeats: Int = Field(20, ge=1, le=200, description="cross-validations with other splits, "
                         "rates pooled")
    C: Float = Field(1.0, gt=0, le=1000, description="inverse regularisation of the logistic "
                     "verifier")


class RedundancyParams(Section):
    """``redundancy:`` redundancy detection (notebook 04)."""

    backend: Literal["auto", "semantic", "lexical"] = Field("auto", description="embedding backend")
    thresholds: Thresholds = Field(default_factory=Thresholds)
    retrieval_floor: Floors = Field(default_factory=lambda: Floors())
    verifier: VerifierParams = Field(default_factory=VerifierParams)
    near_copy: Share = Field(0.35, description="word-shingle Jaccard of a near-copy")
    near_copy_containment: Share = Field(0.8, description="... or share of the shorter "
                                         "sentence's shingles")
    shingle_size: Int = Field(3, ge=1, le=20, description="words per shingle")
    doc_shingle_size: Int = Field(5, ge=1, le=50, description="words per shingle for documents")
    passage_min_words: Int = Field(8, ge=1, description="shortest shared passage reported")
    passage_max_docs: Union[Annotated[StrictInt, at.Ge(2)], None] = Field(
        50, description="a run of passage_min_words words in more documents than this is "
        "boilerplate, not a shared passage (null: no limit)")
    lsh: LshParams = Field(default_factory=LshParams)
    phrase: PhraseParams = Field(default_factory=PhraseParams)
    top_k: Int = Field(10, ge=1, le=1000, description="neighbours kept per sentence")
    batch_size: Int = Field(512, ge=1, le=1_000_000, description="rows per chunk")
    exact_search_max: Int = Field(20_000, ge=2, description="sentences up to which the neighbour "
                                  "search is exact; above, approximate (faiss IVF)")
    pairs_max: Union[Annotated[StrictInt, at.Ge(1)], None] = Field(
        20_000, description="pairs of each kind listed in sentence_pairs.csv and the report, "
        "strongest first (null lists every pair; every pair is still counted)")
    phrases_max: Union[Annotated[StrictInt, at.Ge(1)], None] = Field(
        100_000, description="phrases written to phrases.csv, in most documents first (null "
        "writes every phrase; every phrase still flags its sentences)")
    lsa_components: Int = Field(100, ge=2, le=10_000, description="LSA dimensions (lexical)")
    lsa_fit_max: Union[Annotated[StrictInt, at.Ge(1000)], None] = Field(
        200_000, description="sentences the lexical LSA is fitted on, a seeded sample above this "
        "(every sentence is then projected); null fits on all")
    control_dir: StrictStr = Field("tests/fixtures/redundancy/unrelated",
                                   description="unrelated documents (false positives)")
    benchmark_dir: StrictStr = Field("benchmarks/results", description="benchmark timings")


class CutsPerBackend(Section):
    """A cosine cut per embedding backend."""

    semantic: Float = Field(0.8, ge=-1, le=1, description="all-MiniLM-L6-v2 cosine")
    lexical: Float = Field(0.3, ge=-1, le=1, description="TF-IDF + LSA cosine")


class CrossParams(Section):
    """``digest.cross``: the cross-analysis of themes, topics and redundancy."""

    min_matches: Int = Field(2, ge=1, description="matches a document needs to count as using a theme")
    own_share: Share = Field(0.6, description="a theme belongs to one document when it holds more "
                             "than this share of its matches")
    min_sentences: Int = Field(20, ge=1, description="sentences a theme or topic needs to be ranked")
    findings_top: Int = Field(3, ge=1, le=100, description="most restated themes stated as findings")


class DigestParams(Section):
    """``digest:`` the corpus digest and the cross-analysis (notebook 00)."""

    min_cohesion: CutsPerBackend = Field(default_factory=lambda: CutsPerBackend(semantic=0.80, lexical=0.30))
    min_member_similarity: CutsPerBackend = Field(
        default_factory=lambda: CutsPerBackend(semantic=0.75, lexical=0.25))
    findings_top: Int = Field(3, ge=1, le=100, description="most-made and most-revisited points "
                              "stated as findings")
    report_top: Int = Field(3, ge=1, le=1000, description="points no other document makes, shown "
                            "per document")
    revisited_top: Int = Field(3, ge=1, le=1000, description="most revisited points per topic")
    cross: CrossParams = Field(default_factory=CrossParams)


class ReportParams(Section):
    """``report:`` how the rendered reports show their evidence tables."""

    evidence_rows: Int = Field(5000, ge=1, description="rows a searchable evidence table embeds in "
                               "the HTML at most, strongest first (the CSV keeps every row)")


class Params(Section):
    """The whole parameter file."""

    seed: Int = Field(42, ge=0, le=2**32 - 1, description="one seed for every random step")
    corpus: CorpusParams = Field(default_factory=CorpusParams)
    overview: OverviewParams = Field(default_factory=OverviewParams)
    documents: DocumentsParams = Field(default_factory=DocumentsParams)
    themes: ThemesParams = Field(default_factory=ThemesParams)
    topics: TopicsParams = Field(default_factory=TopicsParams)
    redundancy: RedundancyParams = Field(default_factory=RedundancyParams)
    digest: DigestParams = Field(default_factory=DigestParams)
    report: ReportParams = Field(default_factory=ReportParams)

    @model_validator(mode="before")
    @classmethod
    def _empty_sections(cls, data: Any) -> Any:
        # `topics:` with every line commented out is None in YAML: use the defaults.
        if isinstance(data, dict):
            return {k: ({} if v is None and k in cls.model_fields and k != "seed" else v)
                    for k, v in data.items()}
        return data


# --------------------------------------------------------------------------- messages

def _model_at(loc: tuple) -> type[BaseModel] | None:
    """The model that holds the key at `loc` (a pydantic error location)."""
    model: type[BaseModel] = Params
    for part in loc[:-1]:
        field = model.model_fields.get(part) if isinstance(part, str) else None
        ann = getattr(field, "annotation", None)
        if not (isinstance(ann, type) and issubclass(ann, BaseModel)):
            return None
        model = ann
    return model


def _base_types(ann: Any) -> set:
    """The plain types behind an annotation: Annotated and Union unwrapped."""
    origin = get_origin(ann)
    if origin is Annotated:
        return _base_types(get_args(ann)[0])
    if origin in (Union, UnionType):
        return set().union(*(_base_types(a) for a in get_args(ann)))
    return {origin or ann}


def _allowed(loc: tuple) -> str:
    """What a key accepts, read from its field's type and constraints."""
    model = _model_at(loc)
    field = model.model_fields.get(loc[-1]) if model and isinstance(loc[-1], str) else None
    if field is None:
        return ""
    ann = field.annotation
    if get_origin(ann) is Literal:
        return "one of " + ", ".join(map(str, get_args(ann)))
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return "a mapping with the keys " + ", ".join(ann.model_fields)
    types = _base_types(ann)
    metadata = list(field.metadata)
    if types == {int, type(None)}:      # Union[Annotated[StrictInt, ...], None]: bounds inside
        metadata += [m for a in get_args(ann) if get_origin(a) is Annotated for m in get_args(a)[1:]]
    kind = ("true or false" if types == {bool} else
            "a whole number" if types == {int} else
            "a whole number" if types == {int, type(None)} else
            "a number" if types <= {int, float} else
            "a list of texts" if list in types else
            "a mapping" if dict in types else
            "a text or null" if type(None) in types else "a text")
    bounds = [f"{sym} {getattr(m, name)}" for m in metadata
              for name, sym in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<"))
              if getattr(m, name, None) is not None]
    return kind + (" " + " and ".join(bounds) if bounds else "") + (
        ", or null" if types == {int, type(None)} else "")


def _value_at(data: Any, loc: tuple) -> Any:
    for part in loc:
        if isinstance(data, dict) and part in data:
            data = data[part]
        else:
            return None
    return data


def _clean_loc(loc: tuple) -> tuple:
    """An error location without pydantic's union-branch and key markers."""
    return tuple(p for p in loc if not (isinstance(p, str) and (
        p in ("int", "float", "str", "bool", "none", "[key]")
        or p.startswith(("function-", "constrained-", "is-instance", "lax-", "strict")))))


def _key_path(loc: tuple) -> str:
    out = ""
    for p in loc:
        out += f"[{p}]" if isinstance(p, int) and out and not out.endswith("labels") else \
            ("." if out else "") + str(p)
    return out or "(top level)"


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _message(source: str, data: Any, exc: ValidationError) -> str:
    errors, seen = [], set()
    for err in exc.errors(include_url=False):
        loc = _clean_loc(err["loc"])
        if loc not in seen:  # a union reports once per branch
            seen.add(loc)
            errors.append((loc, err))
    loc, err = errors[0]
    key = _key_path(loc)
    more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" \
        if len(errors) > 1 else ""
    if err["type"] == "extra_forbidden":
        model = _model_at(loc)
        known = list(model.model_fields) if model else []
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = (f": did you mean '{_key_path(loc[:-1] + (close[0],))}'?" if close else
                f": the keys allowed here are {', '.join(known)}" if known else "")
        return f"{source}: unknown key '{key}'{hint}{more}"
    value = err.get("input")
    if err["type"] == "value_error":  # our own validators explain themselves
        reason = str(err.get("ctx", {}).get("error", err["msg"]))
        return f"{source}: {key} is {_shown(value)}: {reason}{more}"
    allowed = _allowed(loc) if loc else ""
    if isinstance(loc[-1:][0] if loc else None, int) and "labels" in key:
        allowed = "topic numbers 1, 2, ... as keys" if key.startswith("topics") else allowed
    if not allowed:
        allowed = err["msg"].replace("Input should be", "").strip()
    if err["type"] in ("model_type", "dict_type") and loc:
        allowed = "a mapping of settings (key: value lines)"
    return f"{source}: {key} is {_shown(value)}; allowed: {allowed}{more}"


def validate_params(data: Any, source: str = "parameter file") -> dict:
    """Check parsed YAML against the schema and fill in every default.

    Parameters
    ----------
    data : Any
        What ``yaml.safe_load`` returned (None for an empty file).
    source : str
        Names the file in error messages, e.g. ``"parameter file 'p.yaml'"``.

    Returns
    -------
    dict
        Plain nested dict with every section and key of :class:`Params`.

    Raises
    ------
    InputError
        One line naming the first bad key, its value and what is allowed.
    """
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(f"{source} must hold a mapping of settings (key: value lines), "
                         f"not a {type(data).__name__}")
    try:
        model = Params.model_validate(data)
    except ValidationError as exc:
        raise InputError(_message(source, data, exc)) from None
    return model.model_dump()


def default_params() -> dict:
    """Every setting at its default, as a plain nested dict."""
    return Params().model_dump()


def check_value(section: str, key: str, value: Any, name: str) -> Any:
    """Validate one setting given another way (e.g. a command-line flag).

    Parameters
    ----------
    section, key : str
        Where the setting lives in the schema, e.g. ``"themes"``, ``"alpha"``.
    value : Any
    name : str
        How the user gave it (``"--alpha"``), named in the error.

    Returns
    -------
    Any
        The validated value.

    Raises
    ------
    InputError
    """
    model = Params.model_fields[section].annotation
    try:
        checked = model.model_validate({key: value})
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        if err["type"] == "value_error":
            raise InputError(f"{name} is {_shown(value)}: {err['ctx']['error']}") from None
        raise InputError(f"{name} is {_shown(value)}; allowed: {_allowed((section, key))}") from None
    return getattr(checked, key)


# --------------------------------------------------------------------------- reference

def _rows(model: type[BaseModel], prefix: str = ""):
    for name, field in model.model_fields.items():
        key = prefix + name
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            yield from _rows(ann, key + ".")
            continue
        default = field.get_default(call_default_factory=True)
        shown = "null" if default is None else (
            str(default).lower() if isinstance(default, bool) else
            ("[" + ", ".join(map(str, default)) + "]" if isinstance(default, list) and
             len(default) <= 3 else f"{len(default)} words" if isinstance(default, list) else
             "{}" if default == {} else str(default)))
        loc = tuple(key.split("."))
        yield key, shown, _allowed(loc), field.description or ""


def reference_table() -> str:
    """The README's parameter reference: one Markdown row per setting, from the schema."""
    lines = ["| Key | Default | Allowed | Meaning |", "|---|---|---|---|"]
    lines += [f"| `{k}` | `{d}` | {a} | {m} |" for k, d, a, m in _rows(Params)]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # python -m analysis.params: print the reference table
    print(reference_table(), end="")
