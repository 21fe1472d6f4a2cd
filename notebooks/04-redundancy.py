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

# %%

# %% [markdown]
# # Redundancy: what is said again, and what is left
#
# *How much of this corpus makes the same point twice, where, and what is left once the
# repetition is taken out?* Repetition is measured in three layers: **near-copies** (shared
# runs of words), **stock phrases** (word sequences of four or more words that recur) and
# **the same point in other words** (sentence embeddings to find candidates, then a verifier
# trained on labelled pairs to decide). Only pairs that make *the same point* count as
# repetition; sentences that merely revisit a theme are reported apart, as the *related* tier.

# %% tags=["parameters"]
params_file = None   # None -> params.yaml at the project root
corpus_dir = None    # None -> corpus.dir from the parameter file
backend = None       # None -> redundancy.backend from the parameter file ("semantic" or "lexical")

# %%
import matplotlib.pyplot as plt
from IPython.display import display

from analysis import corpus_from_params, load_params
from analysis.findings.redundancy import redundancy_findings, verification_table
from analysis.labels import document_labels, label_map
from analysis.narrate import esc, highlighted, md, searchable, side_by_side, table, warnings_note
from analysis.plots.redundancy import (plot_doc_matrix, plot_layers, plot_novelty, plot_scores_by_label,
                                       plot_verification)
from analysis.plots.style import apply_style
from analysis.redundancy import cluster_evidence, detect_redundancy, evidence, redundancy_params

params = load_params(params_file)
corpus = corpus_from_params(params, corpus_dir)
settings = redundancy_params(params)
det = detect_redundancy(corpus, params, backend=backend)
labels = label_map(document_labels(corpus.documents, params.get("documents")))
found = redundancy_findings(det, labels)
n_docs = len(corpus.docs)
apply_style()
display(md(warnings_note(corpus.warnings)))


def say(key):
    """Show a finding's sentence, if the analysis produced it."""
    f = found.get(key)
    if f is not None:
        display(md(f.text(escape=esc)))


def named(frame, *cols):
    """`frame` with document ids in `cols` replaced by readable labels."""
    return frame.assign(**{c: frame[c].map(lambda d: labels.get(d, d)) for c in cols})


# %% [markdown]
# ## The short answer

# %%
say("redundancy.restated")
say("redundancy.precision")
say("redundancy.restated_corrected")
say("redundancy.related")

# %% [markdown]
# ## Layer by layer

# %%
display(md("Figure 1 shows, for each layer, the share of sentences that take part in at least one "
           "match, inside one document and between documents. *Same point* is the strict tier "
           "(near-copies and verified paraphrases); *related* pairs share a theme, not a claim."))
plot_layers(det.layers_)
plt.show()
display(md("Figure 1. Share of all sentences in at least one match of each layer."))
say("redundancy.formulaic")

# %% [markdown]
# ## The points that are made more than once

# %%
clusters = det.clusters_
if clusters.empty:
    display(md("No point is made twice under the strict definition."))
else:
    say("redundancy.most_made_point")
    ev = cluster_evidence(clusters, max_clusters=10, max_members=4, labels=labels)
    display(side_by_side(ev, left="representative_text", right="text", left_spans="rep_spans",
                         right_spans="spans", meta=("label", "where"), headers=("Representative", "Restatement"),
                         caption="Table 1. Every point made more than once, with its representative "
                                 "(the member closest to the group's centre); shared content words highlighted"))

# %% [markdown]
# ## Themes revisited: related, not repeated

# %%
related = evidence(det.pairs_, n=8, kinds=("related",), labels=labels)
if related.empty:
    display(md("No pair of sentences reaches the related tier."))
else:
    display(md("Table 2 shows the closest pairs that the verifier did *not* accept as the same point. "
               "Most add or change a claim: one defines, the other stresses importance; one names a "
               "benefit, the other a challenge. They show what the essays keep coming back to."))
    display(side_by_side(related, meta=("match", "scores", "where"), headers=("Sentence A", "Sentence B"),
                         caption="Table 2. Closest related pairs (themes revisited, not counted as repetition)"))
