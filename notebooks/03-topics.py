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
# *What do these documents talk about, in what proportions, and are those topics real or an
# artefact of one random seed?* This report fits a topic model, chooses the number of topics
# from a scan of coherence, distinctness and stability across random seeds, names each topic
# by its top terms and most representative paragraph, and shows how each document divides
# its attention between the topics and moves through them section by section. The same
# tables are written by `python -m analysis topics`.

# %% tags=["parameters"]
params_file = None   # None -> params.yaml at the project root
corpus_dir = None    # None -> corpus.dir from the parameter file

# %%
import matplotlib.pyplot as plt
from IPython.display import display

from analysis import corpus_from_params, load_params
from analysis.narrate import esc, join, md, number, percent, plural, table, warnings_note
from analysis.plots.style import apply_style
from analysis.plots.topics import (plot_doc_similarity, plot_doc_topics, plot_k_scan,
                                   plot_top_terms, plot_topic_flow, plot_topic_map)
from analysis.topics import cached_k_scan
from analysis.topics import compare_methods
from analysis.topics import (analyse_topics, dominant_topics, method_verdict, scale_check,
                             time_fit, topic_switches)

params = load_params(params_file)
corpus = corpus_from_params(params, corpus_dir)
result = analyse_topics(corpus, params, scan_function=cached_k_scan)
s = result.settings
apply_style()
display(md(warnings_note(corpus.warnings + result.warnings)))

# %% [markdown]
# ## How the model is set up

# %%
n_units = len(result.units)
if result.ok:
    vocab = result.model.vocabulary_
    boiler = vocab.boilerplate_
    display(md(
        f"The model is **{result.method.upper()}** "
        + ("(non-negative matrix factorisation of TF-IDF weights)" if result.method == "nmf"
           else "(latent Dirichlet allocation of word counts)")
        + f", fitted on {plural(n_units, result.unit + ' unit')} because {esc(result.unit_reason)}. "
        f"Its vocabulary holds {plural(len(result.model.terms_), 'term')} "
        f"({plural(int((~vocab.is_bigram_).sum()), 'word')} and "
        f"{plural(int(vocab.is_bigram_.sum()), 'two-word phrase')}) that occur in at least "
        f"{s['min_df']} units. Words in more than {percent(s['max_df'])} of the units are "
        f"corpus-wide boilerplate that cannot separate topics and are dropped"
        + (f": here {join(['*' + esc(w) + '*' for w in boiler[:8]])}" if boiler else
           " (none reached that share here)")
        + f". A further {plural(len(s['extra_stop_words']), 'filler word')} from the parameter "
        "file (such as *" + esc(", ".join(list(s["extra_stop_words"])[:4])) + "*) are ignored."
    ))
else:
    display(md("**Not enough text for a topic model** (see the input notes above). "
               "The rest of this report is empty."))

# %% [markdown]
# ## Choosing the number of topics
#
# For each number of topics *k* in the scan, the model is fitted with several random seeds.
# **Coherence** (NPMI) measures how often a topic's top words occur together in the same
# paragraph, from -1 (never) through 0 (independent) to 1 (always). **Diversity** is the share
# of distinct words among all topics' top words and **exclusivity** the share of each top word's
# weight that its own topic holds. **Stability** matches the topics of every pair of seeds one
# to one (Hungarian matching on topic-term vectors) and averages their cosine similarity: 1
# means every seed finds the same topics.

# %%
if result.ok:
    scan = result.k_scan
    display(md(
        f"The scan covered k = {int(scan.k.min())} to {int(scan.k.max())} with "
        f"{plural(int(s['n_seeds']), 'seed')} each. The rule takes the finest solution that is "
        "still trustworthy: the largest k whose least stable topic reaches a stability of "
        f"{number(s['min_stability'], 2)}, whose diversity is at least "
        f"{number(s['min_diversity'], 2)}, and whose coherence is within "
        f"{number(s['coherence_tolerance'], 2)} of the most coherent such k. Coherence alone "
        "favours a few broad topics and stability alone favours k = 2, so neither decides by "
        f"itself. Here {esc(result.k_reason)}."
    ))
    plot_k_scan(scan, chosen_k=result.k, min_stability=float(s["min_stability"]))
    plt.show()
    best_coh = scan.loc[scan.coherence.idxmax()]
    display(md(
        f"Figure 1. The k-scan. The vertical line marks the chosen k = {result.k}. Coherence is "
        f"highest at k = {int(best_coh.k)} ({number(best_coh.coherence, 3)}); stability is "
        f"lowest at k = {int(scan.loc[scan.stability.idxmin()].k)} "
        f"({number(scan.stability.min(), 2)})."
    ))
    display(table(scan[["k", "coherence", "coherence_min", "diversity", "exclusivity",
                        "stability", "stability_min", "seconds"]],
                  caption="Table 1. The k-scan (seconds: fitting time for all seeds)", digits=3))

