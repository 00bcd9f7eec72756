"""Entity patterns: one source for the spaCy ruler and for normalising values."""
from __future__ import annotations

import pytest

from bot.nlp.patterns import canonical, expand, find, spacy_patterns


def test_ranges_expand() -> None:
    assert list(expand("pgy-{1..3}")) == ["pgy-1", "pgy-2", "pgy-3"]
    assert list(expand("r{1..2}x{1..2}")) == ["r1x1", "r1x2", "r2x1", "r2x2"]


@pytest.mark.parametrize(
    "text, value",
    [
        ("PGY-3", "resident-in-training"),
        ("pgy 3", "resident-in-training"),
        ("PGY3", "resident-in-training"),
        ("Med Student", "medical-student"),
        ("MS4", "medical-student"),
        ("post-doc", "scientist-in-training"),
        ("fellow-in-training", "fellow-in-training"),
        ("attending", None),
        ("", None),
        (None, None),
    ],
)
def test_canonical_membership_category(text, value) -> None:
    assert canonical("membership_category", text) == value


def test_find_prefers_the_longest_phrase() -> None:
    assert find("pathway", "is the IR fellowship still around") == "vir-fellowship"
    assert find("pathway", "integrated ir residency length") == "integrated-residency"
    assert find("event", "nothing here") is None


def test_spacy_patterns_carry_their_canonical_id() -> None:
    patterns = spacy_patterns()
    assert {"label": "membership_category", "pattern": "pgy-6", "id": "resident-in-training"} in patterns
    assert all(p["label"] in {"membership_category", "pathway", "event"} for p in patterns)
