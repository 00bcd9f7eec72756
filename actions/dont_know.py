"""When no intent fits: a passage of the knowledge that answers, or an honest "I don't know".

Reached from the NLU fallback (low confidence) and from `no_info` (a question in the
domain that the knowledge cannot answer). A knowledge passage is offered only for the
fallback and only when retrieval is confident (bot/retrieval.py), never when the ask check
(bot/nlu/ask.py) found that the question asks for something the knowledge lacks (a count,
a rate, a prediction ...: a passage would be an answer to a different question); otherwise the reply says
plainly that there is no information, offers the closest topics it can answer as buttons,
and gives SIR's address. Never an answer written for a different question.
"""

from __future__ import annotations

import asyncio
from functools import lru_cache
from typing import Any, Dict, List, Sequence, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import links
from bot.knowledge import cached_passages
from bot.retrieval import Hit, KnowledgeIndex

# Topics worth offering, with the button title users see.
TOPIC_TITLES: Dict[str, str] = {
    "what_is_ir": "What is IR?",
    "ir_procedures": "What IRs treat",
    "ir_workplaces": "Where IRs work",
    "ir_specialty_recognition": "IR as a specialty",
    "ir_in_the_er": "IR in the ER",
    "training_pathways": "Training pathways",
    "pathway_details": "One training pathway",
    "abr_certification": "ABR certification",
    "match_competitiveness": "How competitive is IR?",
    "application_advice": "Building an application",
    "usmle_scores": "USMLE scores",
    "letters_of_recommendation": "Letters of recommendation",
    "away_rotations": "Away rotations",
    "intern_year": "The intern year",
    "dual_applying": "Applying to IR and DR",
    "esir_selection": "ESIR selection",
    "changing_course": "Changing course into IR",
    "do_applicants": "DO applicants",
    "img_applicants": "International graduates",
    "ir_vs_vascular_surgery": "IR vs vascular surgery",
    "ir_vs_cardiology": "IR vs interventional cardiology",
    "neuro_ir": "Neurointerventional training",
    "pediatric_ir": "Pediatric IR",
    "ir_daily_work": "Daily work in IR",
    "job_market": "The IR job market",
    "interest_groups": "IR interest groups",
    "sir_programs": "SIR programs",
    "membership_fee": "Membership fees",
    "membership_benefits": "Membership benefits",
    "join_sir": "How to join SIR",
    "membership_categories": "Membership categories",
    "rfs_section": "The RFS Section",
    "upcoming_events": "Upcoming events",
    "event_details": "Events",
    "gems_program": "The GEMS program",
}
DEFAULT_TOPICS = ("training_pathways", "application_advice", "membership_fee", "upcoming_events")
NO_INFORMATION = (
    "I don't have information on that, so I won't guess. SIR's website may help: "
    f"{links.SIR_HOME} . These are the closest topics I can answer:"
)


def closest_topics(ranking: Sequence[Dict[str, Any]], limit: int = 3) -> List[str]:
    """The highest-ranked intents that are answerable topics, padded with the main ones."""
    topics = [str(r["name"]) for r in ranking if r.get("name") in TOPIC_TITLES][:limit]
    for default in DEFAULT_TOPICS:
        if len(topics) >= limit:
            break
        if default not in topics:
            topics.append(default)
    return topics


def passage_answer(hit: Hit) -> str:
    """A retrieved passage, said as what the knowledge holds, with its source."""
    source = f" (Source: {hit.passage.source}.)" if hit.passage.source else ""
    return f"Here is what I have on that, from {hit.passage.section.lower()}: {hit.passage.text}{source}"


@lru_cache(maxsize=1)
def knowledge_index() -> KnowledgeIndex:
    return KnowledgeIndex(cached_passages())


class ActionDontKnow(Action):
    def name(self) -> Text:
        return "action_dont_know"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        message = tracker.latest_message
        intent = (message.get("intent") or {}).get("name")
        if intent != "no_info" and not message.get("ask_uncovered"):
            index = await asyncio.to_thread(knowledge_index)  # built once, off the loop
            hit = index.best(message.get("text") or "")
            if hit is not None:
                dispatcher.utter_message(text=passage_answer(hit))
                return []
        topics = closest_topics(message.get("intent_ranking") or [])
        dispatcher.utter_message(
            text=NO_INFORMATION,
            buttons=[{"title": TOPIC_TITLES[t], "payload": f"/{t}"} for t in topics],
        )
        return []
