"""How two user questions are compared: one normal form, one similarity measure.

The same rules decide whether an example is already used by another intent (`bot intent
add`, `bot examples add`), whether two intents have near-duplicate examples (`bot check`),
whether a held-out question leaked into the training data, and how the review inbox groups
messages, so "the same question" means the same thing everywhere.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import List, Sequence, Tuple

# Entity annotations in Rasa's training format: [PGY-3](membership_category) or [x]{"entity": ...}
ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")
NEAR_DUPLICATE = 0.92  # character similarity from which two questions count as the same


def plain(text: str) -> str:
    """An example without entity annotations, as a user would type it."""
    return ANNOTATION.sub(r"\1", text)


def normalise(text: str) -> str:
    """Lower case, letters and digits only, single spaces: 'How much?!' == 'how much',
    'part-time' == 'part time'."""
    text = re.sub(r"[-/_]", " ", plain(text).lower())
    text = re.sub(r"[^a-z0-9 ]", "", re.sub(r"\s+", " ", text))
    return re.sub(" +", " ", text).strip()


def near_duplicate_pairs(
    texts: Sequence[str], threshold: float = NEAR_DUPLICATE
) -> List[Tuple[int, int]]:
    """Index pairs (i, j) of normalised questions that are the same or differ only by a
    typo or two, shorter first, in the order of all pairs sorted by length.

    Compares each text only with texts whose lengths and character counts allow the
    threshold (both are upper bounds of difflib's ratio, the counts taken for all candidates
    at once), then runs difflib on what is left: comparing every pair with difflib took 9 s
    on 2,500 examples, on every load of the console's topics page.
    """
    import numpy as np

    order = sorted(range(len(texts)), key=lambda k: len(texts[k]))
    ordered = [texts[k] for k in order]
    lengths = np.array([len(t) for t in ordered], dtype=float)
    alphabet = {c: n for n, c in enumerate(sorted(set("".join(ordered))))}
    counts = np.zeros((len(ordered), max(len(alphabet), 1)), dtype=np.int32)
    for row, text in enumerate(ordered):
        for char in text:
            counts[row, alphabet[char]] += 1
    matcher = SequenceMatcher(None, autojunk=False)
    found: List[Tuple[int, int]] = []
    for pos_b, b in enumerate(ordered):
        # Shorter texts come first: the window is those whose length allows the threshold.
        first = int(np.searchsorted(lengths, lengths[pos_b] * threshold / (2 - threshold)))
        window = np.arange(first, pos_b)
        if not len(window):
            continue
        total = lengths[window] + lengths[pos_b]
        shared = np.minimum(counts[window], counts[pos_b]).sum(axis=1)
        bound = np.where(total > 0, 2 * shared / np.maximum(total, 1), 1.0)
        candidates = window[bound >= threshold]
        if len(candidates):
            matcher.set_seq2(b)
        for pos_a in candidates.tolist():
            a = ordered[pos_a]
            if a != b:
                matcher.set_seq1(a)
                if matcher.ratio() < threshold:
                    continue
            found.append((pos_a, pos_b))
    return [(order[a], order[b]) for a, b in sorted(found)]
