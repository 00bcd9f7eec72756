"""Events: the upcoming ones, and the details of one. Read from the database every time."""

from __future__ import annotations

import abc
import re
from datetime import date
from typing import Any, Dict, List, Optional, Sequence, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import db, links
from actions.entities import latest_entity
from actions.formatting import event_details, registration_answer, upcoming, upcoming_answer
from bot import settings
from bot.db.records import EventRecord
from bot.event_names import best_match
from bot.nlp.patterns import canonical

UNAVAILABLE = "utter_events_unavailable"
SLOT = "event"
REGISTER = re.compile(r"\b(register|registration|sign(ing)? up|enrol+)\b", re.IGNORECASE)


def match_by_name(events: Sequence[EventRecord], text: str) -> Optional[EventRecord]:
    """The event whose name shares the most distinctive words with the text, if any.

    Finds events staff added after the NLU patterns were written (bot/event_names.py).
    """
    return best_match(((e, e.name) for e in events), text)


def choose_event(
    events: Sequence[EventRecord], kind: Optional[str], text: str, slugs: Sequence[str] = ()
) -> Optional[EventRecord]:
    """The event the user asked about: by id (buttons), by kind (the entity), else by name."""
    for event in events:
        if event.slug in slugs:
            return event
    if kind:
        of_kind = [e for e in events if e.kind == kind]
        # Prefer the recurring entry (it describes the series), else the newest edition.
        recurring = [e for e in of_kind if e.start_date is None]
        if recurring:
            return recurring[0]
        if of_kind:
            return max(of_kind, key=lambda e: e.start_date or date.min)
    return match_by_name(events, text)


class EventsAction(Action, abc.ABC):
    """Reads every event from the database, then lets the subclass answer from them.

    Abstract, so the action server does not register it as an action of its own.
    """

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        ok, events = await db.read_or_apologise(dispatcher, UNAVAILABLE, db.events().list)
        if ok and events is not None:
            return self.answer(dispatcher, tracker, events, settings.today()) or []
        return []

    @abc.abstractmethod
    def answer(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        events: List[EventRecord],
        today: date,
    ) -> Optional[List[Dict[Text, Any]]]:
        """Send the answer built from `events`; return the events to record, if any."""


class ActionUpcomingEvents(EventsAction):
    def name(self) -> Text:
        return "action_upcoming_events"

    def answer(self, dispatcher, tracker, events, today) -> None:
        dated, recurring = upcoming(events, today)
        buttons = [
            {"title": e.name, "payload": f'/event_details{{"event":"{e.slug}"}}'}
            for e in (dated + recurring)[:5]
        ]
        dispatcher.utter_message(text=upcoming_answer(events, today), buttons=buttons)


class ActionEventDetails(EventsAction):
    def name(self) -> Text:
        return "action_event_details"

    def answer(self, dispatcher, tracker, events, today) -> List[Dict[Text, Any]]:
        text = tracker.latest_message.get("text") or ""
        kind = latest_entity(tracker, "event")
        raw = [str(e.get("value")) for e in tracker.latest_message.get("entities") or []]
        event = choose_event(events, kind, text, raw)
        if event is None and tracker.get_slot(SLOT):  # a follow-up: "when is it?"
            remembered = str(tracker.get_slot(SLOT))
            event = choose_event(events, canonical(SLOT, remembered), "", [remembered])
        if event is None:
            ask = (
                f"To join SIR, use [Join SIR]({links.JOIN_SIR}). To register for an event, "
                "tell me which one:\n"
                if REGISTER.search(text)
                else "I'm not sure which event you mean. Here is what I know of:\n"
            )
            dispatcher.utter_message(text=ask + upcoming_answer(events, today))
            return []
        if REGISTER.search(text):
            dispatcher.utter_message(text=registration_answer(event))
        else:
            related = [e for e in events if e.kind == event.kind and e.slug != event.slug]
            dispatcher.utter_message(text=event_details(event, related, today))
        return [SlotSet(SLOT, event.slug)]
