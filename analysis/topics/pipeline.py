"""The whole topic analysis: units, vocabulary, k, the model, and every tidy frame.

:func:`analyse_topics` does no plotting and no file I/O (the optional k-scan
cache lives in :mod:`analysis.topics.cache`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..background import start
from ..labels import document_labels, label_map
from . import diagnostics as D
from . import scan as S
from .frames import (aggregate_shares, doc_similarity, dominant_topics, representatives,
                     share_frame, topic_concentration, topic_map, topic_mass, topic_terms_frame)
from .labels import auto_labels, topic_labels
from .model import TopicModel, iterations
from .parallel import fit_processes, submit_fits
from .settings import MIN_DOCS_FOR_MIRRORS, topic_settings
from .units import choose_unit, topic_units, unit_of_paragraph
from .vocab import Vocabulary, regroup


@dataclass
class TopicResult:
    """Everything the topics command and notebook show. Frames are tidy.

    ``doc_labels`` maps each ``doc_id`` to its readable label; every frame
    that names a document also has a ``doc_label`` column.
    """

    settings: dict
    unit: str
    unit_reason: str
    method: str
    k: int
    k_reason: str
    k_rule: str
    model: TopicModel | None
    units: pd.DataFrame
    n_docs: int = 0
    doc_labels: dict = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)
    topic_terms: pd.DataFrame | None = None
    unit_topics: pd.DataFrame | None = None
    doc_topics: pd.DataFrame | None = None
    section_topics: pd.DataFrame | None = None
    leading_topics: pd.DataFrame | None = None
    topic_diagnostics: pd.DataFrame | None = None
    representatives: pd.DataFrame | None = None
    topic_mass: pd.DataFrame | None = None
    k_scan: pd.DataFrame | None = None
    k_next: pd.DataFrame | None = None
    topic_map: pd.DataFrame | None = None
    doc_similarity: pd.DataFrame | None = None
    stability: float = float("nan")
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether a model was fitted (False when the corpus is too small)."""
        return self.model is not None


def _with_doc_labels(frame: pd.DataFrame, names: dict, column: str = "doc_id",
                     label: str = "doc_label") -> pd.DataFrame:
    frame = frame.copy()
    frame.insert(frame.columns.get_loc(column) + 1, label,
                 frame[column].map(names).fillna(frame[column]))
    return frame


