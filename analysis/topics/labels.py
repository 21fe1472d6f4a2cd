"""Automatic topic labels from each topic's heaviest terms, with user overrides."""

from __future__ import annotations


def _phrase(terms: list[str], head: str, max_words: int = 3) -> str:
    """Grow `head` into the longest phrase the overlapping two-word terms allow."""
    words = head.split()
    grown = True
    while grown and len(words) < max_words:
        grown = False
        for t in terms:
            a, _, b = t.partition(" ")
            if b and a == words[-1] and b not in words:
                words.append(b)
                grown = True
                break
            if b and b == words[0] and a not in words:
                words.insert(0, a)
                grown = True
                break
    return " ".join(words)


def auto_labels(model, n_terms: int = 6, max_words: int = 3) -> list[str]:
    """Short labels from each topic's heaviest terms.

    The label starts from the heaviest two-word term among the top
    `n_terms` that contains the topic's top word (else the top word), grows
    it through overlapping two-word terms ("security sector" + "sector
    reform" -> "security sector reform"), and adds the next top term that
    shares no word with it, up to `max_words` words in all.
    """
    labels = []
    for terms in model.top_terms(max(n_terms, 12)):
        names = [t for t, _ in terms]
        if not names:
            labels.append("(empty)")
            continue
        top = names[:n_terms]
        first = names[0]
        head = next((t for t in top if " " in t and first in t.split()), first)
        bigrams = [t for t in top if " " in t]
        parts = [_phrase(bigrams, head, max_words)]
        used = set(parts[0].split())
        for t in names[1:]:
            w = set(t.split())
            if len(used) + len(w) > max_words:
                continue
            if w & used:
                continue
            parts.append(t)
            used |= w
            break
        labels.append(" / ".join(parts))
    return labels


def topic_labels(model, user_labels: dict | None = None) -> list[str]:
    """Automatic labels, with user labels (``{topic number: label}``, 1-based) substituted."""
    labels = auto_labels(model)
    for k, v in (user_labels or {}).items():
        if 1 <= int(k) <= len(labels):
            labels[int(k) - 1] = str(v)
    return labels

