"""Membership fees, read from the database on every request."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import db
from actions.entities import latest_entity
from actions.formatting import (
    dues_past_training,
    fee_answer,
    fee_table,
    join_answer,
    registration_answer,
)
from bot.nlp.patterns import canonical

SLOT = "membership_category"
UNAVAILABLE = "utter_fees_unavailable"
# Members past training, whose dues the knowledge does not give.
PAST_TRAINING = re.compile(
    r"\b(attendings?|in practice|practicing|practising|full member|active member|"
    r"associate member|retired|emeritus|faculty|staff (ir|radiologist))\b",
    re.IGNORECASE,
)


def remembered_category(tracker: Tracker) -> Optional[str]:
    """The category the user gave earlier in the conversation."""
    return canonical(SLOT, tracker.get_slot(SLOT))


class ActionMembershipFee(Action):
    """The fee for the user's category; asks with buttons when the category is unknown."""

    def name(self) -> Text:
        return "action_membership_fee"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        said = latest_entity(tracker, SLOT)  # in this message; else the remembered one
        if said is None and PAST_TRAINING.search(tracker.latest_message.get("text") or ""):
            ok, categories = await db.read_or_apologise(
                dispatcher, UNAVAILABLE, db.memberships().list
            )
            if ok and categories is not None:
                dispatcher.utter_message(text=dues_past_training(categories))
            return []
        slug = said or remembered_category(tracker)
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
    """All in-training categories, who each is for, and their current fees."""

    def name(self) -> Text:
        return "action_membership_categories"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        ok, categories = await db.read_or_apologise(dispatcher, UNAVAILABLE, db.memberships().list)
        if not ok or categories is None:
            return []
        dispatcher.utter_message(
            text="SIR's in-training membership categories:\n"
            + fee_table(categories, eligibility=True),
            buttons=[{"title": "How do I join?", "payload": "/join_sir"}],
        )
        return []


EVENT_ACTIONS = ("action_event_details", "action_upcoming_events")
MEMBERSHIP_WORDS = re.compile(r"\b(sir|society|member|membership|join)\b", re.IGNORECASE)


def asked_about_event(tracker: Tracker) -> Optional[str]:
    """The event just discussed, when "how do I register?" follows an event answer."""
    text = tracker.latest_message.get("text") or ""
    if MEMBERSHIP_WORDS.search(text) or not tracker.get_slot("event"):
        return None
    actions = [e.get("name") for e in tracker.events if e.get("event") == "action"]
    previous = [name for name in actions if name not in ("action_listen", None)]
    if previous and previous[-1] in EVENT_ACTIONS:
        return str(tracker.get_slot("event"))
    return None


class ActionJoinSir(Action):
    """How to join, with the current fees; or, right after an event, how to register for it."""

    def name(self) -> Text:
        return "action_join_sir"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        slug = asked_about_event(tracker)
        if slug:
            ok, event = await db.read_or_apologise(
                dispatcher, "utter_events_unavailable", db.events().get, slug
            )
            if ok and event is not None:
                dispatcher.utter_message(text=registration_answer(event))
                return []
        ok, categories = await db.read_or_apologise(dispatcher, UNAVAILABLE, db.memberships().list)
        if not ok or categories is None:
            return []
        dispatcher.utter_message(
            text=join_answer(categories),
            buttons=[{"title": "The RFS Section", "payload": "/rfs_section"}],
        )
        return []
