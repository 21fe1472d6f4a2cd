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
# # Topics
#
# *What do these documents talk about, and in what proportions?* A topic model groups the
# words that tend to occur in the same paragraphs into topics, and says how much of each
# document each topic covers. The short answer is right below; the sections after it show the
# topics, how each document divides its attention between them, which topics are really one
# document's own subject, and which ones are too weak to lean on. How the model was fitted and
# checked is in the technical appendix, *05 Methods and diagnostics*.

# %% tags=["parameters"]
params_file = None   # None -> params.yaml at the project root
corpus_dir = None    # None -> corpus.dir from the parameter file

# %%
import matplotlib.pyplot as plt
from IPython.display import display

from analysis import corpus_from_params, load_params
from analysis.findings.topics import prose, topic_findings
from analysis.narrate import esc, md, percent, table, warnings_note
from analysis.plots.style import MAX_DOC_LABELS, apply_style
from analysis.plots.topics import (plot_doc_similarity, plot_doc_topics, plot_top_terms,
                                   plot_topic_flow, plot_topic_mass)
from analysis.topics import analyse_topics, cached_k_scan

params = load_params(params_file)
corpus = corpus_from_params(params, corpus_dir)
result = analyse_topics(corpus, params, scan_function=cached_k_scan)
findings = topic_findings(result)
apply_style()
display(md(warnings_note(corpus.warnings + result.warnings)))
if result.ok:
    display(md("**In short.** " + prose(findings, "topics.overview", "topics.topic.1",
                                        "topics.mirror_summary", escape=esc)))
else:
    display(md("**Not enough text for a topic model** (see the input notes above). "
               "The rest of this report is empty."))

# %% [markdown]
# ## The topics
#
# Each topic is named after its heaviest terms (names can be set by hand under
# `topics.labels` in the parameter file). Topics are numbered from the largest to the
# smallest share of the text.

# %%
if result.ok:
    display(md(prose(findings, "topics.topic.", escape=esc, bullets=True)))
    plot_top_terms(result.topic_terms, n_terms=6)
    plt.show()
    display(md("Figure 1. The six heaviest terms of each topic, as a share of the topic's "
               "total weight. Two-word terms show the wording the essays use."))

# %% [markdown]
# ## How each document divides its attention
#
# A document's topic shares add up to 100%. They are the length-weighted average of the shares
# of its paragraphs.

# %%
if result.ok:
    display(md(prose(findings, "topics.document.", escape=esc, bullets=True, most=MAX_DOC_LABELS,
                     more=" documents, each in `leading_topics.csv`")))
    plot_doc_topics(result.doc_topics)
    plt.show()
    display(md("Figure 2. Topic shares of each document (each row sums to 100%). "
               "Documents are named by letter and short title; the key is at the end."))

# %% [markdown]
# ## Topics that mirror one document
#
# A topic can be a subject the essays share, or mostly one essay's own subject. Figure 3
# shows, for each topic, which documents its text comes from.

# %%
if result.ok:
    display(md(prose(findings, "topics.mirror.", "topics.mirror_none", "topics.mirror_skipped",
                     escape=esc, bullets=True)))
    plot_topic_mass(result.topic_mass)
    plt.show()
    display(md("Figure 3. Where each topic's text lies: the part of all the text the model "
               "gives a topic that comes from each document."))

# %% [markdown]
# ## Topics to read with care
#
# **Coherence** says how often a topic's top words occur in the same paragraph: 0 means no more
# often than chance, 1 means always together. **Stability** says whether the model finds the
# topic again when it is refitted from other random starting points: 1 means every refit finds
# the same topic.

# %%
if result.ok:
    display(md(prose(findings, "topics.weak.", "topics.weak_none", escape=esc, bullets=True)))
    diag = result.topic_diagnostics
    show = diag[["topic", "label", "prevalence", "coherence", "stability", "weak_reason"]].copy()
    show["prevalence"] = [percent(p) for p in show["prevalence"]]
    show = show.rename(columns={"prevalence": "share of text", "weak_reason": "weak by"})
    display(table(show, caption="Table 1. How far each topic can be trusted", digits=2))

# %% [markdown]
# ## What each topic sounds like
#
# For each topic, the paragraph that shows it best: among the paragraphs the topic dominates
# (it holds at least `topics.representative_min_share` of them), the one whose words the topic
# accounts for most. A paragraph made mostly of words no topic holds is passed over, however
# its shares fall.

# %%
if result.ok:
    for rep in result.representatives[result.representatives["rank"] == 1].itertuples():
        display(md(prose(findings, f"topics.representative.{rep.topic}", escape=esc)
                   + "\n\n> " + esc(rep.text)))

# %% [markdown]
# ## How the documents move through the topics

# %%
if result.ok and not result.section_topics.empty:
    plot_topic_flow(result.section_topics)
    plt.show()
    display(md("Figure 4. The topic shares of each section, in reading order. A change of "
               "colour from one bar to the next is a change of subject."))
elif result.ok:
    display(md("The model was fitted on whole documents, so there is no section-level flow."))

# %% [markdown]
# ## How alike the documents are

# %%
if result.ok and len(corpus.docs) > 1 and len(corpus.docs) <= 40:
    plot_doc_similarity(result.doc_similarity)
    plt.show()
    display(md("Figure 5. How alike the documents' topic shares are (cosine similarity: 1 = "
               "the same mix of topics, 0 = no topic in common)."))
elif result.ok and len(corpus.docs) == 1:
    display(md("There is only one document, so there is no document-to-document comparison."))

# %% [markdown]
# ## How many topics

# %%
if result.ok:
    display(md(prose(findings, "topics.k_choice", "topics.k_next", escape=esc)
               + " The full scan is in the technical appendix (05)."))

# %% [markdown]
# ## What this means

# %%
if result.ok:
    display(md(prose(findings, "topics.shared_summary", "topics.mirror_none",
                     "topics.weak_summary", "topics.weak_none", escape=esc)
               + " The table below is the key from document labels to files."))
    key = result.leading_topics[["doc_label", "doc_id"]].merge(
        corpus.documents[["doc_id", "title"]], on="doc_id")
    display(table(key.rename(columns={"doc_label": "document", "doc_id": "file id"}),
                  caption="Key: documents, their labels and file ids"))
else:
    display(md("The corpus is too small for a topic model; add documents or longer texts."))
