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
# # Redundancy: what is said more than once
#
# *How much of this corpus says the same thing again, where, and what is left once the
# repetition is removed?* Repetition comes in three layers, and this report measures each
# separately before combining them:
#
# - **verbatim and near-verbatim reuse**: sentences and passages that share runs of words;
# - **formulaic phrases**: stock word sequences of four or more words that recur;
# - **paraphrase**: the same point made again in other words, found by comparing sentence
#   embeddings.
#
# Every match keeps both sides, so each claim below can be checked against the text.

# %% tags=["parameters"]
params_file = None   # None -> params.yaml at the project root
corpus_dir = None    # None -> corpus.dir from the parameter file
backend = None       # None -> redundancy.backend from the parameter file ("semantic" or "lexical")

# %%
import matplotlib.pyplot as plt
from IPython.display import display

from analysis import corpus_from_params, load_params
from analysis.narrate import esc, join, md, number, percent, plural, side_by_side, table, warnings_note
from analysis.plots.redundancy import (plot_calibration, plot_doc_matrix, plot_layers, plot_novelty,
                                       plot_points_curve, plot_scaling, plot_similarity_hist)
from analysis.plots.style import apply_style
from analysis.redundancy import (calibration_report, cluster_evidence, detect_redundancy, evidence,
                                 false_positives, redundancy_params, speed_summary, summary)
from analysis.references import benchmark_results, calibration_pairs, calibration_path, control_corpus

params = load_params(params_file)
corpus = corpus_from_params(params, corpus_dir)
settings = redundancy_params(params)
det = detect_redundancy(corpus, params, backend=backend)
facts = summary(det)
pairs, novelty, overlap = det.pairs_, det.novelty_, det.doc_overlap_
n_docs = len(corpus.docs)
titles = dict(zip(corpus.documents.doc_id, corpus.documents.title))
apply_style()
display(md(warnings_note(corpus.warnings)))

# %% [markdown]
# ## How the comparison was made

# %%
backend_text = ("the sentence-embedding model *all-MiniLM-L6-v2* (sentence-transformers, run offline on the CPU)"
                if det.backend_ == "semantic" else
                "the **lexical fallback** (TF-IDF + latent semantic analysis), because the "
                "sentence-embedding model was not installed or not requested; it sees shared vocabulary, "
                "not meaning, so paraphrases that use other words are missed")
st = det.embed_stats_
display(md(
    f"**Backend: {det.backend_}.** Paraphrases were found with {backend_text}. Two sentences count as "
    f"a paraphrase when their cosine similarity is at least **{det.threshold_:.3f}**, and as a near-copy "
    f"when at least {percent(det.near_copy)} of their {settings['shingle_size']}-word shingles are shared "
    f"(Jaccard) or {percent(det.near_copy_containment)} of the shorter one's shingles appear in the other. "
    f"Each sentence was compared with its {settings['top_k']} nearest neighbours; "
    + (f"for {plural(det.truncated_, 'sentence')} all {settings['top_k']} neighbours were above the "
       "threshold, so a few further matches may be unlisted (they would not change novelty). "
       if det.truncated_ else "no sentence had more matches than that, so no match was cut off. ")
    + f"Embedding {plural(st.get('texts', 0), 'sentence')} took {number(st.get('seconds', 0), 1)} s "
    f"({st.get('cache_hits', 0):,} read from the on-disk cache, {st.get('encoded', 0):,} encoded)."
))

# %% [markdown]
# ## How much is said again

# %%
display(md(
    f"The corpus has {plural(facts['sentences'], 'sentence')} and **{facts['distinct_points']:,} distinct points**"
    + (f": {plural(facts['sentences'] - facts['distinct_points'], 'sentence')} restate a point already counted. "
       if facts['distinct_points'] < facts['sentences'] else ", one per sentence. ")
    + 
    f"{percent(facts['restated_share'])} of all sentences ({facts['restated']:,}) restate something said "
    f"earlier in the same document or anywhere in another document; by words, "
    f"{percent(1 - facts['corpus_word_novelty'])} of the text is restatement. "
    "Figure 1 shows how the count of distinct points grows as the corpus is read in order."
))
plot_points_curve(det.points_curve_)
plt.show()
display(md(
    f"Figure 1. Distinct points (clusters of sentences that make the same point, plus sentences "
    f"that match nothing) against sentences read. The gap to the dashed line, "
    f"{plural(facts['sentences'] - facts['distinct_points'], 'sentence')}, is the repetition."
))

