"""A SQL tracker store that loads a bounded window of the conversation.

Rasa's SQLTrackerStore reads and replays every event of the current session on each
message, and the policies then featurize that whole history: a reply's cost grows with the
conversation's length (measured here: p50 32 ms on turn 1-50, 173 ms on turn 250-300). Our
policies look back at most a few turns (Memoization max_history 3, single-turn rules), so
this store loads only the latest events, plus the session's earlier slot events so slot
values are kept. Every event is still stored; `retrieve_full_tracker` (the HTTP API,
exports) still returns the whole conversation.
"""

from __future__ import annotations

import json
from itertools import islice
from typing import Any, Iterator, List, Optional, Text

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

# Set on trackers this store loaded: how many of their events are already in the database.
STORED_EVENTS = "_ir_careers_stored_events"
LISTEN = "action_listen"


class WindowedSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose `retrieve` loads at most `window_events` recent events."""

    def __init__(self, *args: Any, window_events: int = 60, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.window_events = int(window_events)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        with self.session_scope() as session:
            query = self._event_query(session, sender_id, fetch_events_from_all_sessions=False)
            newest_first = (
                query.order_by(None)
                .order_by(self.SQLEvent.id.desc())
                .limit(self.window_events + 1)
                .all()
            )
            if not newest_first:
                return None
            rows = list(reversed(newest_first))
            prefix: List[Any] = []
            if len(rows) > self.window_events:
                rows = _from_first_listen(rows[1:])
                prefix = query.filter(
                    self.SQLEvent.type_name == SlotSet.type_name,
                    self.SQLEvent.id < rows[0].id,
                ).all()
            events = [json.loads(row.data) for row in prefix + rows]
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        setattr(tracker, STORED_EVENTS, len(tracker.events))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        if hasattr(tracker, STORED_EVENTS):
            setattr(tracker, STORED_EVENTS, len(tracker.events))

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        stored = getattr(tracker, STORED_EVENTS, None)
        if stored is None:  # a tracker this store did not load: count as Rasa does
            return super()._additional_events(session, tracker)
        return islice(tracker.events, stored, len(tracker.events))


def _from_first_listen(rows: List[Any]) -> List[Any]:
    """Drop a partial turn at the start, so the window begins where the bot listened."""
    for index, row in enumerate(rows):
        if row.type_name == ActionExecuted.type_name and row.action_name == LISTEN:
            return rows[index:]
    return rows
