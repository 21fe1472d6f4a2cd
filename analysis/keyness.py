"""What is distinctive about each document, where themes occur, and which go together.

- **Keyness** compares each document with the rest of the corpus pooled,
  with Dunning's log-likelihood G² as computed by Rayson & Garside (2000)::

      E1 = c (a + b) / (c + d)        E2 = d (a + b) / (c + d)
      G2 = 2 (a ln(a / E1) + b ln(b / E2))          (0 ln 0 = 0)

  where ``a``, ``b`` are the item's frequencies in the document and in the
  rest and ``c``, ``d`` the two sizes in tokens. G² follows a chi-squared
  distribution with one degree of freedom, so ``G2 > 6.63`` is ``p < 0.01``.
  The effect size is Hardie's (2014) log ratio,
  ``log2((a / c) / (b / d))``, with a zero frequency replaced by 0.5 so it
  stays finite; +1 means twice as frequent in the document as in the rest.
- **Dispersion**: the relative position (0-1) of every match within its
  document, summarised per document and theme, plus Gries' (2008) DP over
  the document's sections (0 = spread in proportion to section length,
  near 1 = concentrated in one place).
- **Co-occurrence**: for each pair of themes, the number of paragraphs
  that mention both against the number expected if themes fell in
  paragraphs independently (``n_A n_B / N``), with a one-sided
  hypergeometric (Fisher exact) p-value for "at least this many".
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
from scipy import stats as sps

from . import text as T
from .corpus import Corpus

KEYNESS_COLUMNS = ["doc_id", "kind", "item", "count", "count_rest", "size", "size_rest",
                   "per_1k", "per_1k_rest", "g2", "log_ratio", "p_value", "significant",
                   "direction", "rate_ratio"]


def g2_threshold(alpha: float) -> float:
    """The G² value above which an item is significant at level `alpha` (1 d.f.)."""
    return float(sps.chi2.isf(alpha, 1))


def log_likelihood(a, b, c, d):
    """Log-likelihood G² for frequencies `a` (in a corpus of size `c`) vs `b` (size `d`).

    Parameters
    ----------
    a, b : array_like
        Frequencies of the item in the target and the reference.
    c, d : array_like
        Sizes of the target and the reference, in tokens.

    Returns
    -------
    numpy.ndarray
        G², always >= 0.
    """
    a, b, c, d = (np.asarray(x, dtype=float) for x in (a, b, c, d))
    e1 = c * (a + b) / (c + d)
    e2 = d * (a + b) / (c + d)
    with np.errstate(divide="ignore", invalid="ignore"):
        t1 = np.where(a > 0, a * np.log(a / e1), 0.0)
        t2 = np.where(b > 0, b * np.log(b / e2), 0.0)
    return np.maximum(2 * (t1 + t2), 0.0)


def log_ratio(a, b, c, d, zero: float = 0.5):
    """Hardie's log ratio: ``log2((a / c) / (b / d))``, zero counts replaced by `zero`."""
    a, b, c, d = (np.asarray(x, dtype=float) for x in (a, b, c, d))
    return np.log2((np.where(a > 0, a, zero) / c) / (np.where(b > 0, b, zero) / d))