# %% [markdown]
# ## Three layers, separately and combined

# %%
lay = det.layers_.set_index(["layer", "scope"])
kinds = facts["pairs_by_kind"]
display(md(
    f"**Verbatim:** {plural(int(lay.loc[('verbatim', 'all'), 'pairs']), 'near-copy pair')} involving "
    f"{plural(int(lay.loc[('verbatim', 'all'), 'sentences']), 'sentence')}; "
    + (f"the longest passage shared by two places is {plural(int(det.passages_['words'].max()), 'word')}. "
       if len(det.passages_) else f"no passage of {settings['passage_min_words']}+ words occurs twice. ")
    + 
    f"**Formulaic:** {plural(len(det.phrases_), 'recurring phrase')} of {settings['phrase']['min_n']}+ words, found in "
    f"{plural(facts['formulaic_sentences'], 'sentence')} ({percent(facts['formulaic_sentences'] / max(facts['sentences'], 1))}). "
    f"**Paraphrase:** {plural(int(lay.loc[('paraphrase', 'all'), 'pairs']), 'pair')} at or above the threshold, involving "
    f"{plural(int(lay.loc[('paraphrase', 'all'), 'sentences']), 'sentence')} "
    f"({percent(lay.loc[('paraphrase', 'all'), 'share_of_sentences'])}). "
    f"**Combined** (near-copy or paraphrase): {percent(lay.loc[('combined', 'all'), 'share_of_sentences'])} of sentences "
    f"are in at least one match, {facts['within_pairs']:,} pairs within a document and "
    f"{facts['cross_pairs']:,} across documents. A detector that only compared words would report the "
    "first layer and miss most of the rest."
))
plot_layers(det.layers_)
plt.show()
display(md("Figure 2. Share of all sentences that take part in at least one match of each layer, "
           "for matches inside one document and matches between documents."))

# %% [markdown]
# ## The strongest matches, side by side
#
# Shared content words are highlighted. *sem* is the cosine similarity of the two sentences'
# embeddings, *lex* the Jaccard overlap of their word shingles.

# %%
def show_pairs(frame, caption):
    display(side_by_side(frame, meta=("match", "scores", "where"), headers=("Sentence A", "Sentence B"),
                         caption=caption))

cross = evidence(pairs, n=8, scope="cross")
within = evidence(pairs, n=5, scope="within")
if n_docs < 2:
    display(md("Not enough documents to compare documents with each other."))
elif cross.empty:
    display(md("No sentence in one document restates a sentence in another at this threshold."))
else:
    display(md(f"Table 1 lists the {len(cross)} strongest matches between documents."))
    show_pairs(cross, "Table 1. Strongest cross-document matches")
if within.empty:
    display(md("No document restates one of its own sentences at this threshold."))
else:
    display(md(f"Table 2 lists the {len(within)} strongest restatements inside one document."))
    show_pairs(within, "Table 2. Strongest within-document matches")

# %% [markdown]
# ## Points made again and again

# %%
clusters = det.clusters_
if clusters.empty:
    display(md("No sentences were grouped: every point is made once."))
else:
    cl = clusters.drop_duplicates("cluster")
    top = cl.sort_values(["n_docs", "size"], ascending=False).iloc[0]
    display(md(
        f"Sentences joined by near-copy or paraphrase matches form {plural(len(cl), 'cluster')}; the "
        f"largest holds {plural(int(cl['size'].max()), 'sentence')}, and "
        f"{int((cl['n_docs'] > 1).sum()):,} of them span more than one document. The most widespread point, made "
        f"in {plural(int(top['n_docs']), 'document')} ({plural(int(top['size']), 'sentence')}), is best represented "
        f"by: “{esc(top['representative_text'])}” "
        "Table 3 sets each cluster's representative sentence beside some of its members."
    ))
    ev = cluster_evidence(clusters, max_clusters=4, max_members=3)
    display(side_by_side(ev, left="representative_text", right="text", left_spans="rep_spans",
                         right_spans="spans", meta=("label", "where"), headers=("Representative", "Member"),
                         caption="Table 3. The most widespread clusters"))
    display(md("Clusters are cut by average linkage, so a cluster's members are on average at least as similar "
               "as a matched pair; the lowest mean similarity within any cluster (its *cohesion*) is "
               f"{clusters['cohesion'].min():.2f}."))

