"""Theme frequency: dictionary counts with evidence, keyness, dispersion and co-occurrence.

Writes:
  theme_counts.csv          doc_id, theme, count, words, per_1k_words, paragraphs,
                            paragraphs_total, paragraph_share
  theme_matches.csv         one row per counted match (KWIC evidence; context and heading
                            on the first themes.kwic_keep matches per document and
                            theme): doc_id, theme,
                            term, start, end, text, left, right, section, heading,
                            paragraph, paragraph_id, position
  theme_section_counts.csv  doc_id, section, heading, theme, count, words, per_1k_words
                            (the sections where the theme occurs)
  theme_dispersion.csv      doc_id, theme, count, first, last, mean, sections_with,
                            sections_total, dp
  theme_cooccurrence.csv    theme_a, theme_b, paragraphs, paragraphs_a, paragraphs_b,
                            together, expected, lift, p_value, significant
  keyness.csv               doc_id, kind (theme|word|bigram), item, count, count_rest,
                            size, size_rest, per_1k, per_1k_rest, g2, log_ratio, p_value,
                            significant, direction
  theme_terms.csv           the dictionary used: theme, term, baseline
  theme_summary.csv         one row per theme: theme, group (baseline|theme), terms, matches,
                            per_1k_words, documents, documents_total, min_per_1k,
                            min_document, max_per_1k, max_document, rank
  theme_profile.csv         one row per document: its most frequent and most distinctive
                            theme (baseline subjects left out), with counts, rates,
                            the rate ratio against the other documents and G²
  theme_findings.csv        the report's statements, each with its values and the rows
                            of the files above that back it

Baseline subjects (the dictionary's optional 'baseline:' group, e.g. peacekeeping)
are counted in theme_counts.csv but left out of keyness, co-occurrence and rankings.

The dictionary format and matching rules are documented in analysis/themes.py
and at the top of analysis/themes.yaml (the default dictionary).
"""

from __future__ import annotations

HELP = "theme counts with KWIC evidence, keyness, dispersion and co-occurrence"


def add_arguments(parser) -> None:
    """Options of the themes command."""
    parser.add_argument("--themes", metavar="FILE", default=None,
                        help="YAML theme dictionary (default: themes.file in the parameter "
                             "file, else the bundled analysis/themes.yaml)")
    parser.add_argument("--kwic-chars", type=int, default=None, metavar="N",
                        help="characters of context either side of a match "
                             "(default: themes.kwic_chars, 60)")
    parser.add_argument("--alpha", type=float, default=None, metavar="P",
                        help="significance level for keyness and co-occurrence "
                             "(default: themes.alpha, 0.01)")
    parser.add_argument("--min-word-freq", type=int, default=None, metavar="N",
                        help="corpus frequency a word or bigram needs to be tested for "
                             "keyness (default: themes.min_word_freq, 5)")


def run(corpus, params, args) -> dict:
    """Compute every theme table."""
    from ..findings import findings_frame
    from ..findings.themes import theme_findings
    from ..params import check_value
    from ..themes import analyse_themes, cap_context, theme_settings

    settings = theme_settings(params)
    # Values from the parameter file were checked by the schema; flags are checked here
    # against the same ranges, and the error names the flag.
    for key in ("kwic_chars", "alpha", "min_word_freq"):
        value = getattr(args, key, None)
        if value is not None:
            settings[key] = check_value("themes", key, value, "--" + key.replace("_", "-"))
    result = analyse_themes(corpus, params, themes_path=getattr(args, "themes", None),
                            settings=settings)
    if getattr(args, "shared", None) is not None:   # `all`: default options, reused by the digest
        args.shared["themes"] = result
    return {
        "theme_counts.csv": result["counts"],
        "theme_matches.csv": cap_context(result["matches"], settings.get("kwic_keep")),
        # Sections where a theme is absent are left out of the file (half its rows at scale);
        # a zero row carries no evidence.
        "theme_section_counts.csv": result["sections"][result["sections"]["count"] > 0],
        "theme_dispersion.csv": result["dispersion"],
        "theme_cooccurrence.csv": result["cooccurrence"],
        "keyness.csv": result["keyness"],
        "theme_terms.csv": result["terms"],
        "theme_summary.csv": result["summary"],
        "theme_profile.csv": result["profile"],
        "theme_findings.csv": findings_frame(theme_findings(result)),
    }
