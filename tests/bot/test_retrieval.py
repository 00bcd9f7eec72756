"""Retrieval over the knowledge: a passage only when the match is confident."""

from __future__ import annotations

from bot.knowledge import passages
from bot.retrieval import KnowledgeIndex

INDEX = KnowledgeIndex(passages())


def test_a_question_a_passage_answers_gets_it() -> None:
    hit = INDEX.best("what is the allied scientist grant from the SIR Foundation?")
    assert hit is not None and "$40,000" in hit.passage.text
    assert hit.passage.source.startswith("sirfoundation.org")


def test_questions_only_in_the_domain_or_outside_it_get_nothing() -> None:
    for question in ("what do IR residency programs look for", "how much do IRs make",
                     "best pizza in Boston", "", "is interventional radiology a good career"):
        assert INDEX.best(question) is None, question
