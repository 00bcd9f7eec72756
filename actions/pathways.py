"""Training pathways: one named pathway's answer, or the overview when none is named."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.entities import latest_entity


class ActionPathwayDetails(Action):
    def name(self) -> Text:
        return "action_pathway_details"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        pathway = latest_entity(tracker, "pathway")
        response = f"utter_pathway_{pathway}" if pathway else "utter_training_pathways"
        if response not in domain.get("responses", {}):
            response = "utter_training_pathways"
        dispatcher.utter_message(response=response)
        return []
