"""Changing a parsed message's intent after the classifier, the one way our checks do it."""

from __future__ import annotations

from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message


def reroute(message: Message, intent: str) -> None:
    """The message's intent becomes `intent` at the old confidence; the old ranking stays
    after it (the fallback offers its first entries as the closest topics)."""
    confidence = (message.get(INTENT) or {}).get("confidence", 0.0)
    new = {"name": intent, "confidence": confidence}
    message.set(INTENT, new, add_to_output=True)
    ranking = message.get(INTENT_RANKING_KEY) or []
    message.set(INTENT_RANKING_KEY, [new, *ranking], add_to_output=True)