def keyness_table(freqs: pd.DataFrame, sizes: pd.Series, kind: str, alpha: float = 0.01,
                  min_freq: int = 1) -> pd.DataFrame:
    """Keyness of every item in each document against the rest of the corpus.

    Parameters
    ----------
    freqs : pandas.DataFrame
        Items by documents (index = item, columns = doc_id), raw counts.
    sizes : pandas.Series
        Tokens per document, indexed by doc_id.
    kind : str
        Label written to the ``kind`` column ("theme", "word", "bigram").
    alpha : float
        Significance level; ``significant`` is ``p_value < alpha``.
    min_freq : int
        Items with a lower corpus frequency are left out.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`KEYNESS_COLUMNS`, sorted by document then G²
        (largest first). ``direction`` is "over" when the item is relatively
        more frequent in the document than in the rest, else "under".
        ``rate_ratio`` is ``per_1k / per_1k_rest``: the one multiplier the
        reports quote ("4.2× its rate in the other documents"); ``nan`` when
        the rest never uses the item (reported as "only here", not as a number).
        Empty when the corpus has fewer than two documents.
    """
    docs = list(freqs.columns)
    if len(docs) < 2 or freqs.empty:
        return pd.DataFrame(columns=KEYNESS_COLUMNS)
    freqs = freqs[freqs.sum(axis=1) >= min_freq]
    total_items = freqs.sum(axis=1).to_numpy(dtype=float)
    total_size = float(sizes[docs].sum())
    parts = []
    for doc in docs:
        a = freqs[doc].to_numpy(dtype=float)
        b = total_items - a
        c = float(sizes[doc])
        d = total_size - c
        if c <= 0 or d <= 0:
            continue
        g2 = log_likelihood(a, b, c, d)
        parts.append(pd.DataFrame({
            "doc_id": doc, "kind": kind, "item": freqs.index.astype(str),
            "count": a.astype(int), "count_rest": b.astype(int),
            "size": int(c), "size_rest": int(d),
            "per_1k": 1000 * a / c, "per_1k_rest": 1000 * b / d,
            "g2": g2, "log_ratio": log_ratio(a, b, c, d),
            "p_value": sps.chi2.sf(g2, 1),
            "significant": sps.chi2.sf(g2, 1) < alpha,
            "direction": np.where(a / c > b / d, "over", "under"),
            "rate_ratio": _rate_ratio(a / c, b / d),
        }))
    if not parts:
        return pd.DataFrame(columns=KEYNESS_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    order = {d: i for i, d in enumerate(docs)}
    return (out.assign(_d=out.doc_id.map(order))
            .sort_values(["_d", "g2", "item"], ascending=[True, False, True], kind="stable")
            .drop(columns="_d").reset_index(drop=True)[KEYNESS_COLUMNS])


def _rate_ratio(rate, rate_rest):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(rate_rest > 0, rate / np.where(rate_rest > 0, rate_rest, 1.0), np.nan)


def _is_content(w: str) -> bool:
    return w not in T.STOP_WORDS and any(ch.isalpha() for ch in w)


def word_frequencies(corpus: Corpus) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series, pd.Series]:
    """Content-word and bigram counts per document, with token totals.

    Words are :func:`analysis.text.words` of each sentence; stop words and
    tokens without a letter are not counted as items but do count in the
    sizes. A bigram is two adjacent words in one sentence, neither a stop
    word; its size is the number of adjacent word pairs.

    Returns
    -------
    words : pandas.DataFrame
        Content words by documents.
    bigrams : pandas.DataFrame
        Bigrams (``"word word"``) by documents.
    word_sizes, bigram_sizes : pandas.Series
        Tokens and word pairs per document.
    """
    sents = corpus.sentences
    wc, bc, ws, bs = {}, {}, {}, {}
    for d in corpus.doc_ids:
        w, b = Counter(), Counter()
        nw = nb = 0
        for s in sents.text[sents.doc_id == d]:
            toks = T.words(s)
            nw += len(toks)
            nb += max(len(toks) - 1, 0)
            w.update(t for t in toks if _is_content(t))
            b.update(f"{x} {y}" for x, y in zip(toks, toks[1:]) if _is_content(x) and _is_content(y))
        wc[d], bc[d], ws[d], bs[d] = w, b, nw, nb
    words = pd.DataFrame(wc).fillna(0).astype(int)
    bigrams = pd.DataFrame(bc).fillna(0).astype(int)
    cols = corpus.doc_ids
    return (words.reindex(columns=cols, fill_value=0), bigrams.reindex(columns=cols, fill_value=0),
            pd.Series(ws), pd.Series(bs))


