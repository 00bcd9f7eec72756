"""Low-confidence fallback: offer the likeliest topics as buttons instead of guessing."""

from __future__ import annotations

from typing import Any, Dict, List, Sequence, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

# Topics worth offering, with the button title users see.
TOPIC_TITLES: Dict[str, str] = {
    "what_is_ir": "What is IR?",
    "ir_procedures": "What IRs treat",
    "ir_workplaces": "Where IRs work",
    "ir_specialty_recognition": "IR as a specialty",
    "ir_in_the_er": "IR in the ER",
    "jvir_editorial": "Why choose IR (JVIR editorial)",
    "training_pathways": "Training pathways",
    "pathway_details": "One training pathway",
    "abr_certification": "ABR certification",
    "match_competitiveness": "How competitive is IR?",
    "membership_fee": "Membership fees",
    "membership_benefits": "Membership benefits",
    "join_sir": "How to join SIR",
    "membership_categories": "Membership categories",
    "member_count": "How many members",
    "rfs_section": "The RFS Section",
    "upcoming_events": "Upcoming events",
    "event_details": "Events",
    "gems_program": "The GEMS program",
}
DEFAULT_TOPICS = ("what_is_ir", "training_pathways", "membership_fee", "upcoming_events")


def likely_topics(ranking: Sequence[Dict[str, Any]], limit: int = 3) -> List[str]:
    """The highest-ranked intents that are topics, padded with the main topics."""
    topics = [str(r["name"]) for r in ranking if r.get("name") in TOPIC_TITLES][:limit]
    for default in DEFAULT_TOPICS:
        if len(topics) >= limit:
            break
        if default not in topics:
            topics.append(default)
    return topics


class ActionTopicFallback(Action):
    def name(self) -> Text:
        return "action_topic_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        topics = likely_topics(tracker.latest_message.get("intent_ranking") or [])
        dispatcher.utter_message(
            text="Sorry, I'm not sure I understood. Did you mean one of these?",
            buttons=[{"title": TOPIC_TITLES[t], "payload": f"/{t}"} for t in topics],
        )
        return []