if len(det.pairs_):
    # Every pair, strongest first, with the content words its two sentences share marked on both sides.
    every = named(evidence(det.pairs_, n=params["report"]["evidence_rows"], kinds=det.pairs_["kind"].unique()),
                  "a_doc", "b_doc")
    every = every.assign(a_text=highlighted(every["a_text"], every["a_spans"]),
                         b_text=highlighted(every["b_text"], every["b_spans"]))
    display(searchable(every[["tier", "kind", "p_same", "a_doc", "a_text", "b_doc", "b_text"]]
                       .rename(columns={"p_same": "verifier score", "a_doc": "document A", "a_text": "sentence A",
                                        "b_doc": "document B", "b_text": "sentence B"}),
                       caption="Every matched sentence pair behind Tables 1 and 2, shared content words "
                               "highlighted" + ("" if len(det.pairs_) == det.pair_total() else
                               f" (the strongest {det.pairs_max:,} of each kind: {len(det.pairs_):,} of "
                               f"{det.pair_total():,} pairs; all are counted in redundancy_layers.csv)"),
                       csv_name="sentence_pairs.csv", html_columns=("sentence A", "sentence B"),
                       total=len(det.pairs_)))

# %% [markdown]
# ## Document by document

# %%
for f in found:
    if f.key.startswith("redundancy.doc."):
        display(md("- " + f.text(escape=esc)))
nov = named(det.novelty_, "doc_id")
plot_novelty(det.novelty_, labels=labels)
plt.show()
display(md("Figure 2. For each document, the share of its sentences that are new points (not a restatement "
           "of an earlier sentence) and the share that no other document makes."))
display(table(nov[["doc_id", "sentences", "restated", "restated_within", "restated_cross", "distinct_points",
                   "unique_points", "related_sentences"]].rename(columns={"doc_id": "document"}),
              caption="Table 3. Restated sentences and distinct points per document (strict tier)", digits=2))
if n_docs > 1:
    plot_doc_matrix(det.doc_overlap_, "restated_share", labels=labels)
    plt.show()
    display(md("Figure 3. Share of each row document's sentences that restate a point first made in the column "
               "document; the diagonal is restatement within the document (it equals "
               "restated\\_within / sentences in Table 3)."))

# %% [markdown]
# ## How far to trust these numbers

# %%
vt = verification_table(det)
if vt.empty:
    display(md("No verifier was trained, so only near-copies count as the same point."))
else:
    display(md(
        "The verifier was trained on sentence pairs from the five essays, each labelled twice, blind to any "
        "score, as *same*, *partly* (one adds a claim) or *different*; only *same* counts. Every rate below "
        "comes from pairs the model did not see when it was fitted or when its threshold was chosen. "
        "Table 4 and Figure 4 compare the strict tier with the simpler options it replaced."))
    display(table(vt, caption="Table 4. Held-out precision and recall with 95% Wilson intervals", digits=2))
    plot_verification(vt)
    plt.show()
    display(md("Figure 4. Precision and recall of each tier and option on held-out labelled pairs; the dotted "
               "line marks precision 0.8."))
    plot_scores_by_label(det.verification_["labelled"])
    plt.show()
    display(md("Figure 5. The verifier's held-out score for every labelled pair, by its label: only pairs "
               "labelled *same* reach the top."))

# %% [markdown]
# ## What this means

# %%
s = found["redundancy.restated"].values
share = s["restated"] / max(s["sentences"], 1)
related = found["redundancy.related"].values["sentences"] if "redundancy.related" in found.keys() else 0
formulaic = found["redundancy.formulaic"].values["sentences"] if "redundancy.formulaic" in found.keys() else 0
display(md(
    f"Read strictly, these documents {'seldom' if share < 0.05 else 'often'} say the same thing twice: "
    f"{s['restated']:,} of {s['sentences']:,} sentences ({share:.1%}) restate an earlier point, so {s['distinct']:,} "
    f"distinct points remain. Beyond that, {related:,} sentences ({related / max(s['sentences'], 1):.0%}) "
    f"revisit a subject another sentence covers (the related tier) and {formulaic:,} "
    f"({formulaic / max(s['sentences'], 1):.0%}) carry a stock phrase"
    + (": what these documents repeat is their themes and phrasing more than their claims. "
       if related + formulaic > 2 * s["restated"] else ". ")
    + "The strict count is a floor: the verifier finds a minority of the same-point pairs a reader would "
    "mark (see its recall), in exchange for almost never calling two different claims the same."
))
