"""How two user questions are compared: one normal form, one similarity measure.

The same rules decide whether an example is already used by another intent (`bot intent
add`, `bot examples add`), whether two intents have near-duplicate examples (`bot check`),
whether a held-out question leaked into the training data, and how the review inbox groups
messages, so "the same question" means the same thing everywhere.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

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


def similarity(a: str, b: str) -> float:
    """Character similarity (0..1) of two normalised questions."""
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def near_duplicates(a: str, b: str, threshold: float = NEAR_DUPLICATE) -> bool:
    """Whether two normalised questions are the same or differ only by a typo or two."""
    if a == b:
        return True
    longest = max(len(a), len(b))
    if not longest or 2 * min(len(a), len(b)) / (len(a) + len(b)) < threshold:
        return False  # lengths alone rule it out: ratio <= 2*min/(sum of lengths)
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return (
        matcher.real_quick_ratio() >= threshold
        and matcher.quick_ratio() >= threshold
        and matcher.ratio() >= threshold
    )
