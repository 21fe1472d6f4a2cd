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
                  caption="Table 2. The k-scan (seconds: fitting time for all seeds)", digits=3))

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
# ## Redundancy: calibration and verification
#
# *To be completed: calibration and verification of the redundancy detector.*