# %% [markdown]
# ## The topics

# %%
if result.ok:
    diag = result.topic_diagnostics
    named = [f"**{int(r.topic)}. {esc(r.label)}** ({percent(r.prevalence)})"
             for r in diag.itertuples()]
    display(md(
        f"The model finds {plural(result.k, 'topic')}. Named by their heaviest terms and ordered "
        f"by prevalence (their share of all modelled text), they are {join(named)}. "
        "Labels are automatic unless set under `topics.labels` in the parameter file."
    ))
    plot_top_terms(result.topic_terms, n_terms=8)
    plt.show()
    display(md("Figure 2. The eight heaviest terms of each topic, as a share of the topic's "
               "total weight. Two-word phrases show the wording the essays use."))

# %%
if result.ok:
    weakest = diag.loc[diag.coherence.idxmin()]
    least_stable = diag.loc[diag.stability.idxmin()]
    display(md(
        f"Table 2 gives the diagnostics of each topic. The most coherent topic is "
        f"*{esc(diag.loc[diag.coherence.idxmax()].label)}* "
        f"(NPMI {number(diag.coherence.max(), 3)}) and the least coherent "
        f"*{esc(weakest.label)}* ({number(weakest.coherence, 3)}). "
        f"The least stable topic across seeds is *{esc(least_stable.label)}* "
        f"(matched similarity {number(least_stable.stability, 2)}); "
        + ("every topic is reproduced almost exactly by every seed."
           if least_stable.stability >= 0.9 else
           "treat it with more caution than the others.")
    ))
    show = diag[["topic", "label", "prevalence", "coherence", "exclusivity", "stability",
                 "top_terms", "top_bigrams"]].copy()
    show["top_terms"] = [", ".join(t.split(", ")[:6]) for t in show.top_terms]
    show["top_bigrams"] = [", ".join(t.split(", ")[:3]) for t in show.top_bigrams]
    display(table(show, caption="Table 2. Diagnostics per topic", digits=2))

# %%
if result.ok:
    display(md(
        "Table 3 quotes, for each topic, the paragraph that gives it the largest share (among "
        "paragraphs of at least median length), with its document and section. Reading these is "
        "the quickest check that a topic is about something."
    ))
    rep = diag[["topic", "label", "representative_doc", "representative_section",
                "representative_text"]].copy()
    rep["representative_text"] = [t if len(t) <= 280 else t[:277].rsplit(" ", 1)[0] + " …"
                                  for t in rep.representative_text]
    rep.columns = ["topic", "label", "document", "section", "most representative paragraph"]
    display(table(rep, caption="Table 3. The most representative paragraph of each topic"))

# %% [markdown]
# ## The documents

# %%
if result.ok:
    dom = dominant_topics(result.doc_topics)
    sentences = [f"{esc(r.doc_id)} is led by *{esc(r.label)}* ({percent(r.share)})"
                 for r in dom.itertuples()]
    clear = dom[dom.share >= 2 * dom.runner_up_share]
    display(md(
        f"Each document's topic shares are the length-weighted average of its {result.unit}s' "
        f"shares, so they sum to 100%. {join(sentences)}. "
        + (f"{plural(len(clear), 'document')} of {len(dom)} "
           f"{'is' if len(clear) == 1 else 'are'} dominated by one topic (at least twice the "
           "next one)." if len(dom) > 1 else "")
    ))
    plot_doc_topics(result.doc_topics)
    plt.show()
    display(md("Figure 3. Topic shares of each document (rows sum to 100%)."))

# %%
if result.ok and not result.section_topics.empty:
    st = result.section_topics
    switches = topic_switches(st)
    display(md(
        "Figure 4 follows each document through its sections in reading order. The leading topic "
        f"changes between consecutive sections {join([f'{n} times in {esc(d)}' for d, n in switches.items()])}."
    ))
    plot_topic_flow(st)
    plt.show()
    display(md("Figure 4. Topic flow: the topic shares of each section, in reading order."))
elif result.ok:
    display(md("The model was fitted on whole documents, so there is no section-level flow."))