# %% [markdown]
# ## Document by document

# %%
if n_docs < 2:
    display(md("Not enough documents for a document-by-document comparison."))
else:
    off = overlap[overlap["scope"] == "cross"]
    top = off.sort_values("redundant_share", ascending=False).iloc[0]
    low = off.sort_values("redundant_share").iloc[0]
    display(md(
        "Figure 3 reads by row: the share of the row document's sentences that restate a sentence of the "
        "column document (the diagonal: another sentence of the same document). "
        + (f"The strongest link is {percent(top['redundant_share'])} of {esc(top['doc_a'])}'s sentences restating "
           f"{esc(top['doc_b'])}; the weakest is {percent(low['redundant_share'])} ({esc(low['doc_a'])} against "
           f"{esc(low['doc_b'])})." if top["redundant_share"] > 0 else
           "No document restates another at this threshold; any repetition is inside documents.")
    ))
    plot_doc_matrix(overlap, "redundant_share")
    plt.show()
    display(md(
        f"Figure 3. Combined redundancy (near-copy or paraphrase) between documents. The largest share of one "
        f"document's {settings['doc_shingle_size']}-word shingles found in another is "
        f"{percent(off['shingle_containment'].max(), 1)} (Figure 4)"
        + (": the documents rarely share wording, but they do share points."
           if off["redundant_share"].max() > 2 * off["shingle_containment"].max() else ".")
    ))
    plot_doc_matrix(overlap, "shingle_containment", fmt=".1%",
                    title=f"Share of {settings['doc_shingle_size']}-word shingles found in the other document")
    plt.show()
    display(md(f"Figure 4. Verbatim overlap between documents ({settings['doc_shingle_size']}-word shingle "
               "containment; the diagonal counts shingles that occur twice in the same document)."))

# %% [markdown]
# ## Formulaic phrases

# %%
ph = det.phrases_
if ph.empty:
    display(md("No phrase of four or more words recurs."))
else:
    multi = ph[ph["n_docs"] > 1]
    display(md(
        f"{plural(len(ph), 'maximal phrase')} of {settings['phrase']['min_n']}+ words recur: {len(multi):,} across "
        f"documents and {len(ph) - len(multi):,} only inside one. The most widespread is "
        f"“{esc(ph.iloc[0]['phrase'])}” ({ph.iloc[0]['count']} times in {plural(int(ph.iloc[0]['n_docs']), 'document')}). Only maximal phrases are listed: a shorter phrase appears only if "
        "it also occurs outside the longer one. Table 4 shows the first 15."
    ))
    display(table(ph[["phrase", "n_words", "count", "n_docs", "max_in_one_doc"]],
                  caption="Table 4. Recurring phrases (most documents first)", max_rows=15))
    if len(det.passages_):
        ps = det.passages_.head(5).assign(text=lambda f: f["text"].str.replace("\n", " / "))
        display(md(f"The longest shared passages are {join(sorted(set(ps['words'].astype(str)), reverse=True))} words "
                   "long (Table 5): titles and stock clauses rather than copied paragraphs."))
        display(table(ps[["doc_a", "doc_b", "words", "text"]], caption="Table 5. Longest shared passages"))

# %% [markdown]
# ## What is new in each document

