"""The pathway dispatcher (with follow-ups) and the honest "I don't know"."""
from __future__ import annotations

import pytest

from actions.dont_know import DEFAULT_TOPICS, NO_INFORMATION, TOPIC_TITLES, ActionDontKnow, closest_topics
from actions.pathways import ActionPathwayDetails
from tests.actions.conftest import make_tracker, run_action

pytestmark = pytest.mark.asyncio


@pytest.mark.parametrize(
    "text, value, response",
    [
        ("how long is ESIR", "ESIR", "utter_pathway_esir"),
        ("tell me about the integrated residency", "integrated residency",
         "utter_pathway_integrated-residency"),
        ("is the IR fellowship still a thing", "IR fellowship", "utter_pathway_vir-fellowship"),
        ("independent ir?", "independent ir", "utter_pathway_independent-residency"),
    ],
)
async def test_named_pathway_gets_its_answer(text: str, value: str, response: str, domain: dict) -> None:
    tracker = make_tracker(text, "pathway_details", [{"entity": "pathway", "value": value}])
    messages, _ = await run_action(ActionPathwayDetails(), tracker, domain)
    assert messages[0]["response"] == response
    assert response in domain["responses"]


async def test_no_pathway_named_gives_the_overview(domain: dict) -> None:
    messages, _ = await run_action(ActionPathwayDetails(), make_tracker("which pathway", "pathway_details"), domain)
    assert messages[0]["response"] == "utter_training_pathways"


async def test_a_follow_up_uses_the_pathway_discussed_before(domain: dict) -> None:
    tracker = make_tracker("how long is that?", "pathway_details", slots={"pathway": "esir"})
    messages, events = await run_action(ActionPathwayDetails(), tracker, domain)
    assert messages[0]["response"] == "utter_pathway_esir"
    assert events == [{"event": "slot", "timestamp": None, "name": "pathway", "value": "esir"}]


async def test_fallback_offers_the_likeliest_topics(domain: dict) -> None:
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.25},
        {"name": "membership_fee", "confidence": 0.2},
        {"name": "greet", "confidence": 0.15},
        {"name": "join_sir", "confidence": 0.1},
        {"name": "rfs_section", "confidence": 0.05},
    ]
    tracker = make_tracker("hmm sir money?", "nlu_fallback", ranking=ranking)
    messages, _ = await run_action(ActionDontKnow(), tracker, domain)
    assert messages[0]["text"] == NO_INFORMATION
    assert "I don't have information on that" in messages[0]["text"]
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/membership_fee", "/join_sir", "/rfs_section"]


async def test_a_question_the_knowledge_answers_gets_its_passage_with_the_source(domain: dict) -> None:
    tracker = make_tracker("what is the allied scientist grant", "nlu_fallback")
    messages, _ = await run_action(ActionDontKnow(), tracker, domain)
    assert "up to $40,000 over 2 years" in messages[0]["text"]
    assert "Source: sirfoundation.org" in messages[0]["text"]


async def test_no_info_never_gets_a_passage(domain: dict) -> None:
    tracker = make_tracker("what is the allied scientist grant", "no_info")
    messages, _ = await run_action(ActionDontKnow(), tracker, domain)
    assert messages[0]["text"] == NO_INFORMATION


async def test_a_question_asking_for_what_the_knowledge_lacks_never_gets_a_passage(
    domain: dict,
) -> None:
    tracker = make_tracker("what is the acceptance rate of the allied scientist grant", "nlu_fallback")
    tracker.latest_message["ask_uncovered"] = ["acceptance rate"]
    messages, _ = await run_action(ActionDontKnow(), tracker, domain)
    assert messages[0]["text"] == NO_INFORMATION


def test_fallback_pads_with_the_main_topics() -> None:
    assert closest_topics([{"name": "greet"}]) == list(DEFAULT_TOPICS[:3])


def test_every_topic_is_a_domain_intent(domain: dict) -> None:
    assert set(TOPIC_TITLES) <= set(domain["intents"])
