"""The built spaCy pipeline: lookup lemmas and the entity ruler, loaded from disk."""
from __future__ import annotations

import pytest

from bot.nlp.build import build


@pytest.fixture(scope="module")
def nlp():
    import spacy

    return spacy.load(build())


def test_lemmas_come_from_the_lookup_table(nlp) -> None:
    doc = nlp("residents are paying fees")
    assert [t.lemma_ for t in doc] == ["resident", "be", "pay", "fee"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I'm a PGY-3 in DR", [("PGY-3", "membership_category", "resident-in-training")]),
        ("how long is ESIR?", [("ESIR", "pathway", "esir")]),
        ("when is the spring practicum", [("spring practicum", "event", "spring-practicum")]),
        ("is the IR Residency Spring Practicum for me",
         [("IR Residency Spring Practicum", "event", "spring-practicum")]),
        ("3rd year medical student here",
         [("3rd year medical student", "membership_category", "medical-student")]),
    ],
)
def test_entity_ruler(nlp, text: str, expected) -> None:
    assert [(e.text, e.label_, e.ent_id_) for e in nlp(text).ents] == expected


def test_build_is_skipped_when_up_to_date() -> None:
    path = build()
    stamp = (path / "ir_careers_fingerprint.txt").stat().st_mtime
    assert build() == path
    assert (path / "ir_careers_fingerprint.txt").stat().st_mtime == stamp
