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
# # Corpus overview
#
# *What is in this corpus?* This report describes each document's size, structure,
# sentence length, vocabulary and readability, and lists each document's outline of
# sections, so that the later reports on themes, topics and redundancy can be read
# against it.

# %% tags=["parameters"]
params_file = None   # None -> params.yaml at the project root
corpus_dir = None    # None -> corpus.dir from the parameter file

# %%
import matplotlib.pyplot as plt
from IPython.display import display

from analysis import corpus_from_params, corpus_summary, document_stats, load_params
from analysis.config import PROJECT_ROOT
from analysis.findings.overview import overview_findings
from analysis.labels import document_labels, label_map
from analysis.narrate import esc, hover, join, md, number, plural, searchable, table, warnings_note
from analysis.plots import (apply_style, plot_document_lengths, plot_section_lengths,
                            plot_sentence_lengths)
from analysis.plots.style import MAX_DOC_LABELS
from analysis.stats import outline, section_length_summary, stats_table

params = load_params(params_file)
corpus = corpus_from_params(params, corpus_dir)
stats = document_stats(corpus, mattr_window=params["overview"]["mattr_window"])
summary = corpus_summary(stats)
doc_labels = document_labels(corpus.documents, params.get("documents"), PROJECT_ROOT)
labels = label_map(doc_labels)
findings = overview_findings(stats.assign(label=stats.doc_id.map(labels)))
apply_style()
many_docs = len(corpus.docs) > MAX_DOC_LABELS  # then figures show distributions, not one mark per document
display(md(warnings_note(corpus.warnings)))

# %% [markdown]
# ## The documents

# %%
has_text = summary["sentences"] > 0
display(md(
    f"**In short.** The corpus holds {plural(summary['documents'], 'document')} with "
    f"{plural(summary['words'], 'word')} in {plural(summary['sentences'], 'sentence')} "
    f"and {plural(summary['sections'], 'headed section')}. "
    + (" ".join(findings[k].text(escape=esc) for k in ("overview.longest", "overview.shortest")
                if k in findings.keys()) + " "
       if summary["documents"] > 1 and has_text else "")
    + ("" if has_text else
       "**No document has body text** (only headings), so sentence length, vocabulary "
       "and readability cannot be computed: those columns are empty. ")
    + "Table 1 names each document by a letter and a short title, the names the reports use; "
    "Table 2 gives the statistics for each document."
))
key = doc_labels[["label", "title", "file"]].rename(columns={"label": "Document", "title": "Title", "file": "File"})
per_doc = stats_table(stats).assign(Document=stats.doc_id.map(labels))
if many_docs:  # a table per document row would run to many pages: searchable, capped, and in the CSVs
    display(searchable(key, "Table 1. The documents: the name used in the reports, the title and the file",
                       "document_labels.csv", max_rows=params["report"]["evidence_rows"]))
    display(searchable(per_doc, "Table 2. Statistics per document", "documents.csv",
                       max_rows=params["report"]["evidence_rows"]))
else:
    display(hover(table(key, caption="Table 1. The documents: the name used in the reports, the title and the file"),
                  "Document", doc_labels.doc_id))
    display(table(per_doc, caption="Table 2. Statistics per document", digits=2)
            # Labels wrap between words, not inside them; a smaller font keeps the table on the page.
            .set_properties(subset=["Document"], **{"overflow-wrap": "normal"})
            .set_table_styles([{"selector": "", "props": [("font-size", "7.5pt")]}], overwrite=False))
display(md(
    "*Words* counts word tokens in sentences (headings excluded). *MATTR* is the moving-average "
    f"type/token ratio over {params['overview']['mattr_window']}-word windows and *MTLD* the "
    "measure of textual lexical diversity; unlike the plain type/token ratio, neither falls as a "
    "document grows longer. *Flesch* is the Flesch reading ease: higher is easier, and scores "
    "below 30 read as specialist prose. An empty cell is a value that cannot be computed "
    "(no sentences, or a single sentence for the SD)."
))

# %%
ax = plot_document_lengths(stats, labels=labels)
plt.show()
display(md(
    ("Figure 1. How many documents have each length (too many documents to show one bar each). "
     if many_docs else "Figure 1. Words per document. ")
    + (f"The longest document is {number(summary['length_ratio'], 2)} times the length of the "
       "shortest." if summary["documents"] > 1 and summary["length_ratio"] == summary["length_ratio"]
       else "With one document there is no length to compare." if summary["documents"] == 1
       else "A document without body text has no length to compare with.")
))

