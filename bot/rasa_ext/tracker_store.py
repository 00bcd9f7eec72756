"""A SQL tracker store that loads a bounded window of the conversation.

Rasa's SQLTrackerStore reads and replays every event of the current session on each
message, and the policies then featurize that whole history: a reply's cost grows with the
conversation's length (measured here: p50 32 ms on turn 1-50, 173 ms on turn 250-300). Our
policies look back at most a few turns (Memoization max_history 3, single-turn rules), so
this store loads only the latest events, plus the session's earlier slot events so slot
values are kept. Every event is still stored; `retrieve_full_tracker` (the HTTP API,
exports) still returns the whole conversation.

Also, for a server that many people use at once:
- the database work runs in a worker thread, so Rasa's event loop never waits on it;
- Rasa's `session_scope` turns any ValueError into `sys.exit` (meant for a missing
  PostgreSQL schema); psycopg2 raises ValueError for a NUL character, so one request could
  stop the server. Here such an error fails that one message only;
- a `postgres://` URL (Heroku style) is accepted;
- on SQLite (the embedded default) the database is in WAL mode with `synchronous=NORMAL`:
  a commit no longer waits for the disk (0.8 ms of each message here), readers (the staff
  console) never block the server, and a crash loses no committed turn (a power cut may
  lose the last ones, never the file's consistency);
- Rasa creates the tables once, at start-up, and only logs "Could not create tables" when
  the database is down then (Rasa answers from memory meanwhile): the tables would never
  appear and every later message would fail. Here they are created on first use too.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from itertools import islice
from typing import Any, Generator, Iterator, List, Optional, Text

import sqlalchemy.event
from rasa.core.tracker_store import SQLTrackerStore, ensure_schema_exists
from rasa.shared.core.events import ActionExecuted, AllSlotsReset, Restarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

# Set on trackers this store loaded: how many of their events are already in the database.
STORED_EVENTS = "_ir_careers_stored_events"
LISTEN = "action_listen"
# Events before the window that still decide slot values when the tracker is replayed.
SLOT_HISTORY = (SlotSet.type_name, Restarted.type_name, AllSlotsReset.type_name)


class WindowedSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose `retrieve` loads at most `window_events` recent events."""

    def __init__(self, *args: Any, window_events: int = 60, **kwargs: Any) -> None:
        host = kwargs.get("host")
        if isinstance(host, str) and host.startswith("postgres://"):
            kwargs["host"] = "postgresql://" + host[len("postgres://") :]
        super().__init__(*args, **kwargs)
        self.window_events = int(window_events)
        if self.engine.dialect.name == "sqlite":
            sqlalchemy.event.listen(self.engine, "connect", _sqlite_wal)
            self.engine.dispose()  # connections opened by Rasa's set-up get the pragmas too
        self._tables_checked = False
        self._tables_lock = threading.Lock()

    def _ensure_tables(self) -> None:
        """Create the tables if Rasa could not at start-up (once per process)."""
        if self._tables_checked:
            return
        with self._tables_lock:
            if not self._tables_checked:
                self.Base.metadata.create_all(self.engine)  # checkfirst: a no-op if present
                self._tables_checked = True

    @contextlib.contextmanager
    def session_scope(self) -> Generator[Any, None, None]:
        """Rasa's session scope, without its `sys.exit` on any ValueError."""
        self._ensure_tables()
        session = self.sessionmaker()
        try:
            ensure_schema_exists(session)
        except ValueError as error:
            session.close()
            raise RuntimeError(f"PostgreSQL schema '{error}' was not found") from None
        try:
            yield session
        finally:
            session.close()

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        return await asyncio.to_thread(self._retrieve_window, sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        await asyncio.to_thread(self._save_new_events, tracker)
        if hasattr(tracker, STORED_EVENTS):
            setattr(tracker, STORED_EVENTS, len(tracker.events))

    def _save_new_events(self, tracker: DialogueStateTracker) -> None:
        """The database half of SQLTrackerStore.save (its event-broker half runs on the loop)."""
        with self.session_scope() as session:
            for event in self._additional_events(session, tracker):
                data = event.as_dict()
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=data.get("parse_data", {}).get("intent", {}).get("name"),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()

    def _retrieve_window(self, sender_id: Text) -> Optional[DialogueStateTracker]:
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
                    self.SQLEvent.type_name.in_(SLOT_HISTORY),
                    self.SQLEvent.id < rows[0].id,
                ).all()
            events = [json.loads(row.data) for row in prefix + rows]
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        setattr(tracker, STORED_EVENTS, len(tracker.events))
        return tracker

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        stored = getattr(tracker, STORED_EVENTS, None)
        if stored is None:  # a tracker this store did not load: count as Rasa does
            return super()._additional_events(session, tracker)
        return islice(tracker.events, stored, len(tracker.events))


def _sqlite_wal(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _from_first_listen(rows: List[Any]) -> List[Any]:
    """Drop a partial turn at the start, so the window begins where the bot listened."""
    for index, row in enumerate(rows):
        if row.type_name == ActionExecuted.type_name and row.action_name == LISTEN:
            return rows[index:]
    return rows