def analyse_topics(corpus, params: dict | None = None, n_topics: int | None = None,
                   method: str | None = None, unit: str | None = None, k_scan=None,
                   scan_function=None) -> TopicResult:
    """Fit the topic model the settings ask for and build every frame.

    Parameters
    ----------
    corpus : Corpus
    params : dict, optional
        The full parameter dict (``topics`` and ``documents`` sections, ``seed``).
    n_topics : int, optional
        Fix k instead of choosing it from the k-scan.
    method, unit : str, optional
        Override ``topics.method`` / ``topics.unit``.
    k_scan : pandas.DataFrame, optional
        A k-scan already computed for these units and settings (from the
        cache); computed here when omitted.
    scan_function : callable, optional
        ``f(texts, settings) -> DataFrame`` used instead of
        :func:`analysis.topics.scan.k_scan` (the cache passes one).

    Returns
    -------
    TopicResult
        ``ok`` is False (with a warning saying why) when the corpus is too
        small to model. ``k_rule`` says how k was set: ``"rule"`` (the k-scan
        rule), ``"most_stable"`` (no k met the rule's cuts) or ``"user"``.
    """
    s = topic_settings(params, method=method, unit=unit, n_topics=n_topics)
    chosen_unit, unit_reason = choose_unit(len(corpus.docs), s["unit"], int(s["auto_unit_min_docs"]))
    units = topic_units(corpus, chosen_unit)
    names = label_map(document_labels(corpus.documents, (params or {}).get("documents")))
    res = TopicResult(settings=s, unit=chosen_unit, unit_reason=unit_reason, method=s["method"],
                      k=0, k_reason="", k_rule="", model=None, units=units, n_docs=len(corpus.docs),
                      doc_labels=names)
    texts = units["text"].tolist()
    # On a large corpus the k-scan starts first, in a thread that hands its fits to the worker
    # processes: they fit while this thread builds the vocabulary and the counts below (at
    # 5,000 documents about 15 s that left the second core idle).
    n_jobs = fit_processes(s, len(texts))
    scanning = (None if k_scan is not None or not texts else
                start(scan_function or S.k_scan, (texts, s), thread=n_jobs > 1))
    vocab = Vocabulary.from_settings(s)
    # The paragraphs' tokens, taken from the parse, serve everything: the units, and the
    # paragraphs and sections placed with the finished model, are all made of paragraphs (a
    # unit's text is its paragraphs joined).
    tokens = vocab.corpus_tokens(corpus) if texts else None
    counts = (vocab.fit_tokens(*regroup(tokens, unit_of_paragraph(corpus, chosen_unit)), len(texts))
              if texts else sp.csr_matrix((0, 0)))
    usable = int((np.asarray(counts.sum(axis=1)).ravel() > 0).sum()) if texts else 0
    if usable < 3 or counts.shape[1] < 3:
        res.warnings.append(f"not enough text for topic modelling: {usable} {chosen_unit} unit(s) "
                            f"with {counts.shape[1]} usable term(s); add documents or use a "
                            "smaller unit")
        return res

    # ---- choose k
    # Paragraphs (and sections) to place with the finished model, counted now: on a large
    # corpus in a thread, while this process would otherwise wait for the k-scan's workers.
    placement = start(_placement_counts, (corpus, chosen_unit, units, vocab, tokens),
                      thread=n_jobs > 1)
    del tokens                        # about 200 MB at 5,000 documents: freed once placed
    scan = k_scan if k_scan is not None else scanning.result()
    res.k_scan = scan
    if s.get("n_topics") is not None:
        k = int(s["n_topics"])
        res.k_reason, res.k_rule = f"k = {k} was fixed by the user", "user"
    else:
        res.k_rule = ("rule" if S.qualifying(scan, float(s["min_stability"]),
                                             float(s["min_diversity"])).any() else "most_stable")
        k, res.k_reason = S.choose_k(scan, float(s["min_stability"]), float(s["coherence_tolerance"]),
                                   float(s["min_diversity"]))

    # ---- the model, and its seed replicates for stability
    # Above topics.scan_max_units units the refits use the k-scan's seeded sample (same
    # vocabulary), so stability is measured across seeds and subsampling together. They
    # and the k + 1 refits start first: with several processes they run while the model fits.
    rows = S.scan_rows(len(texts), s)
    refit_texts = texts if rows is None else [texts[i] for i in rows]
    refit_counts = counts if rows is None else counts[rows]
    seeds = [s["seed"] + i for i in range(int(s["n_seeds"]))]

    def refits(n_topics):
        return submit_fits(refit_counts, [(n_topics, seed) for seed in seeds[1:]], s["method"],
                           iterations(s), n_jobs)

    started, next_started = refits(k), (refits(k + 1) if k + 1 in set(scan["k"]) else None)
    model = TopicModel.from_settings(s, k).fit(texts, counts=counts, vocabulary=vocab)
    if model.n_topics_ != k:
        res.warnings.append(f"k = {k} is more than the data supports; fitted {model.n_topics_} topics")
        started, next_started = refits(model.n_topics_), None
    k = model.n_topics_
    res.k, res.model = k, model
    reps = [model.components_] + [f.result()[2] for f in started]
    per_topic, res.stability = D.topic_stability(reps)
    res.labels = labels = topic_labels(model, s["labels"])
    if k + 1 in set(scan["k"]):
        res.k_next = S.next_k_split(refit_texts, s, model, k + 1, counts=refit_counts,
                                    vocabulary=vocab, refits=next_started)
        res.k_next["parent_label"] = [labels[t - 1] for t in res.k_next["parent_topic"]]

    # ---- units, documents, sections
    shares, lengths = model.unit_topics_, model.unit_lengths_
    res.unit_topics = _with_doc_labels(
        share_frame(shares, units[["unit_id", "doc_id", "section", "heading"]], labels), names)
    doc_sh, doc_keys = aggregate_shares(shares, lengths, units["doc_id"].tolist())
    res.doc_topics = _with_doc_labels(share_frame(doc_sh, pd.DataFrame({"doc_id": doc_keys}), labels),
                                      names)
    para_units, ref, sections = placement.result()
    res.section_topics = _with_doc_labels(_section_topics(res, shares, lengths, sections), names)
    res.leading_topics = dominant_topics(res.doc_topics)
    has_words = pd.Series(lengths > 0).groupby(units["doc_id"].to_numpy()).any()
    empty = [d for d in doc_keys if not has_words[d]]
    if empty:
        res.warnings.append(f"{len(empty)} document(s) have no modelled words and get equal "
                            f"shares: {', '.join(names.get(d, d) for d in empty[:5])}")

    # ---- per topic: diagnostics, where its text lies, representative paragraphs
    para_units = _with_doc_labels(para_units, names)
    if chosen_unit == "paragraph":
        ref, para_shares, fit = counts, shares, model.fit_quality()
    else:
        para_shares, fit = model.transform_with_quality(counts=ref)
    res.representatives = representatives(para_shares, fit, para_units, labels, int(s["representative_n"]),
                                          float(s["representative_min_share"]))
    doc_words = pd.Series(lengths).groupby(units["doc_id"].to_numpy()).sum()
    res.topic_diagnostics = _diagnostics(model, s, labels, ref, per_topic, res, doc_words)
    res.topic_mass = topic_mass(res.doc_topics, doc_words)
    res.topic_terms = topic_terms_frame(model, labels, int(s["top_n"]))
    res.topic_map = topic_map(model, labels)
    sim = doc_similarity(res.doc_topics)
    res.doc_similarity = _with_doc_labels(_with_doc_labels(sim, names, "doc_a", "doc_a_label"),
                                          names, "doc_b", "doc_b_label")
    return res