# %%
nv = novelty.sort_values("novelty")
worst, best = nv.iloc[0], nv.iloc[-1]
display(md(
    f"A sentence is *novel* if it restates nothing said earlier in its own document and nothing in any other "
    f"document. {percent(1 - worst['novelty'])} of the sentences in {esc(worst['doc_id'])} "
    f"(*{esc(titles.get(worst['doc_id'], ''))}*) restate a point made elsewhere "
    f"({int(worst['restated_within'])} repeat an earlier sentence of the same document, "
    f"{int(worst['restated_cross'])} match another document)"
    + (f"; in {esc(best['doc_id'])} it is {percent(1 - best['novelty'])}." if len(nv) > 1 else ".")
    + " Figure 5 gives the novel share of sentences and of words for every document."
))
plot_novelty(novelty)
plt.show()
display(table(novelty[["doc_id", "sentences", "novel_sentences", "novelty", "restated_within", "restated_cross",
                       "words", "word_novelty"]], caption="Table 6. Novelty per document", digits=2))
display(md("Figure 5 and Table 6. A sentence restated later in its own document still counts as novel where it "
           "first appears; only the repeat is counted as restatement."))

# %% [markdown]
# ## How far to trust the thresholds

# %%
cal_file = calibration_path(settings)
cal = calibration_pairs(settings)
if cal is not None:
    rep = calibration_report(cal, det.backend_, det.threshold_)
    display(md(
        f"The paraphrase threshold was chosen on {rep['n']} sentence pairs from the five-document corpus, "
        f"each labelled by reading as *same point* ({rep['positives']}) or *different point*, sampled across the "
        f"whole similarity range (see {esc(cal_file.name)} and its README). At the threshold in use "
        f"({det.threshold_:.3f}, {det.backend_} backend) precision is **{percent(rep['precision'])}** and recall "
        f"**{percent(rep['recall'])}** (F1 {rep['f1']:.2f}): about {percent(1 - rep['precision'])} of reported "
        f"paraphrases are judged different points on reading, and {percent(1 - rep['recall'])} of same-point pairs "
        "are missed. The labelled set over-samples similar pairs, so these rates describe the borderline region, "
        "not every pair. On this corpus, 'same point' is a fine distinction: the essays share one vocabulary "
        "and many sentences are close in topic without making the same claim."
    ))
    if det.backend_ == "semantic":
        lex = calibration_report(cal, "lexical", settings["thresholds"]["lexical"])
        display(md(
            f"Comparing words instead of meaning does worse on the same pairs: the lexical backend (TF-IDF + LSA) "
            f"at its best threshold ({settings['thresholds']['lexical']}) reaches precision {percent(lex['precision'])} "
            f"and recall {percent(lex['recall'])} (F1 {lex['f1']:.2f})."
        ))
    plot_calibration(rep["curve"], det.threshold_, label=f"{rep['column']} score")
    plt.show()
    display(md(f"Figure 6. Precision, recall and F1 on the labelled pairs against the threshold (dashed: the "
               f"threshold in use; the best F1 on this set is at {rep['best']['threshold']:.3f})."))
else:
    display(md(f"No calibration file at `{esc(cal_file)}`; precision and recall cannot be reported."))

control_docs = control_corpus(settings)
if control_docs is not None:
    control = detect_redundancy(control_docs, params, backend=det.backend_)
    fp = false_positives(control)
    display(md(
        f"**False positives.** On a control corpus of {fp['documents']} hand-written documents on unrelated "
        f"subjects ({esc(join(control_docs.doc_ids))}; {fp['sentences']} sentences), the same settings report "
        f"{plural(fp['cross'], 'cross-document match', 'cross-document matches')} out of "
        f"{fp['cross_pairs_checked']:,} sentence pairs and "
        f"{plural(fp['within'], 'within-document match', 'within-document matches')}"
        + (" — none, as it should be." if fp["cross"] == 0 and fp["within"] == 0 else
           "; these are false positives, since nothing in these documents restates anything.")
    ))
    if det.backend_ == "semantic":
        fp_lex = false_positives(detect_redundancy(control_docs, params, backend="lexical"))
        display(md(
            f"The lexical fallback, at its own calibrated threshold ({settings['thresholds']['lexical']}), reports "
            f"{plural(fp_lex['cross'], 'cross-document match', 'cross-document matches')} and "
            f"{plural(fp_lex['within'], 'within-document match', 'within-document matches')} on the same control "
            "corpus: sentences that merely share a few words look alike to it."
        ))
    scores = det.sentence_flags_[["nearest_semantic"]].rename(columns={"nearest_semantic": "score"}).dropna()
    if len(scores):
        plot_similarity_hist(scores, det.threshold_)
        plt.show()
        display(md(f"Figure 7. Each sentence's highest similarity to any other sentence in the corpus; "
                   f"{percent((scores['score'] >= det.threshold_).mean())} reach the threshold (dashed)."))

