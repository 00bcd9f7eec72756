"""Read canonical entity values from a tracker, whatever wording the user chose."""

from __future__ import annotations

from typing import Optional

from rasa_sdk import Tracker

from bot.nlp.patterns import canonical, find


def latest_entity(tracker: Tracker, entity: str) -> Optional[str]:
    """The canonical value of `entity` in the latest message, or None.

    Values come from the entity ruler ("PGY-3") or button payloads ("resident-in-training");
    both map to the slug. Failing that, the text itself is searched for a known phrase.
    """
    for found in tracker.latest_message.get("entities", []) or []:
        if found.get("entity") == entity:
            value = canonical(entity, found.get("value"))
            if value:
                return value
    return find(entity, tracker.latest_message.get("text") or "")
