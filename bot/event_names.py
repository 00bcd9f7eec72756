"""Finding an event by the words of its name, as users type them (any case, small typos).

Shared by the event actions (which event was asked about) and the NLU's event-name
matcher (bot/nlu/event_names.py), so a name staff just added is recognised the same way
in both places.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Iterable, Optional, Sequence, Set, Tuple, TypeVar

WORD = re.compile(r"[a-z0-9]+")
STOP = {
    "the",
    "a",
    "an",
    "of",
    "and",
    "for",
    "in",
    "on",
    "sir",
    "ir",
    "event",
    "meeting",
    "is",
    "what",
    "when",
    "where",
    "about",
    "tell",
    "me",
}
T = TypeVar("T")


def name_words(name: str) -> Set[str]:
    return set(WORD.findall(name.lower())) - STOP


def same_word(word: str, other: str) -> bool:
    """Equal, or one small typo apart for words long enough to tell ("practicm")."""
    if word == other:
        return True
    shorter, total = min(len(word), len(other)), len(word) + len(other)
    # 2 * shorter / total bounds the ratio from above: most pairs stop here, cheaply
    if shorter < 5 or 2 * shorter < 0.8 * total:
        return False
    matcher = SequenceMatcher(None, word, other)
    return matcher.quick_ratio() >= 0.8 and matcher.ratio() >= 0.8


def matched_words(words: Set[str], name: str) -> Tuple[int, int]:
    """(how many of the name's distinctive words are among the text's `words` (its
    `name_words`), how many the name has in all)."""
    wanted = name_words(name)
    return sum(any(same_word(w, n) for w in words) for n in wanted), len(wanted)


def best_match(items: Iterable[Tuple[T, str]], text: str) -> Optional[T]:
    """The item whose name shares the most distinctive words with the text, if any."""
    best, best_score = None, 0
    words = name_words(text)
    for item, name in items:
        score, _ = matched_words(words, name)
        if score > best_score:
            best, best_score = item, score
    return best


def named_in(items: Sequence[Tuple[T, str]], text: str, min_words: int = 2) -> Optional[T]:
    """The item whose whole name is in the text (every distinctive word, typos allowed)."""
    words = name_words(text)
    for item, name in items:
        score, total = matched_words(words, name)
        if total >= min_words and score == total:
            return item
    return None
