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
# *Which themes does each document stress, how much, where, and can every count be checked?*
# This report counts the terms of a theme dictionary in each document's body text, compares
# each document with the rest of the corpus, shows where in each document the themes occur
# and which themes share paragraphs, and prints sample matches in context. Every count is
# backed by one row of `theme_matches.csv` (document, character offsets, matched text and
# context), written by `python -m analysis themes`.

# %% tags=["parameters"]
params_file = None   # None -> params.yaml at the project root
corpus_dir = None    # None -> corpus.dir from the parameter file
themes_file = None   # None -> themes.file from the parameter file, else analysis/themes.yaml

# %%
import matplotlib.pyplot as plt
from IPython.display import display

from analysis import corpus_from_params, load_params
from analysis.keyness import g2_threshold, keyness_summary
from analysis.narrate import esc, join, kwic_table, md, number, percent, plural, table, warnings_note
from analysis.plots.style import apply_style
from analysis.plots.themes import plot_cooccurrence, plot_dispersion, plot_theme_heatmap
from analysis.themes import (analyse_themes, dictionary_summary, kwic_sample,
                             strongest_leanings)

params = load_params(params_file)
corpus = corpus_from_params(params, corpus_dir)
result = analyse_themes(corpus, params, themes_path=themes_file)
settings = result["settings"]
themes, counts, matches = result["themes"], result["counts"], result["matches"]
keyness, dispersion, cooc = result["keyness"], result["dispersion"], result["cooccurrence"]
alpha = float(settings["alpha"])
top_n = int(settings.get("top_n", 5))
apply_style()
display(md(warnings_note(corpus.warnings)))

# %% [markdown]
# ## The dictionary
#
# A theme is a list of terms. Matching ignores case and respects word boundaries; a trailing
# `*` matches any ending (`train*` finds *trained* and *trainers*); the words of a multi-word
# term match across spaces, line breaks or a hyphen (*capacity building* finds
# *capacity-building*). Where matches of one theme overlap, the longest counts once; each theme
# is counted on its own, so one phrase may count for two themes. Headings are not counted, so
# counts and the word totals they are divided by cover the same text.

# %%
summary = dictionary_summary(themes, counts)
total_words = int(counts.drop_duplicates("doc_id")["words"].sum())
unused = summary[summary.matches == 0].theme.tolist()
display(md(
    f"The dictionary (`{esc(result['file'].name)}`) holds {plural(len(themes), 'theme')} with "
    f"{plural(int(sum(len(t.terms) for t in themes)), 'term')}. Across "
    f"{plural(len(corpus.docs), 'document')} and {plural(total_words, 'word')} of body text they "
    f"match {plural(len(matches), 'time')}, "
    f"{number(1000 * len(matches) / total_words if total_words else 0)} per 1,000 words. "
    + (f"{plural(len(unused), 'theme')} never match: {esc(join(unused))}. " if unused else "")
    + "Table 1 lists each theme's terms and how often it matched."
))
display(table(summary, caption="Table 1. Themes, their terms, matches and documents mentioning "
              "each theme", digits=0))

# %% [markdown]
# ## Which document leans on which theme
#
# The heatmap gives each theme's rate per 1,000 words in each document, so documents of
# different length compare fairly.

# %%
lean = strongest_leanings(counts, min_count=3)
if len(matches) == 0:
    display(md("No theme term occurs in these documents, so there is nothing to compare."))
else:
    sentences = [
        f"- {esc(r.doc_id)} leans most on *{esc(r.theme)}*: {number(r.per_1k_words)} matches per "
        f"1,000 words ({plural(int(r.count), 'match', 'matches')} in "
        f"{percent(r.paragraph_share)} of its paragraphs), {number(r.ratio)} times the rate in "
        f"the corpus as a whole ({number(r.corpus_per_1k)})."
        for r in lean.itertuples()]
    if len(corpus.docs) < 2:
        sentences = [f"- With one document there is no corpus rate to compare with; its most "
                     f"frequent theme is *{esc(counts.sort_values('count').iloc[-1].theme)}*."]
    display(md("Each document's strongest leaning, among themes with at least three matches in "
               "it:\n\n" + "\n".join(sentences) if sentences else
               "No theme reaches three matches in any document, too few to say which document "
               "leans on which theme."))
    ax = plot_theme_heatmap(counts)
    plt.show()
    peak = counts.loc[counts.per_1k_words.idxmax()]
    display(md(
        f"Figure 1. Matches per 1,000 body words, by theme and document. The highest rate is "
        f"*{esc(peak.theme)}* in {esc(peak.doc_id)} ({number(peak.per_1k_words)} per 1,000 words)."
    ))

