"""Per-document statistics: size, structure, sentence length, lexical variety, readability."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from . import text as T
from .corpus import Corpus


def mtld(tokens: list[str], threshold: float = 0.72) -> float:
    """Measure of Textual Lexical Diversity (McCarthy & Jarvis, 2010).

    The mean length of runs of tokens whose type/token ratio stays above
    `threshold`, averaged over a forward and a backward pass. Unlike the
    plain type/token ratio it does not fall as a text grows longer.

    Parameters
    ----------
    tokens : list of str
    threshold : float

    Returns
    -------
    float
        ``nan`` for an empty token list.
    """
    def one_pass(seq: list[str]) -> float:
        factors, types, count = 0.0, set(), 0
        for tok in seq:
            count += 1
            types.add(tok)
            if len(types) / count <= threshold:
                factors += 1
                types, count = set(), 0
        if count:
            ttr = len(types) / count
            factors += (1 - ttr) / (1 - threshold)
        return len(seq) / factors if factors else float(len(seq))

    if not tokens:
        return float("nan")
    return (one_pass(tokens) + one_pass(tokens[::-1])) / 2


def mattr(tokens: list[str], window: int = 50) -> float:
    """Moving-average type/token ratio over windows of `window` tokens.

    Parameters
    ----------
    tokens : list of str
    window : int
        Texts shorter than the window get their plain type/token ratio.

    Returns
    -------
    float
    """
    n = len(tokens)
    if n == 0:
        return float("nan")
    if n <= window:
        return len(set(tokens)) / n
    counts: dict[str, int] = {}
    for tok in tokens[:window]:
        counts[tok] = counts.get(tok, 0) + 1
    total = len(counts)
    for i in range(window, n):
        new, old = tokens[i], tokens[i - window]
        counts[new] = counts.get(new, 0) + 1
        counts[old] -= 1
        if counts[old] == 0:
            del counts[old]
        total += len(counts)
    return total / (n - window + 1) / window


@lru_cache(maxsize=1)
def _hyphenator():
    import pyphen

    return pyphen.Pyphen(lang="en_US")


def syllables(word: str) -> int:
    """Syllables in a word, from pyphen's en_US hyphenation dictionary (offline)."""
    return len(_hyphenator().positions(word)) + 1


def flesch_reading_ease(sentences: list[str]) -> float:
    """Flesch reading ease (higher is easier; 30 or less reads as academic prose).

    ``206.835 - 1.015 * words/sentences - 84.6 * syllables/words``.

    Parameters
    ----------
    sentences : list of str
        The sentences, as split by the corpus parser.

    Returns
    -------
    float
        ``nan`` when there are no words.
    """
    toks = [w for s in sentences for w in T.words(s)]
    if not toks:
        return float("nan")
    syl = sum(syllables(w) for w in toks)
    return 206.835 - 1.015 * len(toks) / len(sentences) - 84.6 * syl / len(toks)


def document_stats(corpus: Corpus, mattr_window: int = 50) -> pd.DataFrame:
    """One row of statistics per document.

    Parameters
    ----------
    corpus : Corpus
    mattr_window : int

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id``, ``title``, ``words``, ``sentences``, ``paragraphs``
        (prose paragraphs and list leads), ``bullets``, ``sections`` (headed
        sections), ``mean_sentence_words``, ``sd_sentence_words``,
        ``type_token_ratio``, ``mattr``, ``mtld`` and ``flesch_reading_ease``.
    """
    sents = corpus.sentences
    paras = corpus.paragraphs
    secs = corpus.sections
    rows = []
    for d in corpus.docs:
        s = sents[sents.doc_id == d.doc_id]
        p = paras[paras.doc_id == d.doc_id]
        body = " ".join(s.text)
        toks = T.words(body)
        lengths = s.words.to_numpy(dtype=float)
        rows.append({
            "doc_id": d.doc_id,
            "title": d.title,
            "words": len(toks),
            "sentences": len(s),
            "paragraphs": int((p.kind != "bullet").sum()),
            "bullets": int((p.kind == "bullet").sum()),
            "sections": int((secs[secs.doc_id == d.doc_id].heading != "(Introduction)").sum()),
            "mean_sentence_words": float(lengths.mean()) if len(lengths) else float("nan"),
            "sd_sentence_words": (float(lengths.std(ddof=1)) if len(lengths) > 1 else
                                  0.0 if len(lengths) else float("nan")),
            "type_token_ratio": len(set(toks)) / len(toks) if toks else float("nan"),
            "mattr": mattr(toks, mattr_window),
            "mtld": mtld(toks),
            "flesch_reading_ease": flesch_reading_ease(list(s.text)),
        })
    return pd.DataFrame(rows)


