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

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy import stats as sps

from . import text as T
from .arrays import unique_sorted
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
                  min_freq: int = 1, keep: int | None = None) -> pd.DataFrame:
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
    keep : int, optional
        Keep only significant items, at most this many per document (largest
        G² first); None keeps every tested item.

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
    X = sp.csr_matrix(freqs.to_numpy(dtype=np.int64).T)
    return keyness_matrix(X, np.asarray(freqs.index.astype(str), dtype=object), docs,
                          sizes[docs].to_numpy(dtype=float), kind, alpha, min_freq, keep)


def keyness_matrix(X, items, docs: list, sizes, kind: str, alpha: float = 0.01, min_freq: int = 1,
                   keep: int | None = None) -> pd.DataFrame:
    """:func:`keyness_table` on a sparse documents-by-items count matrix.

    Parameters
    ----------
    X : scipy.sparse matrix
        Counts, one row per document in `docs`, one column per item in `items`.
    items : array of str
    docs : list of str
    sizes : array of float
        Tokens per document.
    kind, alpha, min_freq, keep
        As in :func:`keyness_table`.

    Returns
    -------
    pandas.DataFrame
        As :func:`keyness_table`. With `keep`, only document-item cells that
        can be significant are computed: every cell the document uses, and
        the absent cells of items frequent enough for their absence to be
        significant, so the cost grows with the matrix's non-zeros.
    """
    X = sp.csr_matrix(X, dtype=np.float64)
    sizes = np.asarray(sizes, dtype=float)
    if len(docs) < 2 or X.shape[1] == 0:
        return pd.DataFrame(columns=KEYNESS_COLUMNS)
    totals = np.asarray(X.sum(axis=0)).ravel()
    cols = np.flatnonzero(totals >= min_freq)
    X, items, totals = X[:, cols], np.asarray(items, dtype=object)[cols], totals[cols]
    total_size = float(sizes.sum())
    ok = (sizes > 0) & (total_size - sizes > 0)
    if keep is None:
        dense = X.toarray()
        r, c = np.nonzero(np.ones_like(dense, dtype=bool) & ok[:, None])
        a = dense[r, c]
    else:
        X.sort_indices()
        coo = X.tocoo()
        r, c, a = coo.row, coo.col, coo.data
        # An absent item is significant under-use only when it is frequent enough elsewhere:
        # G2(a=0) = 2 T ln(N / (N - c)), largest for the largest document; test just those items.
        crit = 0.99 * g2_threshold(alpha)
        c_max = float(sizes[ok].max()) if ok.any() else 0.0
        t_min = crit / (2 * np.log(total_size / (total_size - c_max))) if 0 < c_max < total_size else np.inf
        frequent = np.flatnonzero(totals >= t_min)
        if len(frequent):
            sub = X[:, frequent].toarray()
            with np.errstate(divide="ignore"):
                g0 = 2 * totals[frequent][None, :] * np.log(
                    total_size / np.maximum(total_size - sizes[:, None], 1e-300))
            zr, zc = np.nonzero((sub == 0) & (g0 >= crit) & ok[:, None])
            r = np.r_[r, zr].astype(np.int64)
            c = np.r_[c, frequent[zc]].astype(np.int64)
            a = np.r_[a, np.zeros(len(zr))]
        m = ok[r]
        r, c, a = r[m], c[m], a[m]
    b = totals[c] - a
    cs = sizes[r]
    d = total_size - cs
    g2 = log_likelihood(a, b, cs, d)
    if keep is not None:       # the p-value is costly: only cells that can be significant
        can = g2 >= 0.99 * g2_threshold(alpha)
        r, c, a, b, cs, d, g2 = (x[can] for x in (r, c, a, b, cs, d, g2))
    p = sps.chi2.sf(g2, 1)
    sig = p < alpha
    if keep is not None:
        r, c, a, b, cs, d, g2, p, sig = (x[sig] for x in (r, c, a, b, cs, d, g2, p, sig))
    item_rank = np.empty(len(items), dtype=np.int64)
    item_rank[np.argsort(items.astype(str), kind="stable")] = np.arange(len(items))
    order = np.lexsort((item_rank[c], -g2, r))
    if keep is not None:
        r_sorted = r[order]
        first = np.searchsorted(r_sorted, r_sorted, side="left")
        order = order[np.arange(len(order)) - first < keep]
    r, c, a, b, cs, d, g2, p, sig = (x[order] for x in (r, c, a, b, cs, d, g2, p, sig))
    return pd.DataFrame({
        "doc_id": np.asarray(docs, dtype=object)[r], "kind": kind, "item": items[c],
        "count": a.astype(int), "count_rest": b.astype(int),
        "size": cs.astype(int), "size_rest": d.astype(int),
        "per_1k": 1000 * a / cs, "per_1k_rest": 1000 * b / d,
        "g2": g2, "log_ratio": log_ratio(a, b, cs, d), "p_value": p, "significant": sig,
        "direction": np.where(a / cs > b / d, "over", "under"),
        "rate_ratio": _rate_ratio(a / cs, b / d),
    }, columns=KEYNESS_COLUMNS)


