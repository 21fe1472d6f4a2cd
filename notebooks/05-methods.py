# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Methods and diagnostics
#
# *How were the reports' models fitted, and can they be trusted?* This technical appendix
# holds what a reader of the subject does not need but a reviewer does: how the topic model's
# vocabulary and number of topics were chosen, the full diagnostics of every topic, NMF
# against LDA, how long fitting takes and whether it scales, and how the redundancy detector
# was calibrated. The same tables are written by `python -m analysis topics`.

# %% tags=["parameters"]
params_file = None   # None -> params.yaml at the project root
corpus_dir = None    # None -> corpus.dir from the parameter file

# %%
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from analysis import corpus_from_params, load_params
from analysis.findings.topics import prose, topic_findings
from analysis.narrate import esc, md, table, warnings_note
from analysis.plots.style import apply_style
from analysis.plots.topics import plot_k_scan, plot_topic_map
from analysis.topics import (analyse_topics, cached_k_scan, compare_methods, method_verdict,
                             scale_check, time_fit)

params = load_params(params_file)
corpus = corpus_from_params(params, corpus_dir)
result = analyse_topics(corpus, params, scan_function=cached_k_scan)
findings = topic_findings(result)
s = result.settings
apply_style()
display(md(warnings_note(corpus.warnings + result.warnings)))

# %% [markdown]
# ## Themes: the dictionary and how it is matched
#
# A theme is a list of terms. Matching ignores case and respects word boundaries; a trailing
# `*` matches any ending (`train*` finds *trained* and *trainers*); the words of a multi-word
# term match across spaces, line breaks or a hyphen (*capacity building* finds
# *capacity-building*). Where matches of one theme overlap, the longest counts once; each theme
# is counted on its own, so one phrase may count for two themes. Headings are not counted, so
# counts and the word totals they are divided by cover the same text.
#
# The dictionary's `baseline:` group holds the subjects the whole corpus is about
# (peacekeeping, security sector reform). They are matched and counted like themes, but left
# out of keyness, co-occurrence and every "most frequent" or "most distinctive" ranking.

# %%
from analysis.narrate import join, number, plural
from analysis.themes import analyse_themes

themes_result = analyse_themes(corpus, params)
summary = themes_result["summary"]
t_counts, t_matches = themes_result["counts"], themes_result["matches"]
t_words = int(t_counts.drop_duplicates("doc_id")["words"].sum())
unused = summary[(summary.matches == 0)].theme.tolist()
n_base = int((summary.group == "baseline").sum())
display(md(
    f"The dictionary (`{esc(themes_result['file'].name)}`) holds "
    f"{plural(int((summary.group == 'theme').sum()), 'theme')} and "
    f"{plural(n_base, 'shared subject')} with "
    f"{plural(int(sum(len(t.terms) for t in themes_result['themes'])), 'term')}. Across "
    f"{plural(len(corpus.docs), 'document')} and {plural(t_words, 'word')} of body text they "
    f"match {plural(len(t_matches), 'time')}, "
    f"{number(1000 * len(t_matches) / t_words if t_words else 0)} per 1,000 words. "
    + (f"{plural(len(unused), 'theme')} never match: {esc(join(unused))}. " if unused else "")
    + "The table lists each theme's terms and how often it matched."
))
display(table(summary[["theme", "group", "terms", "matches", "documents"]],
              caption="Themes and shared subjects, their terms, matches and documents "
                      "mentioning each", digits=0))

# %% [markdown]
# ### Keyness, dispersion and co-occurrence
#
# **Keyness** compares each document with the rest of the corpus pooled. The log-likelihood G²
# says how sure the difference is; the reports quote one effect size, the document's rate
# divided by the rate in the other documents (×2 = twice their rate; "only here" when no other
# document uses the item). `keyness.csv` also keeps Hardie's log ratio. Words and two-word
# phrases (bigrams) leave out stop words and are tested only when they occur at least
# `themes.min_word_freq` times in the corpus.
#
# **Dispersion.** Each match is placed at its relative position in the document (0 = first
# word, 1 = last). Gries' DP summarises spread over a document's sections: 0 means the matches
# are spread in proportion to section length, values near 1 that they sit in one place. Only
# themes with at least `themes.dispersion_min_count` matches in a document are compared.
#
# **Co-occurrence.** Two themes co-occur when a paragraph mentions both. The count expected by
# chance is (paragraphs with A × paragraphs with B) / all paragraphs; the p-value is the
# one-sided hypergeometric (Fisher exact) probability of sharing at least as many paragraphs.

# %% [markdown]
# ### What the theme counts cannot tell

# %%
dropped = themes_result["dropped"]
notes = []
if dropped:
    notes.append(
        f"While curating the dictionary, {plural(len(dropped), 'term')} were dropped because "
        "their matches were ambiguous in these documents: "
        + "; ".join(f"*{esc(k)}* ({esc(v)})" for k, v in dropped.items()) + ".")
