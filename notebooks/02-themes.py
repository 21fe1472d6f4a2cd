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
# # Themes
#
# *Which themes does each document stress, beyond the subjects the whole corpus is about?*

# %% tags=["parameters"]
params_file = None   # None -> params.yaml at the project root
corpus_dir = None    # None -> corpus.dir from the parameter file
themes_file = None   # None -> themes.file from the parameter file, else analysis/themes.yaml

# %%
import matplotlib.pyplot as plt
from IPython.display import display

from analysis import corpus_from_params, load_params
from analysis.findings.themes import closing_paragraph, short_answer, theme_findings
from analysis.keyness import keyness_summary, multiplier
from analysis.labels import label_map
from analysis.narrate import esc, hover, kwic_table, md, searchable, table, warnings_note
from analysis.plots.style import MAX_DOC_LABELS, apply_style
from analysis.plots.themes import plot_cooccurrence, plot_dispersion, plot_theme_heatmap
from analysis.themes import analyse_themes, kwic_sample

params = load_params(params_file)
corpus = corpus_from_params(params, corpus_dir)
result = analyse_themes(corpus, params, themes_path=themes_file)
findings = theme_findings(result)
labels = label_map(result["labels"])
counts, matches, profile = result["counts"], result["matches"], result["profile"]
topical = result["summary"].query("group == 'theme'").theme.tolist()
alpha = float(result["settings"]["alpha"])


def say(prefix, most=MAX_DOC_LABELS):
    """The findings whose key starts with `prefix`, as Markdown bullets (at most `most` of them)."""
    found = [f for f in findings if f.key.startswith(prefix)]
    more = (f"\n- … and {len(found) - most:,} more documents, each in `theme_profile.csv`."
            if len(found) > most else "")
    return "\n".join(f"- {f.text(escape=esc)}" for f in found[:most]) + more


apply_style()
display(md(warnings_note(corpus.warnings)))
display(md("**Short answer.** " + (short_answer(findings, esc) or
                                   "No theme of the dictionary occurs in these documents.")))

# %% [markdown]
# ## The shared subjects
#
# The subjects the whole corpus is about are counted like themes but kept out of every
# ranking below, so that a ranking says what a document stresses beyond them.

# %%
display(md(say("themes.baseline.") or "The dictionary names no shared subjects, so every "
           "theme is ranked."))

# %% [markdown]
# ## Most frequent themes
#
# *Most frequent* means the most matches per 1,000 words: the darkest cell of a document's
# column in Figure 1.

# %%
display(md(say("themes.most_frequent.") + "\n\nIn each document:\n\n"
           + say("themes.most_frequent_in.")))

# %%
if len(matches):
    ax = plot_theme_heatmap(counts, labels=labels, highlight=zip(
        profile.doc_id, profile.frequent_theme))
    plt.show()
    display(md("Figure 1. Matches per 1,000 words of body text, by theme and document. The "
               "shared subjects sit above the line; the colour scale fits the other themes, so "
               "their cells are saturated. Outlined: each document's most frequent theme after "
               "the shared subjects. Counts per theme and document are in `theme_counts.csv`."))

# %% [markdown]
# ## Most distinctive themes
#
# *Most distinctive* means the theme a document uses most clearly more often than the other
# documents taken together (keyness: log-likelihood G², significant at the level set in the
# parameters). The multiplier is always the document's rate over the rate in the other
# documents.

# %%
if len(corpus.docs) < 2:
    display(md("With one document there are no other documents to compare it with."))