def _id_at(stats: pd.DataFrame, column: str, largest: bool):
    """The doc_id with the largest (smallest) value of `column`; None when all are missing."""
    values = stats[column].dropna()
    if values.empty:
        return None
    return stats.loc[values.idxmax() if largest else values.idxmin(), "doc_id"]


def corpus_summary(stats: pd.DataFrame) -> dict:
    """Corpus-level totals and extremes computed from :func:`document_stats`.

    Degenerate corpora (headings only, one sentence, one document) give
    ``None`` or ``nan`` for what cannot be computed, never an error.

    Returns
    -------
    dict
        ``documents``, ``words``, ``sentences``, ``sections``; the ``longest``
        and ``shortest`` document ids; the ``most_readable`` and
        ``least_readable`` (None when no document has a sentence);
        ``most_varied`` (largest sentence-length SD; None without sentences);
        ``mean_sentence_words`` (nan without sentences); ``length_ratio``,
        longest over shortest document (nan when the shortest has no words);
        ``flesch_min`` and ``flesch_max`` (nan without sentences).
    """
    words, sentences = int(stats.words.sum()), int(stats.sentences.sum())
    has = stats[stats.sentences > 0]
    shortest = int(stats.words.min()) if len(stats) else 0
    return {
        "documents": len(stats),
        "words": words,
        "sentences": sentences,
        "sections": int(stats.sections.sum()),
        "longest": _id_at(stats, "words", True),
        "shortest": _id_at(stats, "words", False),
        "most_readable": _id_at(stats, "flesch_reading_ease", True),
        "least_readable": _id_at(stats, "flesch_reading_ease", False),
        "most_varied": _id_at(has, "sd_sentence_words", True) if len(has) else None,
        "mean_sentence_words": (float(np.average(has.mean_sentence_words, weights=has.sentences))
                                if sentences else float("nan")),
        "length_ratio": float(stats.words.max() / shortest) if shortest else float("nan"),
        "flesch_min": float(stats.flesch_reading_ease.min()),
        "flesch_max": float(stats.flesch_reading_ease.max()),
    }


STATS_COLUMNS = {
    "doc_id": "Document", "words": "Words", "sentences": "Sentences", "paragraphs": "Paragraphs",
    "bullets": "Bullets", "sections": "Sections", "mean_sentence_words": "Words per sentence",
    "sd_sentence_words": "SD", "type_token_ratio": "TTR", "mattr": "MATTR", "mtld": "MTLD",
    "flesch_reading_ease": "Flesch",
}


def stats_table(stats: pd.DataFrame) -> pd.DataFrame:
    """The statistics of :func:`document_stats` with reader-facing column names."""
    return stats[list(STATS_COLUMNS)].rename(columns=STATS_COLUMNS)


def outline(corpus: Corpus, doc_id: str) -> pd.DataFrame:
    """A document's sections in reading order with their size.

    Returns
    -------
    pandas.DataFrame
        Columns ``#``, ``Heading``, ``Paragraphs``, ``Bullets``, ``Words``.
    """
    paras = corpus.paragraphs
    paras = paras[paras.doc_id == doc_id]
    secs = corpus.sections[corpus.sections.doc_id == doc_id]
    bullets = paras[paras.kind == "bullet"].groupby("section").size()
    return pd.DataFrame({
        "#": secs.section.to_numpy(),
        "Heading": secs.heading.to_numpy(),
        "Paragraphs": (secs.paragraphs - secs.section.map(bullets).fillna(0)).astype(int).to_numpy(),
        "Bullets": secs.section.map(bullets).fillna(0).astype(int).to_numpy(),
        "Words": secs.words.to_numpy(),
    })


def section_length_summary(sections: pd.DataFrame) -> dict:
    """Range, median and the longest of the section lengths in ``Corpus.sections``.

    Returns
    -------
    dict
        ``min_words``, ``max_words``, ``median_words``, ``longest_heading``, ``longest_doc``.
    """
    if sections.empty:
        return {"min_words": 0, "max_words": 0, "median_words": 0.0,
                "longest_heading": None, "longest_doc": None}
    top = sections.loc[sections.words.idxmax()]
    return {
        "min_words": int(sections.words.min()),
        "max_words": int(sections.words.max()),
        "median_words": float(sections.words.median()),
        "longest_heading": top.heading,
        "longest_doc": top.doc_id,
    }