# %%
if result.ok and len(corpus.docs) > 1:
    sim = result.doc_similarity
    pair = sim.loc[sim.similarity.idxmax()]
    far = sim.loc[sim.similarity.idxmin()]
    display(md(
        f"In topic space the most alike documents are {esc(pair.doc_a)} and {esc(pair.doc_b)} "
        f"(cosine similarity {number(pair.similarity, 2)}); the least alike are "
        f"{esc(far.doc_a)} and {esc(far.doc_b)} ({number(far.similarity, 2)})."
    ))
    if corpus.documents.shape[0] <= 40:
        plot_doc_similarity(sim)
        plt.show()
        display(md("Figure 5. Cosine similarity of the documents' topic shares."))
elif result.ok:
    display(md("There is only one document, so there is no document-to-document comparison."))

# %% [markdown]
# ## How the topics relate

# %%
if result.ok and result.k >= 2:
    tm = result.topic_map
    display(md(
        "Figure 6 places topics with similar word distributions near each other "
        "(Jensen-Shannon distance, scaled to two dimensions); circle area is prevalence."
    ))
    plot_topic_map(tm)
    plt.show()
    display(md("Figure 6. Intertopic distance map."))

# %% [markdown]
# ## NMF or LDA?

# %%
if result.ok:
    comp = compare_methods(result.units["text"], s, result.k, scan_function=cached_k_scan)
    verdict = method_verdict(comp, result.method)
    c = comp.set_index("method")
    display(md(
        f"Both methods were fitted at k = {result.k} on the same units with the same seeds. "
        f"NMF: coherence {number(c.loc['nmf', 'coherence'], 3)}, diversity "
        f"{number(c.loc['nmf', 'diversity'], 2)}, stability {number(c.loc['nmf', 'stability'], 2)}; "
        f"LDA: coherence {number(c.loc['lda', 'coherence'], 3)}, diversity "
        f"{number(c.loc['lda', 'diversity'], 2)}, stability {number(c.loc['lda', 'stability'], 2)}. "
        f"{verdict} Exclusivity ({number(c.loc['nmf', 'exclusivity'], 2)} for NMF, "
        f"{number(c.loc['lda', 'exclusivity'], 2)} for LDA) shows how far each method "
        "keeps a topic's top words to that topic: LDA models raw counts, so on short units "
        "frequent words weigh in many topics, while NMF on TF-IDF weights favours distinctive words."
    ))
    display(table(comp[["method", "coherence", "diversity", "exclusivity", "stability",
                        "seconds"]],
                  caption=f"Table 4. NMF and LDA at k = {result.k} "
                          f"({plural(int(s['n_seeds']), 'seed')}; seconds for all seeds)",
                  digits=3))

# %% [markdown]
# ## Does it scale?

# %%
if result.ok:
    small = time_fit(result.units["text"].tolist(), s, result.k)
    big = scale_check(corpus.paragraphs["text"], s, n_docs=int(s["scale_docs"]))
    display(md(
        f"Building the vocabulary and fitting the chosen model on this corpus "
        f"({plural(n_units, 'unit')}, {plural(small['terms'], 'term')}) took "
        f"{number(small['seconds'], 2)} seconds. To test scale, a synthetic corpus of "
        f"{plural(big['docs'], 'document')} was built by sampling this corpus's paragraphs and "
        f"planting {big['k']} made-up word blocks, one per document; fitting it "
        f"({plural(big['terms'], 'term')}, {big['nonzeros']:,} non-zero cells in a sparse matrix) "
        f"took {number(big['seconds'], 2)} seconds, and the model put "
        f"{percent(big['recovery'], 1)} of the documents under their planted topic."
    ))

# %% [markdown]
# ## What this means

# %%
if result.ok:
    top = diag.iloc[0]
    display(md(
        f"The corpus divides into {plural(result.k, 'topic')}, of which *{esc(top.label)}* is the "
        f"largest ({percent(top.prevalence)} of the modelled text). The report uses "
        f"{result.method.upper()} with k = {result.k} because {esc(result.k_reason)}. "
        f"{verdict} The solution's stability across {plural(int(s['n_seeds']), 'seed')} is "
        f"{number(result.stability, 2)} (1 = identical topics from every seed; least stable "
        f"topic {number(diag.stability.min(), 2)}). Fitting took "
        f"{number(small['seconds'], 2)} s on these {plural(len(corpus.docs), 'document')} "
        f"and {number(big['seconds'], 2)} s on the largest corpus tried, "
        f"{plural(big['docs'], 'synthetic document')}."
    ))
else:
    display(md("The corpus is too small for a topic model; add documents or longer texts."))
