"""Membership fees, read from the database on every request."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import db
from actions.entities import latest_entity
from actions.formatting import fee_answer, fee_table
from bot.nlp.patterns import canonical

SLOT = "membership_category"
UNAVAILABLE = "utter_fees_unavailable"


def category_of(tracker: Tracker) -> Optional[str]:
    """The user's category: said in this message, else remembered from earlier."""
    return latest_entity(tracker, SLOT) or canonical(SLOT, tracker.get_slot(SLOT))


class ActionMembershipFee(Action):
    """The fee for the user's category; asks with buttons when the category is unknown."""

    def name(self) -> Text:
        return "action_membership_fee"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        slug = category_of(tracker)
        if slug is None:
            dispatcher.utter_message(response="utter_ask_membership_category")
            return []
        ok, category = await db.read_or_apologise(
            dispatcher, UNAVAILABLE, db.memberships().get, slug
        )
        if not ok:
            return []
        if category is None:
            dispatcher.utter_message(response="utter_ask_membership_category")
            return [SlotSet(SLOT, None)]
        dispatcher.utter_message(text=fee_answer(category))
        return [SlotSet(SLOT, slug)]


class ActionMembershipCategories(Action):
    """All in-training categories with their current fees."""

    def name(self) -> Text:
        return "action_membership_categories"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        ok, categories = await db.read_or_apologise(dispatcher, UNAVAILABLE, db.memberships().list)
        if not ok or categories is None:
            return []
        dispatcher.utter_message(
            text="SIR's in-training membership categories:\n" + fee_table(categories),
            buttons=[{"title": "How do I join?", "payload": "/join_sir"}],
        )
        return []
