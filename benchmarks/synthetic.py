"""Synthetic corpora of any size, built from the essays' paragraphs, with planted duplicates.

    .venv/bin/python benchmarks/synthetic.py 500 /tmp/syn500 [--seed 42]

Every document is a run of headings and paragraphs taken from the essays in
``corpus/``. Two ways to make the background text (``background``):

- ``"mixed"`` (default): each background sentence is a new word sequence
  walked from the essays' word bigrams (so vocabulary, phrases and theme terms
  keep their rates) and then perturbed. Sentences rarely repeat by chance, so
  the planted duplicates are the repetition to find, at any size.
- ``"paragraphs"``: the essays' paragraphs themselves, sampled with
  replacement and perturbed (the corpus of issue 11). Every source paragraph
  then recurs about ``n_docs * 60 / 350`` times as a near-copy, so the amount
  of real repetition grows with the square of the corpus.

Perturbation: one word in `replace_every` (15) is replaced by a random word of
the essays' vocabulary. Planted duplicates: a share `dup_rate` of paragraphs
(half exact copies, half near copies with one word in `near_every` changed) repeat
an earlier paragraph of another document. Everything is seeded.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
_SENT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_BULLET_RE = re.compile(r"^(?:[-*•–]|\d{1,3}[.)])\s+")
PLANTED_COLUMNS = ["kind", "doc_a", "paragraph_a", "doc_b", "paragraph_b", "text_a", "text_b"]


def _source(folder: Path) -> tuple[list[str], list[str]]:
    """The essays' body paragraphs and headings (headings are short lines without final stop)."""
    paras, heads = [], []
    for path in sorted(folder.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = _BULLET_RE.sub("", line.strip())   # every synthetic unit is a plain paragraph
            if not line:
                continue
            short = len(line.split()) <= 14 and not line.endswith((".", "!", "?", ":", ";", ","))
            (heads if short else paras).append(line)
    return paras, heads


class _Bigrams:
    """A word-bigram walk over the essays' sentences: new sentences with the essays' phrasing."""

    def __init__(self, paragraphs: list[str]):
        sents = [s.split() for p in paragraphs for s in _SENT_RE.split(p) if len(s.split()) >= 4]
        self.starts = [s[0] for s in sents]
        self.lengths = np.array([len(s) for s in sents])
        nxt: dict[str, list[str]] = {}
        for s in sents:
            for a, b in zip(s, s[1:]):
                nxt.setdefault(a, []).append(b)
        self.next = {k: v for k, v in nxt.items()}

    def sentence(self, rng: np.random.Generator) -> list[str]:
        n = int(self.lengths[rng.integers(len(self.lengths))])
        words = [self.starts[rng.integers(len(self.starts))]]
        while len(words) < n:
            options = self.next.get(words[-1])
            if not options or words[-1].endswith((".", "?", "!")):
                if len(words) >= n // 2:
                    break
                options = self.starts
            words.append(options[rng.integers(len(options))])
        words[-1] = words[-1].rstrip(".,;:!?") + "."
        return [w for w in words if w not in ("-", "*", "•", "–")]


def _perturb(words: list[str], every: int, vocab: np.ndarray, rng: np.random.Generator) -> list[str]:
    words = list(words)
    hit = np.flatnonzero(rng.random(len(words)) < 1.0 / every)
    for i in hit:
        w = words[i]
        tail = w[len(w.rstrip(".,;:!?")):]   # keep sentence punctuation where it was
        words[i] = str(vocab[rng.integers(len(vocab))]) + tail
    return words


def make_corpus(n_docs: int, out: str | Path, seed: int = 42, words_per_doc: int = 2600,
                dup_rate: float = 0.04, replace_every: int = 15, near_every: int = 16,
                background: str = "mixed", source: str | Path | None = None) -> pd.DataFrame:
    """Write `n_docs` synthetic documents to `out` and return the planted duplicate pairs.

    Parameters
    ----------
    n_docs : int
    out : str or Path
        Folder, created if needed; its ``.txt`` files are replaced.
    seed : int
    words_per_doc : int
        Approximate words per document (the essays have about 2,700).
    dup_rate : float
        Share of paragraphs that repeat an earlier paragraph of another document.
    replace_every : int
        Background perturbation: one word in this many is replaced.
    near_every : int
        A near duplicate changes one word in this many (at least one).
    background : {"mixed", "paragraphs"}
        See the module docstring.
    source : str or Path, optional
        Folder of source essays (default: the project's ``corpus/``).

    Returns
    -------
    pandas.DataFrame
        One row per planted pair: ``kind`` ("exact" | "near"), ``doc_a``,
        ``paragraph_a`` (the original: doc id and 0-based index among the
        document's body paragraphs), ``doc_b``, ``paragraph_b`` (the copy),
        ``text_a``, ``text_b``.
    """
    if background not in ("mixed", "paragraphs"):
        raise ValueError("background must be 'mixed' or 'paragraphs'")
    rng = np.random.default_rng(seed)
    paras, heads = _source(Path(source) if source else ROOT / "corpus")
    vocab = np.array(sorted({w.strip(".,;:!?()\"").lower() for p in paras for w in p.split()} - {""}))
    walk = _Bigrams(paras) if background == "mixed" else None
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.txt"):
        old.unlink()
    made: list[tuple[str, int, str]] = []        # (doc_id, paragraph index, text) of background paragraphs
    planted = []
    width = max(4, len(str(n_docs)))
    for d in range(n_docs):
        doc_id = f"syn{d:0{width}d}"
        lines, body, n_words = [f"Synthetic essay {d}"], 0, 0
        while n_words < words_per_doc:
            if body % 6 == 0:
                lines.append(heads[rng.integers(len(heads))])
            if made and rng.random() < dup_rate:
                src = made[rng.integers(len(made))]
                if src[0] != doc_id:
                    kind = "exact" if rng.random() < 0.5 else "near"
                    words = src[2].split()
                    if kind == "near":
                        k = max(1, len(words) // near_every)
                        for i in rng.choice(len(words), size=k, replace=False):
                            tail = words[i][len(words[i].rstrip(".,;:!?")):]
                            words[i] = str(vocab[rng.integers(len(vocab))]) + tail
                    text = " ".join(words)
                    planted.append((kind, src[0], src[1], doc_id, body, src[2], text))
                    lines.append(text)
                    body += 1
                    n_words += len(words)
                    continue
            if walk is not None:
                n_sent = int(rng.integers(2, 6))
                words = [w for _ in range(n_sent) for w in walk.sentence(rng)]
            else:
                words = paras[rng.integers(len(paras))].split()
            text = " ".join(_perturb(words, replace_every, vocab, rng))
            text = _BULLET_RE.sub("", text)
            text = text[0].upper() + text[1:]
            made.append((doc_id, body, text))
            lines.append(text)
            body += 1
            n_words += len(words)
        (out / f"{doc_id}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return pd.DataFrame(planted, columns=PLANTED_COLUMNS)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n_docs", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--background", choices=["mixed", "paragraphs"], default="mixed")
    args = ap.parse_args()
    planted = make_corpus(args.n_docs, args.out, seed=args.seed, background=args.background)
    planted.to_csv(Path(args.out).parent / f"{Path(args.out).name}-planted.csv", index=False)
    print(f"{args.n_docs} documents in {args.out}; {len(planted)} planted pairs "
          f"({(planted.kind == 'exact').sum()} exact, {(planted.kind == 'near').sum()} near)")


if __name__ == "__main__":
    main()
