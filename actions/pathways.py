"""Training pathways: one named pathway's answer, or the overview when none is known.

A follow-up ("and the independent one?", "how long is that?") names a pathway or relies on
the one discussed just before, which the `pathway` slot remembers.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.entities import latest_entity
from bot.nlp.patterns import canonical

SLOT = "pathway"


class ActionPathwayDetails(Action):
    def name(self) -> Text:
        return "action_pathway_details"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        pathway = latest_entity(tracker, SLOT) or canonical(SLOT, tracker.get_slot(SLOT))
        response = f"utter_pathway_{pathway}" if pathway else "utter_training_pathways"
        if response not in domain.get("responses", {}):
            response, pathway = "utter_training_pathways", None
        dispatcher.utter_message(response=response)
        return [SlotSet(SLOT, pathway)]