# %% [markdown]
# ## What is distinctive about each document
#
# Keyness compares each document with the rest of the corpus pooled. The log-likelihood G²
# says how sure the difference is; the log ratio says how big it is (shown as ×2 for twice the
# rate of the other documents). Words and two-word phrases (bigrams) leave out stop words and
# are tested only when they occur often enough in the corpus.

# %%
if keyness.empty:
    display(md("Not enough documents for keyness: it needs at least two, to compare each with "
               "the rest."))
else:
    sig_themes = keyness[(keyness.kind == "theme") & keyness.significant.astype(bool)
                         & (keyness.direction == "over")]
    per_doc = sig_themes.groupby("doc_id").size().reindex(corpus.doc_ids, fill_value=0)
    best = sig_themes.sort_values("g2", ascending=False).head(1)
    display(md(
        f"At p < {alpha:g} (G² > {number(g2_threshold(alpha), 2)}), "
        f"{plural(int((per_doc > 0).sum()), 'document')} of {len(per_doc)} "
        f"{'over-uses' if int((per_doc > 0).sum()) == 1 else 'over-use'} at least one "
        f"theme compared with the rest of the corpus. "
        + (f"The strongest contrast is *{esc(best.iloc[0]['item'])}* in "
           f"{esc(best.iloc[0].doc_id)}: {number(best.iloc[0]['per_1k'])} against "
           f"{number(best.iloc[0].per_1k_rest)} per 1,000 words elsewhere "
           f"(G² = {number(best.iloc[0].g2)}, log ratio {number(best.iloc[0].log_ratio, 2)}). "
           if len(best) else "No theme is significantly over-used by any document. ")
        + f"Table 2 lists up to {top_n} significant themes, words and bigrams per document "
        f"(words and bigrams occurring at least {int(settings['min_word_freq'])} times in the "
        "corpus); the full table is `keyness.csv`."
    ))
    display(table(keyness_summary(keyness, top_n),
                  caption=f"Table 2. Distinctive themes, words and bigrams per document "
                          f"(significant at p < {alpha:g}; ×n = n times the rate elsewhere)"))

# %% [markdown]
# ## Where the themes occur
#
# Each tick is one match, placed at its relative position in the document (0 = first word,
# 1 = last). Gries' DP summarises spread over a document's sections: 0 means the matches are
# spread in proportion to section length, values near 1 that they sit in one place.

# %%
if len(matches) == 0:
    display(md("No matches, so there is nothing to place."))
else:
    ax = plot_dispersion(matches, themes=[t.name for t in themes], docs=corpus.doc_ids)
    plt.show()
    d = dispersion[(dispersion["count"] >= 5) & (dispersion.sections_total > 1)].dropna(subset=["dp"])
    if len(d):
        conc, even = d.loc[d.dp.idxmax()], d.loc[d.dp.idxmin()]
        first = (f"*{esc(conc.theme)}* in {esc(conc.doc_id)} (DP {number(conc.dp, 2)}: "
                 f"{plural(int(conc['count']), 'match', 'matches')} in {conc.sections_with} of "
                 f"{plural(int(conc.sections_total), 'section')})")
        if len(d) == 1:
            finding = f"only {first} qualifies"
        else:
            finding = (f"the most concentrated is {first}; the most evenly spread is "
                       f"*{esc(even.theme)}* in {esc(even.doc_id)} (DP {number(even.dp, 2)}, "
                       f"{even.sections_with} of {plural(int(even.sections_total), 'section')})")
        display(md(
            f"Figure 2. Position of every match. Among themes with at least five matches in a "
            f"document, {finding}. The full table is `theme_dispersion.csv`."
        ))
    else:
        display(md("Figure 2. Position of every match. No theme has five matches in a document "
                   "with more than one section, too few to measure spread."))