def _placement_counts(corpus, chosen_unit: str, units: pd.DataFrame, vocab: Vocabulary, tokens):
    """The paragraph units and their term counts, and (documents as units) the sections and theirs.

    `tokens` are the corpus paragraphs' tokens the vocabulary was fitted from.

    Returns
    -------
    (DataFrame, sparse matrix or None, (DataFrame, sparse matrix) or None)
        Paragraph counts are None when paragraphs are the units (the model's own).
    """
    def counted(unit):
        frame = topic_units(corpus, unit)
        return frame, vocab.count_tokens(*regroup(tokens, unit_of_paragraph(corpus, unit)),
                                         len(frame))

    para_units, ref = (units, None) if chosen_unit == "paragraph" else counted("paragraph")
    sections = counted("section") if chosen_unit == "document" else None
    return para_units, ref, sections


def _section_topics(res: TopicResult, shares, lengths, sections) -> pd.DataFrame:
    """Section shares: aggregated from units, or placed by the model when documents are the units.

    `sections` is ``(section units, their term counts)`` when documents are the units.
    """
    units, labels = res.units, res.labels
    if res.unit != "document":
        sec_keys = list(zip(units["doc_id"], units["section"]))
        sec_sh, keys = aggregate_shares(shares, lengths, sec_keys)
        heads = dict(zip(sec_keys, units["heading"]))
        ids = pd.DataFrame({"doc_id": [a for a, _ in keys], "section": [b for _, b in keys],
                            "heading": [heads[kk] for kk in keys]})
        return share_frame(sec_sh, ids, labels)
    secs, sec_counts = sections
    sec_sh = res.model.transform(counts=sec_counts)
    ok = ~np.isnan(sec_sh).any(axis=1)
    return share_frame(sec_sh[ok], secs.loc[ok, ["doc_id", "section", "heading"]]
                       .reset_index(drop=True), labels)


def _diagnostics(model, s: dict, labels, ref, per_topic, res: TopicResult,
                 doc_words: pd.Series) -> pd.DataFrame:
    """One row per topic: scores, weak flags, concentration and the first representative."""
    top_n = int(s["top_n"])
    uni = model.top_terms(top_n, "unigram")
    top_idx = [[model.vocabulary_.index_[t] for t, _ in terms] for terms in uni]
    coherence = D.npmi_coherence(ref, top_idx)
    excl = D.exclusivity(model.topic_term_distributions(), top_idx)
    tops, bigrams = model.top_terms(top_n), model.top_terms(5, "bigram")
    lead = res.leading_topics
    frame = pd.DataFrame({
        "topic": np.arange(1, model.n_topics_ + 1), "label": labels, "auto_label": auto_labels(model),
        "prevalence": model.prevalence_.astype(float), "coherence": coherence.astype(float),
        "exclusivity": excl.astype(float), "stability": np.asarray(per_topic, dtype=float),
        "top_terms": [", ".join(w for w, _ in t) for t in tops],
        "key_terms": [", ".join(w for w, _ in t[:5]) for t in tops],
        "top_bigrams": [", ".join(w for w, _ in b) for b in bigrams],
        "dominant_in": [", ".join(lead.loc[lead["topic"] == t, "doc_id"])
                        for t in range(1, model.n_topics_ + 1)],
    })
    weak_coh = frame["coherence"] < float(s["weak_coherence"])
    weak_stab = frame["stability"] < float(s["weak_stability"])
    frame["weak"] = weak_coh | weak_stab
    frame["weak_reason"] = np.select([weak_coh & weak_stab, weak_coh, weak_stab],
                                     ["coherence and stability", "coherence", "stability"], "")
    conc = topic_concentration(res.doc_topics, doc_words)
    frame = frame.merge(conc, on="topic", how="left")
    frame["mirrors_document"] = (frame["mass_in_top_doc"] > float(s["mirror_mass"])) & \
        (res.n_docs >= MIN_DOCS_FOR_MIRRORS)
    first = res.representatives[res.representatives["rank"] == 1].set_index("topic")
    first = first.reindex(frame["topic"])
    frame["representative_doc"] = first["doc_id"].fillna("").to_numpy()
    frame["representative_doc_label"] = first["doc_label"].fillna("").to_numpy()
    frame["representative_section"] = first["heading"].fillna("").to_numpy()
    frame["representative_unit"] = first["unit_id"].fillna("").to_numpy()
    frame["representative_share"] = first["share"].astype(float).to_numpy()
    frame["representative_text"] = first["text"].fillna("").to_numpy()
    frame["representative_units"] = [
        "; ".join(res.representatives.loc[res.representatives["topic"] == t, "unit_id"])
        for t in frame["topic"]]
    return frame