notes.append("Counts depend on the dictionary: a theme is only as good as its terms, so "
             "read the evidence lines (`theme_matches.csv`) before trusting a difference.")
display(md(" ".join(notes)))

# %% [markdown]
# ## Topic model: units and vocabulary
#
# With few documents the model is fitted on paragraphs (a list lead and its bullet items
# count as one paragraph) and a document's topic shares are the length-weighted mean of its
# paragraphs' shares; from `topics.auto_unit_min_docs` documents on, documents are the units.
# The vocabulary holds single words and two-word phrases that occur in at least
# `topics.min_df` units. Words in more than `topics.max_df` of the units are corpus-wide
# boilerplate that cannot separate topics and are dropped, as are the filler words listed
# under `topics.extra_stop_words`.

# %%
if result.ok:
    vocab = result.model.vocabulary_
    setup = {
        "method": result.method.upper(), "unit": result.unit, "why this unit": result.unit_reason,
        "units": len(result.units), "terms": len(result.model.terms_),
        "single words": int((~vocab.is_bigram_).sum()), "two-word phrases": int(vocab.is_bigram_.sum()),
        "boilerplate words dropped (max_df)": ", ".join(vocab.boilerplate_[:12]) or "none",
        "filler words ignored": len(s["extra_stop_words"]),
    }
    display(table(pd.DataFrame({"setting": list(setup), "value": [str(v) for v in setup.values()]}),
                  caption="Table 1. How the topic model is set up"))
else:
    display(md("**Not enough text for a topic model** (see the input notes above)."))

# %% [markdown]
# ## Choosing the number of topics
#
# Each number of topics *k* in the scan is fitted with several random seeds.
# **Coherence** (NPMI) measures how often a topic's top words occur in the same paragraph,
# from -1 (never) through 0 (independent) to 1 (always). **Diversity** is the share of
# distinct words among all topics' top words, and **exclusivity** the share of each top word's
# weight that its own topic holds. **Stability** matches the topics of every pair of seeds one
# to one (Hungarian matching on topic-term vectors) and averages their cosine similarity: 1
# means every seed finds the same topics. The rule takes the largest k whose least stable
# topic reaches `topics.min_stability`, whose diversity reaches `topics.min_diversity`, and
# whose coherence is within `topics.coherence_tolerance` of the most coherent such k.
# Coherence alone favours a few broad topics and stability alone favours k = 2, so neither
# decides by itself.

# %%
if result.ok:
    display(md(prose(findings, "topics.k_choice", "topics.k_next", escape=esc)))
    plot_k_scan(result.k_scan, chosen_k=result.k, min_stability=float(s["min_stability"]))
    plt.show()
    display(md("Figure 1. The k-scan. The vertical line marks the chosen k; the dotted line in "
               "the right panel is the stability cut."))
    display(table(result.k_scan[["k", "coherence", "coherence_min", "diversity", "exclusivity",
                                 "stability", "stability_min", "seconds"]],
                  caption="Table 2. The k-scan (seconds: wall time to fit all seeds; on several processes the fits of several k overlap)", digits=3))

# %%
if result.ok and result.k_next is not None and not result.k_next.empty:
    display(table(result.k_next[["topic", "stability", "parent_topic", "parent_label",
                                 "parent_similarity", "split"]],
                  caption=f"Table 3. The topics of the model with one topic more (k = "
                          f"{result.k + 1}), each matched to its closest chosen topic", digits=2))

# %% [markdown]
# ## Diagnostics of every topic

# %%
if result.ok:
    diag = result.topic_diagnostics
    show = diag[["topic", "label", "prevalence", "coherence", "exclusivity", "stability",
                 "mass_in_top_doc", "weak_reason"]]
    show = show.rename(columns={"mass_in_top_doc": "top doc", "weak_reason": "weak by"})
    display(table(show, caption="Table 4. Diagnostics per topic (top doc: share of the topic's "
                                "text that lies in the document holding most of it)", digits=2))
    if result.k >= 2:
        plot_topic_map(result.topic_map)
        plt.show()
        display(md("Figure 2. Intertopic distance map: topics with similar word distributions "
                   "sit close together (Jensen-Shannon distance scaled to two dimensions); "
                   "circle area is the topic's share of the text."))

# %% [markdown]
# ## NMF or LDA?
#
# Both methods are fitted at the chosen k on the same units with the same seeds and scored
# alike. LDA models raw counts, so on short units frequent words weigh in many topics; NMF on
# TF-IDF weights favours distinctive words.

# %%
if result.ok:
    comp = compare_methods(result.units["text"], s, result.k, scan_function=cached_k_scan)
    display(md(esc(method_verdict(comp, result.method))))
    display(table(comp[["method", "coherence", "diversity", "exclusivity", "stability",
                        "seconds"]],
                  caption="Table 5. NMF and LDA at the chosen k (seconds for all seeds)",
                  digits=3))

