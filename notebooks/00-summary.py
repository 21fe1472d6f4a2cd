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
# # Summary: what the corpus says
#
# *What do these documents argue, what do they say more than once, and what is left once the
# repetition is taken out?* The answer is right below. Then come the handful of findings that
# matter most, each with its number, how far to trust it and one figure; the corpus digest
# (every point said once, by topic); and a short note on methods. The detail is in reports
# 01–04, the technical appendix in 05.

# %% tags=["parameters"]
params_file = None   # None -> params.yaml at the project root
corpus_dir = None    # None -> corpus.dir from the parameter file

# %%
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from analysis import corpus_from_params, load_params
from analysis.findings.core import first_items
from analysis.findings.digest import digest_settings
from analysis.findings.topics import prose
from analysis.narrate import esc, md, searchable, table, warnings_note
from analysis.plots.cross import (plot_digest_words, plot_restated_by, plot_theme_novelty,
                                  plot_theme_sharing)
from analysis.plots.redundancy import plot_novelty
from analysis.plots.style import MAX_DOC_LABELS, apply_style
from analysis.plots.themes import plot_theme_heatmap
from analysis.plots.topics import plot_doc_topics
from analysis.summary import summarise, summary_items, what_the_corpus_argues

params = load_params(params_file)
corpus = corpus_from_params(params, corpus_dir)
s = summarise(corpus, params)
found = s.all_findings()
labels, det, topics, tables = s.labels, s.detector, s.topics, s.tables
digest, settings = tables["digest.csv"], digest_settings(params, det.backend_)
apply_style()
display(md(warnings_note(corpus.warnings + (topics.warnings if topics is not None else []))))

# %% [markdown]
# ## What the corpus argues

# %%
display(md(what_the_corpus_argues(s, escape=esc)))

# %% [markdown]
# ## The findings that matter most
#
# Each finding is computed from the tables in `reports/data/` (named under each one); the same
# sentence appears, word for word, in the detailed report it comes from.

# %%
FIGURES = {
    "themes": (lambda: plot_theme_heatmap(s.themes["counts"], labels=labels),
               "Matches per 1,000 words of each theme (rows) in each document (columns). The shared "
               "subjects come first; the colour scale is set by the other themes."),
    "topics": (lambda: plot_doc_topics(topics.doc_topics),
               "Topic shares of each document (each row sums to 100%)."),
    "novelty": (lambda: plot_novelty(det.novelty_, labels=labels),
                "For each document, the share of its sentences that are new points (not a "
                "restatement, strict tier) and the share no other document makes."),
    "theme_redundancy": (lambda: plot_restated_by(tables["theme_redundancy.csv"], "theme"),
                         "For each theme, the share of the sentences carrying it that restate a point "
                         "(strict tier) and that revisit the theme (related tier, not repetition)."),
    "topic_redundancy": (lambda: plot_restated_by(tables["topic_redundancy.csv"], "label",
                                                  title="How much of each topic is said again",
                                                  label="Topic"),
                         "For each topic (the leading topic of a sentence's paragraph), the share of its "
                         "sentences restated (strict tier) and revisited (related tier)."),
    "digest": (lambda: plot_digest_words(tables["digest_topics.csv"]),
               "Words per topic in the corpus (light) and in the digest, which keeps one sentence "
               "per point (dark)."),
}
figure_no = 0
for number, item in enumerate(summary_items(found), 1):
    draw, caption = FIGURES[item["figure"]]
    sources = sorted({f.evidence.file for f in item["findings"] if f.evidence})
    display(md(f"### {number}. {item['title']}\n\n"
               + " ".join(f.text(escape=esc) for f in item["findings"])
               + f"\n\n*Source: {esc(', '.join(sources))}.*"))
    if item["figure"] == "topics" and (topics is None or not topics.ok):
        continue
    draw()
    plt.show()
    figure_no += 1
    display(md(f"Figure {figure_no}. {caption}"))

# %% [markdown]
# ## The corpus digest, by topic
#
# The digest keeps one sentence per point: where several sentences make the same point (strict
# tier), it keeps the one closest to the group's centre and cites every place the point is made.
# Under each topic (the leading topic of the sentence's paragraph) the table lists the points made
# more than once, then the points the essays come back to most: these are **revisited, not
# repeated** (their neighbours share a theme, not the claim). The full digest, every point in
# reading order, is `reports/data/digest.md` (and `digest.csv`).

# %%
summ = tables["digest_summary.csv"].iloc[0]
display(md(f"**{int(summ['words_before']):,} words → {int(summ['words_after']):,} words** "
           f"({summ['share_kept']:.0%} kept) in {int(summ['points']):,} points."))
top_n = int(settings["revisited_top"])
most_made = 10  # points made more than once shown per topic; digest.csv lists them all
for (topic, label), g in digest.groupby(["topic", "topic_label"], sort=True):
    made = g[g["times_made"] > 1]
    rev = g[g["revisited_rank"].between(1, top_n) & (g["times_made"] == 1)].sort_values("revisited_rank")
    show = pd.concat([made.sort_values(["times_made", "first_order"], ascending=[False, True]).head(most_made), rev],
                     ignore_index=True)
    show["kind"] = [(f"made {t} times" if t > 1 else "revisited, not repeated")
                    + (f"; {n} related sentences" if n else "") + (" ⚠ members disagree" if x else "")
                    for t, n, x in zip(show["times_made"], show["related_neighbours"], show["members_disagree"])]
    disagree = made["members_disagree"].any() if len(made) else False
    heading = (f"**Topic {int(topic)}: {esc(label)}** — {len(g):,} points, {int(g['words'].sum()):,} "
               f"words; {len(made) or 'none'} made more than once")
    display(md(heading + (" (⚠ one group's members do not quite agree)." if disagree else ".")
               + (f" The {most_made} made most often are shown." if len(made) > most_made else "")))
    if len(show):
        show["places"] = show["places"].map(lambda p: first_items(p, 3, noun="more places"))
        cols = show[["text", "kind", "places"]].rename(columns={"text": "point", "kind": "how often",
                                                                "places": "where (document § section (sentence))"})
        display(table(cols))
