"""The pathway dispatcher and the low-confidence fallback."""
from __future__ import annotations

import pytest

from actions.fallback import DEFAULT_TOPICS, TOPIC_TITLES, ActionTopicFallback, likely_topics
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


async def test_fallback_offers_the_likeliest_topics(domain: dict) -> None:
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.25},
        {"name": "membership_fee", "confidence": 0.2},
        {"name": "greet", "confidence": 0.15},
        {"name": "join_sir", "confidence": 0.1},
        {"name": "rfs_section", "confidence": 0.05},
    ]
    tracker = make_tracker("hmm sir money?", "nlu_fallback", ranking=ranking)
    messages, _ = await run_action(ActionTopicFallback(), tracker, domain)
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/membership_fee", "/join_sir", "/rfs_section"]


def test_fallback_pads_with_the_main_topics() -> None:
    assert likely_topics([{"name": "greet"}]) == list(DEFAULT_TOPICS[:3])


def test_every_topic_is_a_domain_intent(domain: dict) -> None:
    assert set(TOPIC_TITLES) <= set(domain["intents"])