def keyness(corpus: Corpus, counts: pd.DataFrame, alpha: float = 0.01,
            min_word_freq: int = 5) -> pd.DataFrame:
    """Keyness of themes, words and bigrams for each document vs the rest.

    Parameters
    ----------
    corpus : Corpus
    counts : pandas.DataFrame
        From :func:`analysis.themes.theme_counts` (theme sizes are the
        document word counts).
    alpha : float
    min_word_freq : int
        Minimum corpus frequency for a word or bigram to be tested; themes
        are always tested.

    Returns
    -------
    pandas.DataFrame
        :func:`keyness_table` rows for kinds "theme", "word" and "bigram";
        empty for a one-document corpus.
    """
    if len(corpus.doc_ids) < 2:
        return pd.DataFrame(columns=KEYNESS_COLUMNS)
    tf = counts.pivot(index="theme", columns="doc_id", values="count")
    tf = tf.loc[list(dict.fromkeys(counts.theme)), corpus.doc_ids]
    tsizes = counts.drop_duplicates("doc_id").set_index("doc_id")["words"]
    words, bigrams, wsz, bsz = word_frequencies(corpus)
    frames = [keyness_table(tf, tsizes, "theme", alpha, 1),
              keyness_table(words, wsz, "word", alpha, min_word_freq),
              keyness_table(bigrams, bsz, "bigram", alpha, min_word_freq)]
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=KEYNESS_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def top_keyness(table: pd.DataFrame, kind: str, n: int = 5, significant_only: bool = True
                ) -> pd.DataFrame:
    """The `n` items most over-used by each document (largest G² first)."""
    t = table[(table.kind == kind) & (table.direction == "over")]
    if significant_only:
        t = t[t.significant.astype(bool)]
    return t.groupby("doc_id", sort=False, group_keys=False).head(n).reset_index(drop=True)


def multiplier(rate_ratio: float) -> str:
    """``4.2`` -> ``"4.2×"``; ``nan`` (the rest never uses the item) -> ``"only here"``."""
    return "only here" if not np.isfinite(rate_ratio) else f"{rate_ratio:.1f}×"


def keyness_summary(table: pd.DataFrame, n: int = 5, kinds=("theme", "word", "bigram")
                    ) -> pd.DataFrame:
    """The `n` most distinctive items of each document, as text.

    Only significant over-use is listed; each item shows its rate against the
    rest of the corpus (``2.0×`` = twice the rate of the other documents
    pooled; "only here" = no other document uses it), the same multiplier as
    ``rate_ratio`` in ``keyness.csv``.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`keyness`.
    n : int
    kinds : sequence of str
        Which of "theme", "word", "bigram" to list (one column each, plural).

    Returns
    -------
    pandas.DataFrame
        ``doc_id`` and one column per kind (``themes``, ``words``, ``bigrams``;
        comma-separated, "–" when none is significant).
    """
    docs = list(dict.fromkeys(table.doc_id))
    out = {d: {"doc_id": d} for d in docs}
    cols = [k + "s" for k in kinds]
    for kind, col in zip(kinds, cols):
        top = top_keyness(table, kind, n)
        for d in docs:
            rows = top[top.doc_id == d]
            out[d][col] = ", ".join(f"{r.item} ({multiplier(r.rate_ratio)})"
                                    for r in rows.itertuples()) or "–"
    return pd.DataFrame(list(out.values()), columns=["doc_id", *cols])


# --------------------------------------------------------------------------- dispersion

def gries_dp(counts, sizes) -> float:
    """Gries' deviation of proportions: ``0.5 * sum(|v_i - s_i|)``.

    Parameters
    ----------
    counts : array_like
        Occurrences per part.
    sizes : array_like
        Size of each part.

    Returns
    -------
    float
        0 when occurrences are spread exactly in proportion to part size;
        ``nan`` with no occurrences.
    """
    v = np.asarray(counts, dtype=float)
    s = np.asarray(sizes, dtype=float)
    if v.sum() == 0 or s.sum() == 0:
        return float("nan")
    return float(0.5 * np.abs(v / v.sum() - s / s.sum()).sum())


