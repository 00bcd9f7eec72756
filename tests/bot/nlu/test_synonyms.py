"""Spelled-out names of the specialty become one token with the short name as its lemma."""

from __future__ import annotations

import re
from typing import List

from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.synonyms import SpecialtySynonyms, merged


def tokens(text: str) -> List[Token]:
    return [Token(m.group(), m.start()) for m in re.finditer(r"\w+|[^\w\s]", text)]


def lemmas(text: str) -> List[str]:
    return [t.lemma for t in merged(tokens(text))]


def test_the_spelled_out_names_become_the_short_ones() -> None:
    assert lemmas("is Interventional Radiology competitive?") == ["is", "ir", "competitive", "?"]
    assert lemmas("interventional radiologists do biopsies") == ["ir", "do", "biopsies"]
    assert lemmas("vascular and interventional radiology fellowship") == ["vir", "fellowship"]


def test_the_longest_phrase_wins_and_keeps_its_place_in_the_text() -> None:
    text = "what is early specialization in interventional radiology"
    *_, esir = merged(tokens(text))
    assert (esir.lemma, esir.text) == ("esir", "early specialization in interventional radiology")
    assert (esir.start, esir.end) == (8, len(text))


def test_other_words_are_left_alone() -> None:
    # "interventional" alone is the cardiology intent's word, and stays so
    assert lemmas("interventional cardiology vs radiology") == [
        "interventional",
        "cardiology",
        "vs",
        "radiology",
    ]


def test_the_component_rewrites_the_message_tokens() -> None:
    message = Message(data={"text": "interventional radiology residency"})
    message.set("text_tokens", tokens("interventional radiology residency"))
    SpecialtySynonyms().process([message])
    assert [t.lemma for t in message.get("text_tokens")] == ["ir", "residency"]