# %% [markdown]
# ## Speed and scale
#
# Fitting time on this corpus, and on a synthetic corpus of `topics.scale_docs` documents
# built by sampling this corpus's paragraphs and planting one block of made-up words per
# document. Recovery is the share of synthetic documents whose main topic is their planted one.

# %%
if result.ok:
    small = time_fit(result.units["text"].tolist(), s, result.k)
    big = scale_check(corpus.paragraphs["text"], s, n_docs=int(s["scale_docs"]))
    timing = pd.DataFrame([
        {"corpus": "this corpus", "units": small["units"], "terms": small["terms"],
         "nonzeros": small["nonzeros"], "k": small["k"], "seconds": small["seconds"],
         "recovery": float("nan")},
        {"corpus": "synthetic", "units": big["units"], "terms": big["terms"],
         "nonzeros": big["nonzeros"], "k": big["k"], "seconds": big["seconds"],
         "recovery": big["recovery"]}])
    display(table(timing, caption="Table 6. Vocabulary building plus one model fit", digits=2))

# %% [markdown]
# ## Redundancy: what counts as the same point, and how well the verifier finds it
#
# Two sentences make the **same point** when a reader of one learns nothing new of substance
# from the other; **partly** when one contains the other's claim and adds a claim or a
# qualifier; otherwise they are **different**. The labelling guide and how the labelled pairs
# were drawn are in `analysis/redundancy/data/LABELLING.md`, shipped with the package.

# %%
from analysis.findings.redundancy import redundancy_findings, verification_table
from analysis.plots.redundancy import plot_scores_by_label, plot_verification
from analysis.redundancy import detect_redundancy, false_positives, redundancy_params
from analysis.references import control_corpus
from sklearn.metrics import cohen_kappa_score

r_settings = redundancy_params(params)
det = detect_redundancy(corpus, params)
rep = det.verification_
if rep is None:
    display(md("No verifier was trained in this run."))
else:
    lab = rep["labelled"]
    kappa = cohen_kappa_score(lab["label_pass1"], lab["label_pass2"])
    kappa_same = cohen_kappa_score(lab["label_pass1"] == "same", lab["label_pass2"] == "same")
    counts = lab["label"].value_counts()
    display(md(
        f"**The labelled set.** {plural(len(lab), 'sentence pair')} from the five essays, drawn across the "
        "whole similarity range and within and across documents, with every pair at or above cosine 0.8445 "
        "included; each pair was labelled twice, in independent passes that saw neither scores nor the other "
        f"pass. Agreement: Cohen's kappa {kappa:.2f} over the three labels, {kappa_same:.2f} for *same* against "
        f"the rest. Final labels (the agreed one, else the less similar): {counts.get('same', 0)} same, "
        f"{counts.get('partly', 0)} partly, {counts.get('different', 0)} different."))
    vs = r_settings["verifier"]
    display(md(
        f"**The verifier.** Candidates are each sentence's {r_settings['top_k']} nearest neighbours at or above "
        f"cosine {det.floor_:.2f} ({det.backend_} backend). A logistic regression over the features below "
        "decides *same point*; its threshold is the lowest whose precision reaches "
        f"{vs['target_precision']:.2f} on cross-validated scores of the training rows only. Every rate is "
        f"measured on held-out rows, pooled over {vs['repeats']} repetitions of {vs['folds']}-fold "
        "cross-validation with different splits (the interval is the Wilson 95% interval of one repetition's "
        "worth of pairs; *precision_min* and *precision_max* give the spread across splits)."))
    opts = rep["options"][["option", "flagged", "tp", "precision", "precision_min", "precision_max",
                           "recall", "recall_low", "recall_high"]]
    display(table(opts, caption="Options tried for deciding “same point”, held out", digits=2))
    coef = rep["coefficients"].rename("standardised coefficient").reset_index().rename(columns={"index": "feature"})
    display(table(coef, caption="The verifier's features and their weights (positive: more likely the same point)",
                  digits=2))
    plot_scores_by_label(lab)
    plt.show()
    display(md("Held-out verifier score of every labelled pair, by label."))

control_docs = control_corpus(r_settings)
if control_docs is not None:
    fp = false_positives(detect_redundancy(control_docs, params, backend=det.backend_))
    display(md(
        f"**False positives on unrelated text.** On a control corpus of {fp['documents']} short documents on "
        f"unrelated subjects ({fp['sentences']} sentences), the same settings report "
        f"{plural(fp['cross'], 'same-point pair')} across documents and {plural(fp['within'], 'pair')} within one, "
        f"out of {fp['cross_pairs_checked']:,} cross-document sentence pairs."))

st = det.embed_stats_
display(md(
    f"**Timing of this run** (varies from run to run): embedding {plural(int(st.get('texts', 0)), 'sentence')} "
    f"took {number(st.get('seconds', 0), 1)} s ({st.get('cache_hits', 0):,} from the on-disk cache, "
    f"{st.get('encoded', 0):,} encoded)."))