# %% [markdown]
# ## Speed

# %%
bench = benchmark_results(settings)
speed = speed_summary(bench.get("embedding_cache"), bench.get("redundancy_scaling"))
machine = bench.get("machine")
cores = (f"{plural(int(machine['cpu_count'].iloc[0]), 'CPU core')}" if machine is not None and len(machine)
         else "the benchmark machine")
cache_note = run_note = scale_note = ""
if speed["cache"]:
    c = speed["cache"]
    cache_note = (f"Embedding the {c['sentences']} sentences of the five documents took "
                  f"{number(c['cold_seconds'], 1)} s with an empty cache and "
                  f"{number(c['warm_seconds'], 3)} s with a warm one (measured by "
                  f"benchmarks/redundancy\\_scaling.py on {cores}).")
run_note = (f"In this run, embedding took {number(st.get('seconds', 0), 2)} s "
            + ("(all from the cache)." if st.get("encoded", 1) == 0 else
               f"({st.get('encoded', 0):,} sentences encoded)."))
if speed["lexical_growth"]:
    g = speed["lexical_growth"]
    scale_note = (f"On synthetic sentences with the lexical backend, the whole detection took "
                  f"{number(g['from_seconds'], 1)} s for {g['from_sentences']:,} sentences and "
                  f"{number(g['to_seconds'], 1)} s for {g['to_sentences']:,}: {number(g['time_ratio'], 0)} times "
                  f"as long for {number(g['size_ratio'], 0)} times the sentences.")
if speed["semantic_runs"]:
    scale_note += (" With the semantic backend, where encoding dominates, it took "
                   + join([f"{number(r['seconds'], 1)} s for {r['sentences']:,}" for r in speed["semantic_runs"]])
                   + " sentences, so larger sizes were timed with the lexical backend only.")
display(md(" ".join(x for x in (cache_note, run_note, scale_note) if x)
           + (" Figure 8 shows each stage." if scale_note else "")))
speed_note = " ".join(x for x in (cache_note, scale_note) if x)
if speed["lexical_stages"] is not None:
    plot_scaling(speed["lexical_stages"])
    plt.show()
    display(md(f"Figure 8. Time per stage against corpus size (lexical backend, {cores}, log scales). "
               "MinHash-LSH keeps the verbatim layer near linear; the neighbour search compares every sentence "
               "with every other in chunks, so it grows with the square of the corpus but never holds an "
               "n × n matrix in memory."))

# %% [markdown]
# ## What this means

# %%
closing = [
    f"Of {facts['sentences']:,} sentences, {percent(facts['restated_share'])} restate a point made before, leaving "
    f"{facts['distinct_points']:,} distinct points."
]
if n_docs > 1:
    n_near = int(lay.loc[('verbatim', 'all'), 'pairs'])
    n_para = int(lay.loc[('paraphrase', 'all'), 'pairs'])
    if det.backend_ != "semantic":
        closing.append("With the lexical backend only shared vocabulary is visible; rerun with the semantic "
                       "backend to count paraphrases.")
    elif n_near * 10 < n_para:
        closing.append(
            f"Almost none of it is copying: {plural(n_near, 'near-copy pair')} in the whole corpus, against "
            f"{plural(n_para, 'paraphrase pair')}. The repetition is the same point in new words"
            + (f", carried by stock phrases such as “{esc(ph.iloc[0]['phrase'])}”." if len(ph) else "."))
    else:
        closing.append(f"Copying matters here: {plural(n_near, 'near-copy pair')} against "
                       f"{plural(n_para, 'paraphrase pair')}.")
    closing.append(
        "Novelty by document: " + join([f"{esc(r.doc_id)} {percent(r.novelty)}" for r in nv.itertuples()]) + " of "
        "sentences novel. Treat single matches with care (precision on the labelled set is moderate); the "
        "totals and the differences between documents are the robust finding."
    )
if speed_note:
    closing.append(speed_note)
display(md(" ".join(closing)))
