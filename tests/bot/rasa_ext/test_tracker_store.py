"""The windowed tracker store on a real SQLite database."""
from __future__ import annotations

import pytest
from rasa.core.tracker_store import SQLTrackerStore, create_tracker_store
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.utils.endpoints import EndpointConfig
from rasa.shared.core.trackers import DialogueStateTracker

from bot.endpoints import tracker_store
from bot.rasa_ext.tracker_store import WindowedSQLTrackerStore
from bot.settings import PROJECT_ROOT

pytestmark = pytest.mark.asyncio


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "domain.yml"))


@pytest.fixture
def store(db_url: str, domain: Domain):
    """A windowed store on each database kind, configured as `bot serve` configures it."""

    def make(window: int = 12) -> WindowedSQLTrackerStore:
        settings = {**tracker_store(db_url), "window_events": window}
        # Built by Rasa's own factory from the endpoint settings, as `rasa run` builds it.
        made = create_tracker_store(EndpointConfig.from_dict(settings), domain)
        assert isinstance(made, WindowedSQLTrackerStore)
        return made

    return make


def turn(i: int) -> list:
    return [
        UserUttered(f"question {i}", {"name": "what_is_ir", "confidence": 1.0}),
        ActionExecuted("utter_what_is_ir"),
        BotUttered(f"answer {i}"),
        ActionExecuted("action_listen"),
    ]


async def conversation(tracker_store: WindowedSQLTrackerStore, turns: int) -> None:
    tracker = DialogueStateTracker("alice", tracker_store.domain.slots)
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(SlotSet("membership_category", "resident-in-training"))
    for i in range(turns):
        for event in turn(i):
            tracker.update(event)
    await tracker_store.save(tracker)


async def test_a_long_conversation_loads_only_a_window(store) -> None:
    tracker_store = store()
    await conversation(tracker_store, 50)
    tracker = await tracker_store.retrieve("alice")
    assert len(tracker.events) <= 12 + 1  # the window plus the earlier slot event
    assert tracker.latest_message.text == "question 49"
    assert tracker.get_slot("membership_category") == "resident-in-training"
    first_non_slot = next(e for e in tracker.events if not isinstance(e, SlotSet))
    assert isinstance(first_non_slot, ActionExecuted) and first_non_slot.action_name == "action_listen"


async def test_saving_a_windowed_tracker_appends_only_new_events(store) -> None:
    tracker_store = store()
    await conversation(tracker_store, 50)
    tracker = await tracker_store.retrieve("alice")
    for event in turn(50):
        tracker.update(event)
    await tracker_store.save(tracker)
    await tracker_store.save(tracker)  # saving twice stores nothing twice
    full = await tracker_store.retrieve_full_tracker("alice")
    assert len(full.events) == 4 + 51 * 4
    texts = [e.text for e in full.events if isinstance(e, UserUttered)]
    assert texts == [f"question {i}" for i in range(51)]


async def test_a_short_conversation_is_loaded_whole(store) -> None:
    tracker_store = store(window=100)
    await conversation(tracker_store, 3)
    ours = await tracker_store.retrieve("alice")
    rasas = await SQLTrackerStore.retrieve(tracker_store, "alice")  # Rasa's own, unwindowed
    assert [e.as_dict() for e in ours.events] == [e.as_dict() for e in rasas.events]
    assert await tracker_store.retrieve("nobody") is None


async def test_a_restart_before_the_window_still_clears_slots(store) -> None:
    tracker_store = store()
    await conversation(tracker_store, 2)  # sets membership_category
    tracker = await tracker_store.retrieve("alice")
    tracker.update(Restarted())
    for i in range(20):  # the restart falls far outside the 12-event window
        for event in turn(100 + i):
            tracker.update(event)
    await tracker_store.save(tracker)
    again = await tracker_store.retrieve("alice")
    assert len(again.events) < 20
    assert again.get_slot("membership_category") is None


async def test_a_nul_in_a_sender_fails_that_save_only(store) -> None:
    """PostgreSQL refuses NUL; Rasa turned that ValueError into sys.exit (the server died)."""
    tracker_store = store()
    tracker = DialogueStateTracker("x\u0000", tracker_store.domain.slots)
    tracker.update(UserUttered("hi", {"name": "greet", "confidence": 1.0}))
    try:
        await tracker_store.save(tracker)
    except Exception:
        pass  # refused (PostgreSQL): an ordinary error for that one message
    await conversation(tracker_store, 1)  # the store goes on working
    assert (await tracker_store.retrieve("alice")).latest_message.text == "question 0"


async def test_a_database_that_comes_up_after_start_up_gets_its_tables(domain: Domain) -> None:
    """Rasa creates the tables only at start-up; a database down then got none, ever."""
    import uuid

    import psycopg2
    from sqlalchemy.engine import make_url

    from tests.conftest import POSTGRES_ADMIN_URL, _postgres_database

    next(_postgres_database(), None)  # skips here when PostgreSQL is not reachable
    admin = make_url(POSTGRES_ADMIN_URL)
    name = f"ir_careers_later_{uuid.uuid4().hex[:10]}"
    url = admin.set(database=name).render_as_string(hide_password=False)
    settings = tracker_store(url)
    made = create_tracker_store(EndpointConfig.from_dict(settings), domain)  # database missing
    assert isinstance(made, WindowedSQLTrackerStore)
    connection = psycopg2.connect(host=admin.host, port=admin.port or 5432, user=admin.username,
                                  dbname=admin.database, connect_timeout=3)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')  # the database is up now
        await conversation(made, 3)
        tracker = await made.retrieve("alice")
        assert tracker is not None and tracker.latest_message.text == "question 2"
    finally:
        made.engine.dispose()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = %s", (name,))
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.close()


async def test_sqlite_conversations_are_kept_in_wal_mode(tmp_path, domain: Domain) -> None:
    import sqlite3

    path = tmp_path / "tracker.db"
    made = create_tracker_store(EndpointConfig.from_dict(tracker_store(f"sqlite:///{path}")),
                                domain)
    await conversation(made, 2)
    with made.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    made.engine.dispose()
    with sqlite3.connect(path) as reader:  # kept in the file, for every later reader
        assert reader.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert reader.execute("SELECT COUNT(*) FROM events WHERE sender_id = 'alice'").fetchone()[0] > 0
