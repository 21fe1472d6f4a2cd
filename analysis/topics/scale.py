"""Does the topic model scale? Timing on a large synthetic corpus with planted topics."""

from __future__ import annotations

import time

import numpy as np

from .model import TopicModel


def synthetic_texts(paragraphs, n_docs: int = 2000, n_planted: int = 6, block_words: int = 15,
                    paragraphs_per_doc: tuple[int, int] = (3, 8), planted_per_paragraph: int = 6,
                    random_state: int = 0) -> tuple[list[str], np.ndarray]:
    """A large synthetic corpus built from real paragraphs plus planted topics.

    Each document samples paragraphs from `paragraphs` and, in every
    paragraph, inserts words drawn from one planted block of made-up words
    (block ``t`` holds ``plantTwJ``-style words found nowhere else), so each
    document has one known planted topic.

    Parameters
    ----------
    paragraphs : sequence of str
    n_docs, n_planted, block_words, planted_per_paragraph : int
    paragraphs_per_doc : (int, int)
        Inclusive range of paragraphs per document.
    random_state : int

    Returns
    -------
    (list of str, ndarray)
        The documents and the planted topic of each.
    """
    rng = np.random.default_rng(random_state)
    paragraphs = list(paragraphs)
    if not paragraphs:
        paragraphs = ["text"]
    letters = "abcdefghijklmnopqrstuvwxyz"
    blocks = [[f"planted{letters[t % 26]}{letters[t // 26]}word{letters[j % 26]}{letters[j // 26]}"
               for j in range(block_words)] for t in range(n_planted)]
    truth = rng.integers(0, n_planted, size=n_docs)
    docs = []
    for t in truth:
        n = int(rng.integers(paragraphs_per_doc[0], paragraphs_per_doc[1] + 1))
        parts = []
        for i in rng.integers(0, len(paragraphs), size=n):
            planted = " ".join(rng.choice(blocks[t], size=planted_per_paragraph))
            parts.append(f"{paragraphs[i]} {planted}")
        docs.append("\n\n".join(parts))
    return docs, truth


def time_fit(texts, settings: dict, n_topics: int, method: str | None = None) -> dict:
    """Time vocabulary building plus one model fit on `texts`.

    Returns
    -------
    dict
        ``units``, ``terms``, ``nonzeros``, ``seconds`` (wall clock, from
        :func:`time.perf_counter`).
    """
    s = dict(settings)
    if method:
        s["method"] = method
    t0 = time.perf_counter()
    model = TopicModel.from_settings(s, n_topics).fit(texts)
    seconds = time.perf_counter() - t0
    return {"units": len(texts), "terms": len(model.terms_), "nonzeros": int(model.counts_.nnz),
            "seconds": seconds, "method": s["method"], "k": model.n_topics_}


def scale_check(paragraphs, settings: dict, n_docs: int = 2000, n_planted: int = 6) -> dict:
    """Time a fit on a large synthetic corpus and check the planted topics come back.

    Builds :func:`synthetic_texts` from `paragraphs`, fits a document-level
    model with ``k = n_planted`` and matches fitted to planted topics with the
    Hungarian algorithm on their document counts.

    Returns
    -------
    dict
        :func:`time_fit`'s keys plus ``docs`` and ``recovery`` (share of
        documents whose dominant fitted topic is their planted topic).
    """
    from scipy.optimize import linear_sum_assignment

    texts, truth = synthetic_texts(paragraphs, n_docs=n_docs, n_planted=n_planted,
                                   random_state=int(settings["seed"]))
    t0 = time.perf_counter()
    model = TopicModel.from_settings(settings, n_planted).fit(texts)
    seconds = time.perf_counter() - t0
    shares = np.nan_to_num(model.unit_topics_)
    found = shares.argmax(axis=1)
    table = np.zeros((n_planted, model.n_topics_))
    np.add.at(table, (truth, found), 1)
    r, c = linear_sum_assignment(-table)
    return {"docs": n_docs, "units": len(texts), "terms": len(model.terms_),
            "nonzeros": int(model.counts_.nnz), "seconds": seconds, "method": settings["method"],
            "k": model.n_topics_, "recovery": float(table[r, c].sum() / n_docs)}

