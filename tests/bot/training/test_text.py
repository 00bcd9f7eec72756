"""How two questions are compared: the fast near-duplicate search against its definition."""
from __future__ import annotations

import random
from difflib import SequenceMatcher
from itertools import combinations
from typing import List, Tuple

from bot.training.text import NEAR_DUPLICATE, near_duplicate_pairs, normalise


def _all_pairs(texts: List[str]) -> List[Tuple[int, int]]:
    """The definition: every pair, difflib's ratio, shorter text first."""
    order = sorted(range(len(texts)), key=lambda k: len(texts[k]))
    return [
        (a, b)
        for a, b in combinations(order, 2)
        if texts[a] == texts[b]
        or SequenceMatcher(None, texts[a], texts[b], autojunk=False).ratio() >= NEAR_DUPLICATE
    ]


def test_the_search_finds_exactly_the_pairs_of_the_definition() -> None:
    rng = random.Random(7)
    words = "how much do sir dues cost for a resident fellow student join membership ir".split()
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 9))) for _ in range(300)]
    for text in rng.sample(texts, 60):  # typos: a letter dropped or doubled
        at = rng.randrange(len(text))
        texts.append(text[:at] + text[at + 1:] if rng.random() < 0.5 else text[:at] + text[at] + text[at:])
    texts += ["", "", "ab", "ab", "a", "how do i join sir", "how do i joinn sir"]
    found = near_duplicate_pairs(texts)
    assert found == _all_pairs(texts)
    assert len(found) > 60  # typos and repeats were there to find


def test_a_typo_is_a_near_duplicate_and_a_different_question_is_not() -> None:
    texts = [normalise(t) for t in ("How do I join SIR?", "how do i joinn SIR", "how do i leave SIR")]
    assert near_duplicate_pairs(texts) == [(0, 1)]