def _rate_ratio(rate, rate_rest):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(rate_rest > 0, rate / np.where(rate_rest > 0, rate_rest, 1.0), np.nan)


def _is_content(w: str, stop: frozenset) -> bool:
    return w not in stop and any(ch.isalpha() for ch in w)


def word_matrix(corpus: Corpus) -> dict:
    """Content-word and bigram counts of every document as sparse matrices, in one pass.

    Words are :func:`analysis.text.words` of each sentence; stop words and
    tokens without a letter are not counted as items but do count in the
    sizes. A bigram is two adjacent words in one sentence, neither a stop
    word; its size is the number of adjacent word pairs.

    Returns
    -------
    dict
        ``docs`` (doc ids), ``words`` and ``bigrams`` (CSR, documents by
        items), ``word_items`` and ``bigram_items`` (arrays of str),
        ``word_sizes`` and ``bigram_sizes`` (arrays: tokens and word pairs per
        document).
    """
    docs = corpus.doc_ids
    sents = corpus.sentences
    doc_of = pd.Categorical(sents["doc_id"], categories=docs).codes.astype(np.int64)
    items, ids, sent = corpus.sentence_tokens      # tokenised once, with the sentence frame
    stop = T.stop_words()   # bound once: the module attribute costs a call per word
    content = np.fromiter((_is_content(w, stop) for w in items), dtype=bool, count=len(items))
    tdoc = doc_of[sent]
    n_docs, V = len(docs), len(items)
    word_sizes = np.bincount(tdoc, minlength=n_docs).astype(float)
    sent_has = np.bincount(doc_of[unique_sorted(sent)], minlength=n_docs) if len(sent) else np.zeros(n_docs)
    bigram_sizes = word_sizes - sent_has
    m = content[ids]
    W = sp.csr_matrix((np.ones(int(m.sum())), (tdoc[m], ids[m])), shape=(n_docs, V))
    W.sum_duplicates()
    keep = np.flatnonzero(content)
    W, word_items = W[:, keep], items[keep]
    pair = (sent[1:] == sent[:-1]) & m[1:] & m[:-1]
    key = ids[:-1][pair] * V + ids[1:][pair]
    bcodes, buniq = pd.factorize(key) if len(key) else (np.zeros(0, np.int64), np.zeros(0, np.int64))
    B = sp.csr_matrix((np.ones(len(bcodes)), (tdoc[1:][pair], bcodes)), shape=(n_docs, len(buniq)))
    B.sum_duplicates()
    buniq = np.asarray(buniq, dtype=np.int64)
    bigram_items = np.array([f"{x} {y}" for x, y in zip(items[buniq // V], items[buniq % V])]
                            if len(buniq) else [], dtype=object)
    return {"docs": docs, "words": W, "bigrams": B, "word_items": word_items,
            "bigram_items": bigram_items, "word_sizes": word_sizes, "bigram_sizes": bigram_sizes}


def word_frequencies(corpus: Corpus) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series, pd.Series]:
    """Content-word and bigram counts per document (dense), with token totals.

    The dense form of :func:`word_matrix`, for small corpora and inspection.

    Returns
    -------
    words : pandas.DataFrame
        Content words by documents.
    bigrams : pandas.DataFrame
        Bigrams (``"word word"``) by documents.
    word_sizes, bigram_sizes : pandas.Series
        Tokens and word pairs per document.
    """
    m = word_matrix(corpus)
    docs = m["docs"]
    words = pd.DataFrame(m["words"].T.toarray().astype(int), index=m["word_items"], columns=docs)
    bigrams = pd.DataFrame(m["bigrams"].T.toarray().astype(int), index=m["bigram_items"], columns=docs)
    return (words, bigrams, pd.Series(m["word_sizes"].astype(int), index=docs),
            pd.Series(m["bigram_sizes"].astype(int), index=docs))


def keyness(corpus: Corpus, counts: pd.DataFrame, alpha: float = 0.01,
            min_word_freq: int = 5, keep: int | None = None) -> pd.DataFrame:
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
    keep : int, optional
        For words and bigrams, keep only the significant items, at most this
        many per document (largest G² first), so the table grows with the
        number of documents, not with documents times vocabulary. None keeps
        every tested item. Theme rows are always all kept.

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
    m = word_matrix(corpus)
    frames = [keyness_table(tf, tsizes, "theme", alpha, 1),
              keyness_matrix(m["words"], m["word_items"], m["docs"], m["word_sizes"], "word", alpha,
                             min_word_freq, keep),
              keyness_matrix(m["bigrams"], m["bigram_items"], m["docs"], m["bigram_sizes"], "bigram",
                             alpha, min_word_freq, keep)]
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
    cols = ["row_id", "doc_id", "theme", "count", "first", "last", "mean", "sections_with",
            "sections_total", "dp"]
    if matches.empty:
        return pd.DataFrame(columns=cols)
    g = matches.groupby(["doc_id", "theme"], sort=False)["position"]
    pos = pd.DataFrame({"count": g.size(), "first": g.min(), "last": g.max(), "mean": g.mean()})
    # Gries' DP per (document, theme), vectorised over sections: 0.5 * sum |v/V - s/S|.
    sec = sections[["doc_id", "theme", "count", "words"]].astype({"count": float, "words": float})
    key = [sec["doc_id"], sec["theme"]]
    v_sum = sec.groupby(key, sort=False)["count"].transform("sum")
    s_sum = sec.groupby(key, sort=False)["words"].transform("sum")
    with np.errstate(divide="ignore", invalid="ignore"):
        dev = (sec["count"] / v_sum - sec["words"] / s_sum).abs()
    sg = sec.assign(dev=dev, hit=sec["count"] > 0).groupby(["doc_id", "theme"], sort=False)
    per = pd.DataFrame({"sections_with": sg["hit"].sum(), "sections_total": sg.size(),
                        "dp": 0.5 * sg["dev"].sum(min_count=1), "v": sg["count"].sum(),
                        "s": sg["words"].sum()})
    per.loc[(per["v"] == 0) | (per["s"] == 0), "dp"] = np.nan
    out = pos.join(per, how="left")
    out["sections_with"] = out["sections_with"].fillna(0).astype(int)
    out["sections_total"] = out["sections_total"].fillna(0).astype(int)
    out = out.reset_index()
    out.insert(0, "row_id", out["doc_id"].astype(str) + "/" + out["theme"].astype(str))
    out["count"] = out["count"].astype(int)
    return out[cols]


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
