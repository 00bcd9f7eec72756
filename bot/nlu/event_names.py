"""Recognise events by the names staff gave them, without retraining.

The classifier knows only the events it was trained on; an event staff add later with
`bot events add` ("IR Mock Oral Boards Course") would be answered as whatever its words
resemble (the ABR oral-boards text). This component, last in the NLU pipeline, turns a
message that names a known event (every distinctive word of its name, any case, small
typos) into a question about that event.

Names are read from the database by a background thread at most every few seconds, so
processing a message never waits on the database; a database that is down leaves the
last names known (or none) in place.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Dict, List, Optional, Sequence, Text, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.event_names import named_in

logger = logging.getLogger(__name__)
EVENT_INTENT = "event_details"


class EventNameCache:
    """(slug, name) of every event, refreshed in the background when older than `ttl`."""

    def __init__(self, ttl: float = 5.0) -> None:
        self.ttl = ttl
        self._names: List[Tuple[str, str]] = []
        self._read_at = 0.0
        self._lock = threading.Lock()
        self._refreshing = False

    def names(self) -> Sequence[Tuple[str, str]]:
        if time.monotonic() - self._read_at > self.ttl:
            self._refresh_in_background()
        return self._names

    def _refresh_in_background(self) -> None:
        with self._lock:
            if self._refreshing:
                return
            self._refreshing = True
        threading.Thread(target=self._refresh, name="event-names", daemon=True).start()

    def _refresh(self) -> None:
        try:
            from bot.db.repositories import EventRepository

            self._names = [(e.slug, e.name) for e in EventRepository().list()]
        except Exception as error:  # the database is down: keep the last names known
            logger.debug("Could not read event names: %s", error)
        finally:
            self._read_at = time.monotonic()
            with self._lock:
                self._refreshing = False

    def refresh_now(self) -> None:
        """Read the names in this thread (start-up and tests)."""
        self._refresh()


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class EventNameMatcher(GraphComponent):
    """Makes a message that names a known event a question about that event."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"refresh_seconds": 5.0, "never_override": ["medical_emergency"]}

    def __init__(self, config: Dict[Text, Any], cache: Optional[EventNameCache] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self.cache = cache or EventNameCache(float(self.config["refresh_seconds"]))
        self.cache.names()  # start reading them now, not at the first message

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EventNameMatcher:
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        names = self.cache.names()
        if not names:
            return messages
        for message in messages:
            intent = (message.get(INTENT) or {}).get("name")
            if intent in self.config["never_override"]:
                continue
            slug = named_in(names, message.get(TEXT) or "")
            if slug is None:
                continue
            message.set(INTENT, {"name": EVENT_INTENT, "confidence": 1.0}, add_to_output=True)
            entities = [e for e in message.get(ENTITIES) or [] if e.get("entity") != "event"]
            entities.append(
                {
                    "entity": "event",
                    "value": slug,
                    "extractor": type(self).__name__,
                    "start": 0,
                    "end": 0,
                    "confidence": 1.0,
                }
            )
            message.set(ENTITIES, entities, add_to_output=True)
        return messages