else:
    display(md(say("themes.most_distinctive_in.")))
    view = profile.assign(
        Document=profile.label,
        **{"Most frequent theme": profile.frequent_theme.fillna("–"),
           "per 1,000 words": profile.frequent_per_1k,
           "Most distinctive theme": profile.distinctive_theme.fillna("–"),
           "vs the other documents": [multiplier(r) if isinstance(t, str) else "–" for r, t in
                                      zip(profile.distinctive_ratio, profile.distinctive_theme)]})
    cols = ["Document", "Most frequent theme", "per 1,000 words", "Most distinctive theme",
            "vs the other documents"]
    display(hover(table(view[cols], digits=1, max_rows=MAX_DOC_LABELS, caption=(
        "Table 1. Each document's most frequent and most distinctive theme, shared subjects left "
        f"out (distinctive: significant at p < {alpha:g}; ×n = n times its rate in the other "
        "documents; “only here” = no other document uses it). From theme_profile.csv.")),
        "Document", profile.doc_id))
    words = keyness_summary(result["keyness"], int(result["settings"]["top_n"]),
                            kinds=("word", "bigram"))
    words.insert(0, "Document", words.doc_id.map(labels))
    words = words.rename(columns={"words": "Distinctive words", "bigrams": "Distinctive phrases"})
    display(hover(table(words.drop(columns="doc_id"), max_rows=MAX_DOC_LABELS, caption=(
        "Table 2. The words and two-word phrases each document uses most distinctively "
        f"(significant at p < {alpha:g}, same multiplier as Table 1). From keyness.csv.")),
        "Document", words.doc_id))

# %% [markdown]
# ## Where the themes occur

# %%
if len(matches) == 0:
    display(md("No matches, so there is nothing to place."))
else:
    ax = plot_dispersion(matches, themes=topical, docs=corpus.doc_ids, labels=labels)
    plt.show()
    display(md("Figure 2. Each tick is one match, at its position in the document (0 = first "
               "word, 1 = last); shared subjects are left out. " + " ".join(
                   f.text(escape=esc) for f in findings
                   if f.key in ("themes.most_concentrated", "themes.most_spread"))
               + " DP is Gries' deviation of proportions over a document's sections: 0 = spread "
               "in proportion to section length, near 1 = in one place (`theme_dispersion.csv`)."))

# %% [markdown]
# ## Which themes go together

# %%
active = [t for t in topical if (matches.theme == t).any()]
if len(active) < 2:
    display(md("Fewer than two themes occur, so there are no pairs to compare."))
else:
    display(md(say("themes.pair.") or f"No pair of themes shares paragraphs more often than "
               f"chance at p < {alpha:g}."))
    cooc = result["cooccurrence"]
    ax = plot_cooccurrence(cooc[cooc.theme_a.isin(active) & cooc.theme_b.isin(active)],
                           themes=active)
    plt.show()
    display(md("Figure 3. Paragraphs shared by each pair of themes: the number is the observed "
               "count (* = more than chance), the colour how far it lies above (red) or below "
               "(blue) chance; blank cells are pairs that never share a paragraph "
               "(`theme_cooccurrence.csv`)."))

# %% [markdown]
# ## The evidence
#
# Sample matches of each document's most distinctive theme, taken from across the document;
# every match is listed in `theme_matches.csv`.

# %%
pairs = profile.dropna(subset=["distinctive_theme"]).rename(columns={"distinctive_theme": "theme"})
sample = kwic_sample(matches, pairs, n=2)
if len(sample) == 0:
    display(md("No distinctive theme, so no sample to show."))
else:
    sample = sample.assign(document=sample.doc_id.map(labels))
    display(kwic_table(sample, caption="Table 3. Sample matches in context",
                       width=int(result["settings"]["kwic_chars"]),
                       columns=("document", "theme")))
if len(matches):
    every = matches.assign(document=matches.doc_id.map(labels))
    display(searchable(every[["document", "theme", "term", "left", "text", "right", "heading"]],
                       caption="Table 4. Every match in context", csv_name="theme_matches.csv",
                       max_rows=params["report"]["evidence_rows"]))

# %% [markdown]
# ## What this means

# %%
display(md(closing_paragraph(findings, esc) or "No theme of the dictionary occurs in these "
           "documents, so they cannot be compared by theme."))