# %% [markdown]
# ## Sentences

# %%
if has_text:
    ax = plot_sentence_lengths(corpus.sentences, labels=labels)
    plt.show()
    varied = stats.set_index("doc_id").loc[summary["most_varied"]]
    display(md(
        ("Figure 2. How many sentences have each length, over all documents. " if many_docs else
         "Figure 2. Words per sentence in each document (box: middle half; whiskers: 1.5 × the "
         "interquartile range). ")
        + f"Sentences average {number(summary['mean_sentence_words'])} words "
        "across the corpus. "
        + (f"Sentence length varies most in {esc(labels[summary['most_varied']])} "
           f"(standard deviation {number(varied.sd_sentence_words)} words). "
           if summary["sentences"] > 1 else "With a single sentence there is no spread to show. ")
        + (f"The most readable document by Flesch score is {esc(labels[summary['most_readable']])} "
           f"({number(summary['flesch_max'])}) and the least readable is "
           f"{esc(labels[summary['least_readable']])} ({number(summary['flesch_min'])})."
           if summary["most_readable"] != summary["least_readable"] else
           f"Its Flesch reading ease is {number(summary['flesch_max'])}.")
    ))
else:
    display(md("Figure 2 (sentence length) cannot be drawn: the corpus has no sentences."))

# %% [markdown]
# ## Sections

# %%
sections = corpus.sections
sec = section_length_summary(sections)
ax = plot_section_lengths(sections, labels=labels, seed=params["seed"])
plt.show()
display(md(
    ("Figure 3. How many sections have each length, over all documents. " if many_docs else
     "Figure 3. Words per section, one dot per section. ")
    + (f"Sections run from {plural(int(sec['min_words']), 'word')} to "
       f"{plural(int(sec['max_words']), 'word')}, with a median of "
       f"{number(sec['median_words'], 0)}. "
       f"The longest section is “{esc(sec['longest_heading'])}” in {esc(labels.get(sec['longest_doc'], sec['longest_doc']))}."
       if sec["max_words"] > 0 else "Every section is a heading without body text.")
))

# %% [markdown]
# ## Outline of each document
#
# Each document's sections in reading order, with the number of paragraphs, bullet items
# and words under each heading. "(Introduction)" is the text before the first heading.

# %%
outlines_shown = 10 if many_docs else len(corpus.docs)  # ten outlines show the pattern; the CSV has all
for doc in corpus.docs[:outlines_shown]:
    frame = outline(corpus, doc.doc_id)
    display(table(frame, caption=f"{labels[doc.doc_id]}: {doc.title}", digits=0))
if outlines_shown < len(corpus.docs):
    display(md(f"The outlines of the first {outlines_shown} of {len(corpus.docs):,} documents; every "
               "document's sections are in `sections.csv`."))

# %% [markdown]
# ## What this means

# %%
if has_text:
    many = summary["documents"] > 1
    display(md(
        (f"The {plural(summary['documents'], 'document')} are "
         + ("similar in size" if stats.words.max() <= 1.5 * stats.words.min() else "uneven in size")
         + f" ({number(stats.words.min(), 0)} to {number(stats.words.max(), 0)} words) and in "
         f"structure ({join(sorted({str(int(n)) for n in stats.sections}))} headed sections each). "
         if many else
         f"The document holds {plural(summary['words'], 'word')} under "
         f"{plural(summary['sections'], 'headed section')}; a single document cannot be "
         "compared with others. ")
        + f"With sentences of about {number(summary['mean_sentence_words'], 0)} words and Flesch "
        + (f"scores between {number(summary['flesch_min'])} and {number(summary['flesch_max'])}, "
           if summary["flesch_min"] != summary["flesch_max"] else
           f"reading ease {number(summary['flesch_max'])}, ")
        + ("they read" if many else "it reads")
        + (" as dense specialist prose. " if summary["flesch_max"] < 30
           else " with differing difficulty. " if many else " as general prose. ")
        + "The theme, topic and redundancy reports analyse this same parsed structure: every "
        "count in them can be traced to a document, section, paragraph and sentence listed here."
    ))
else:
    display(md(
        "The documents hold only headings, so there is nothing to measure beyond their outline: "
        "the theme, topic and redundancy reports have no sentences to analyse either."
    ))