points = digest.sort_values("first_order")
display(searchable(points[["point", "topic_label", "text", "times_made", "documents", "places"]].rename(
    columns={"topic_label": "topic", "times_made": "times made", "documents": "document(s)",
             "places": "sentences it stands for (document § section (sentence))"}),
    caption="Every point of the digest, in reading order, with its topic and the sentences it stands for",
    csv_name="digest.csv", max_rows=params["report"]["evidence_rows"]))

# %% [markdown]
# ## What only each document says
#
# A document's own points are those no other document makes. With essays that share a subject
# but seldom a claim, that is most of each document, so only the few closest to the centre of the
# document's leading topic are shown; `digest.csv` ranks them all (`only_rank`).

# %%
display(md(prose(found, "digest.only.", escape=esc, bullets=True, most=MAX_DOC_LABELS,
                 more=" documents, each in `digest_documents.csv`")))
report_top = int(settings["report_top"])
own = digest[(digest["only_rank"] >= 1) & (digest["only_rank"] <= report_top)].sort_values(
    ["only_in_label", "only_rank"])
display(table(own[["only_in_label", "only_rank", "text"]].rename(
    columns={"only_in_label": "document", "only_rank": "rank", "text": "point"}),
    caption=f"Table 1. The {report_top} points closest to each document's leading topic that no "
            "other document makes"))

# %% [markdown]
# ## Shared themes and each document's own

# %%
display(md("\n".join("- " + f.text(escape=esc) for f in found
                     if f.key.startswith(("cross.shared_by_all", "cross.own_theme.")))))
plot_theme_sharing(tables["theme_sharing.csv"], own_share=float(params.get("digest", {}).get(
    "cross", {}).get("own_share", 0.6)))
plt.show()
figure_no += 1
display(md(f"Figure {figure_no}. For each theme, the share of its matches in the document that uses it most; "
           "colour says whether every document uses it or it belongs mostly to one (dotted line: the cut)."))
novel = tables["theme_novelty.csv"]
if novel["novel_words"].sum() > 0:
    plot_theme_novelty(novel)
    plt.show()
    figure_no += 1
    display(md(f"Figure {figure_no}. Each document's part of the new material on each theme (words in points no "
               "other document makes); the outlined cell is the document contributing most."))

# %% [markdown]
# ## How to read this report
#
# Every sentence above with a number is computed from the CSV files in `reports/data/`, and
# each finding names its file. **Restated** means a sentence makes a point already made earlier
# in the corpus, under a strict definition: a near-copy, or a pair a verifier trained on
# hand-labelled sentence pairs accepts as the *same point*. **Revisited** (the related tier)
# means a sentence is close in meaning to another but makes a different claim; it shows what
# the essays keep coming back to and is never counted as repetition. Topics come from a topic
# model and are named after their heaviest words; a sentence belongs to the leading topic of
# its paragraph. Documents are named by letter and short title; the key is at the end.

# %% [markdown]
# ## Methods, in short

# %%
run = det.run_info().iloc[0]
prec = found.get("redundancy.precision")
model = (f"a topic model ({topics.method.upper()}) with {topics.k} topics fitted on {topics.unit}s"
         if topics is not None and topics.ok else "no topic model (too little text)")
display(md(
    f"- **Themes**: a dictionary of terms per theme, counted in body text "
    f"(`{esc(s.themes['file'].name)}`); counts are exact, but whether a match is on topic was "
    "not measured.\n"
    f"- **Topics**: {model}; k is chosen by a stated rule on stability, diversity and coherence "
    "(report 03).\n"
    f"- **Same point**: sentence embeddings ({esc(run['model'] or run['backend'])}) find candidate "
    "pairs; a logistic-regression verifier trained on labelled pairs from these essays decides. "
    + (prec.text(escape=esc) if prec is not None else "No verifier was trained.") + "\n"
    f"- **Related**: cosine at or above {run['related_threshold']:.3f}, not the same point.\n"
    f"- **Digest**: one representative per point (the member closest to the group's centre); a "
    f"group is flagged when its cohesion is below {settings['min_cohesion']:.2f} or a member's "
    f"similarity below {settings['min_member_similarity']:.2f}.\n"
    "- **What the numbers can't tell**: the strict tier's low recall makes the restated counts a "
    "floor, not an estimate of all repetition; whether an argument is right, well supported or "
    "original beyond this corpus; and how a reader would weigh a point. The labelled pairs come from "
    "these five essays, so the measured precision may not carry over to other texts."))

# %% [markdown]
# ## Key to the documents

# %%
key = s.themes["labels"][["label", "title", "doc_id"]].rename(
    columns={"label": "document", "doc_id": "file id"})
display(table(key, caption="Table 2. Documents, their labels and file ids"))