def dispersion(matches: pd.DataFrame, sections: pd.DataFrame) -> pd.DataFrame:
    """Where each theme occurs in each document.

    Parameters
    ----------
    matches : pandas.DataFrame
        From :func:`analysis.themes.find_matches`.
    sections : pandas.DataFrame
        From :func:`analysis.themes.section_counts`.

    Returns
    -------
    pandas.DataFrame
        One row per document and theme with at least one match:
        ``row_id`` (``doc_id/theme``), ``doc_id``, ``theme``, ``count``, ``first``, ``last``, ``mean``
        (relative positions, 0-1), ``sections_with`` (sections mentioning
        it), ``sections_total`` and ``dp`` (Gries' DP over sections).
    """
    rows = []
    for (doc, theme), g in matches.groupby(["doc_id", "theme"], sort=False):
        sec = sections[(sections.doc_id == doc) & (sections.theme == theme)]
        rows.append({
            "row_id": f"{doc}/{theme}", "doc_id": doc, "theme": theme, "count": len(g),
            "first": float(g.position.min()), "last": float(g.position.max()),
            "mean": float(g.position.mean()),
            "sections_with": int((sec["count"] > 0).sum()), "sections_total": len(sec),
            "dp": gries_dp(sec["count"], sec["words"]),
        })
    return pd.DataFrame(rows, columns=["row_id", "doc_id", "theme", "count", "first", "last", "mean",
                                       "sections_with", "sections_total", "dp"])


# --------------------------------------------------------------------------- co-occurrence

def cooccurrence(matches: pd.DataFrame, paragraphs: pd.DataFrame, themes: list[str],
                 alpha: float = 0.01) -> pd.DataFrame:
    """Pairs of themes that share paragraphs, against chance.

    Parameters
    ----------
    matches : pandas.DataFrame
        From :func:`analysis.themes.find_matches`.
    paragraphs : pandas.DataFrame
        Every body unit of the corpus (``Corpus.paragraphs``): N.
    themes : list of str
        Theme names, in dictionary order.
    alpha : float

    Returns
    -------
    pandas.DataFrame
        One row per pair (``theme_a`` before ``theme_b`` in dictionary
        order): ``pair`` ("theme_a + theme_b", the row's id), ``theme_a``,
        ``theme_b``, ``paragraphs`` (N), ``paragraphs_a``, ``paragraphs_b``,
        ``together`` (paragraphs mentioning both), ``expected``
        (``n_a n_b / N``), ``lift`` (together / expected), ``p_value``
        (hypergeometric P(X >= together)) and ``significant``
        (``p_value < alpha`` and together > expected).
    """
    n = len(paragraphs)
    sets = {t: set(matches.paragraph_id[matches.theme == t]) for t in themes}
    rows = []
    for i, a in enumerate(themes):
        for b in themes[i + 1:]:
            na, nb = len(sets[a]), len(sets[b])
            k = len(sets[a] & sets[b])
            exp = na * nb / n if n else float("nan")
            p = float(sps.hypergeom.sf(k - 1, n, na, nb)) if n else float("nan")
            rows.append({
                "pair": f"{a} + {b}", "theme_a": a, "theme_b": b, "paragraphs": n, "paragraphs_a": na,
                "paragraphs_b": nb, "together": k, "expected": exp,
                "lift": k / exp if exp else float("nan"), "p_value": p,
                "significant": bool(p < alpha and k > exp),
            })
    return pd.DataFrame(rows, columns=["pair", "theme_a", "theme_b", "paragraphs", "paragraphs_a",
                                       "paragraphs_b", "together", "expected", "lift", "p_value",
                                       "significant"])