# %% [markdown]
# ## Which themes go together
#
# Two themes co-occur when a paragraph mentions both. The count expected by chance is
# (paragraphs with A × paragraphs with B) / all paragraphs; the p-value is the one-sided
# hypergeometric (Fisher exact) probability of sharing at least as many paragraphs.

# %%
active = [t.name for t in themes if (matches.theme == t.name).any()]
if len(active) < 2:
    display(md("Fewer than two themes occur, so there are no pairs to compare."))
else:
    pairs = cooc[cooc.theme_a.isin(active) & cooc.theme_b.isin(active)]
    sig = pairs[pairs.significant].sort_values("lift", ascending=False)
    n_par = int(cooc.paragraphs.iloc[0])
    lines = [f"*{esc(r.theme_a)}* with *{esc(r.theme_b)}* ({r.together} paragraphs against "
             f"{number(r.expected)} expected, {number(r.lift)} times)" for r in sig.head(3).itertuples()]
    display(md(
        f"The {len(active)} themes found form {plural(len(pairs), 'pair')}. Over "
        f"{plural(n_par, 'paragraph')}, {plural(len(sig), 'pair')} "
        f"{'shares' if len(sig) == 1 else 'share'} paragraphs more often "
        f"than chance at p < {alpha:g}"
        + (f": {join(lines)}." if len(lines) == 1 else
           f"; the strongest are {join(lines)}." if lines else ".")
    ))
    ax = plot_cooccurrence(pairs, themes=active)
    plt.show()
    display(md("Figure 3. Paragraphs shared by each pair of themes: the number is the observed "
               "count (* = significant), the colour how far it lies above (red) or below (blue) "
               "chance; blank cells are pairs that never share a paragraph. Themes that never match are "
               "left out. The full table is "
               "`theme_cooccurrence.csv`."))

# %% [markdown]
# ## The evidence
#
# Sample matches in context for the strongest finding of each document (Table 3); every match
# is listed in `theme_matches.csv`.

# %%
sample = kwic_sample(matches, lean, n=2) if len(lean) else matches.head(0)
if len(sample) == 0:
    display(md("No matches to show."))
else:
    display(md(
        f"Table 3 shows {plural(len(sample), 'line')}: for each document, matches of the theme it "
        "leans on most, taken from across the document."
    ))
    display(kwic_table(sample, caption="Table 3. Sample matches in context (keyword in context)",
                       width=int(settings["kwic_chars"]), columns=("doc_id", "theme", "term")))

# %% [markdown]
# ## What this means

# %%
dropped = result["dropped"]
busiest = summary[summary.matches > 0].sort_values("matches", ascending=False).head(3)
closing = []
if len(lean) and len(corpus.docs) > 1:
    closing.append(
        "The documents' strongest leanings are "
        + join([f"{esc(r.doc_id)} on *{esc(r.theme)}* ({number(r.ratio)}×)" for r in lean.itertuples()])
        + ".")
if len(matches):
    closing.append(
        f"Across the corpus the most frequent themes are "
        + join([f"*{esc(r.theme)}* ({r.matches})" for r in busiest.itertuples()])
        + ".")
closing.append(
    f"The dictionary used has these {plural(len(themes), 'theme')}: "
    + join([f"*{esc(t.name)}*" for t in themes]) + ".")
if dropped:
    closing.append(
        f"While curating it, {plural(len(dropped), 'term')} were dropped because their matches "
        "were ambiguous in these documents: "
        + "; ".join(f"*{esc(k)}* ({esc(v)})" for k, v in dropped.items()) + ".")
closing.append("Counts depend on the dictionary: a theme is only as good as its terms, so "
               "read the evidence lines before trusting a difference.")
display(md(" ".join(closing)))
