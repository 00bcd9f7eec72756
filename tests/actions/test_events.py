"""Event actions on a real database: today's date decides what is upcoming."""
from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest

from actions import db
from actions.events import ActionEventDetails, ActionUpcomingEvents
from bot.db.repositories import EventRepository
from tests.actions.conftest import make_tracker, run_action

pytestmark = pytest.mark.asyncio
TODAY = date.today()


def event_entity(value: str) -> dict:
    return {"entity": "event", "value": value, "extractor": "SpacyEntityExtractor"}


async def test_passed_events_are_never_upcoming(migrated_db: str, domain: dict) -> None:
    repo = EventRepository()
    repo.add(slug="past-course", name="Past course", kind="course",
             start_date=TODAY - timedelta(days=10), end_date=TODAY - timedelta(days=9))
    repo.add(slug="future-course", name="Future course", kind="course",
             start_date=TODAY + timedelta(days=30), location="Testville")
    repo.add(slug="ends-today", name="Ends today course", kind="course",
             start_date=TODAY - timedelta(days=2), end_date=TODAY)
    messages, _ = await run_action(ActionUpcomingEvents(), make_tracker(), domain)
    text = messages[0]["text"]
    assert "Past course" not in text
    assert "SIR 2024" not in text  # seeded, and long past
    assert "Future course" in text and "Testville" in text
    assert "Ends today course" in text
    assert text.index("Ends today course") < text.index("Future course")
    assert "IR Residency Spring Practicum** — every May or early June" in text
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert "Future course" in titles and "Past course" not in titles


async def test_pinned_today_makes_an_event_past(
    migrated_db: str, domain: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    EventRepository().add(slug="soon", name="Soon course", kind="course",
                          start_date=TODAY + timedelta(days=5))
    monkeypatch.setenv("BOT_TODAY", (TODAY + timedelta(days=6)).isoformat())
    messages, _ = await run_action(ActionUpcomingEvents(), make_tracker(), domain)
    assert "Soon course" not in messages[0]["text"]


async def test_details_of_the_practicum(migrated_db: str, domain: dict) -> None:
    tracker = make_tracker("when is the spring practicum", "event_details",
                           [event_entity("spring practicum")])
    messages, _ = await run_action(ActionEventDetails(), tracker, domain)
    text = messages[0]["text"]
    assert "every May or early June" in text
    assert "graduating PGY-6 or PGY-7" in text
    assert "not confirmed yet" in text


async def test_annual_meeting_shows_the_next_dated_edition(migrated_db: str, domain: dict) -> None:
    start = TODAY + timedelta(days=100)
    EventRepository().add(slug="sir-next", name="SIR Next Annual Meeting", kind="annual-meeting",
                          start_date=start, end_date=start + timedelta(days=4), location="Testburg")
    tracker = make_tracker("when is the annual meeting", "event_details",
                           [event_entity("annual meeting")])
    messages, _ = await run_action(ActionEventDetails(), tracker, domain)
    text = messages[0]["text"]
    assert "Next edition:" in text and "Testburg" in text
    assert "SIR 2024" not in text


async def test_annual_meeting_without_a_new_edition_mentions_the_last_one(
    migrated_db: str, domain: dict
) -> None:
    tracker = make_tracker("sir 2024?", "event_details", [event_entity("SIR 2024")])
    messages, _ = await run_action(ActionEventDetails(), tracker, domain)
    text = messages[0]["text"]
    assert "took place March 23–28, 2024" in text and "Salt Lake City" in text


async def test_an_event_staff_added_is_found_by_name(migrated_db: str, domain: dict) -> None:
    EventRepository().add(slug="women-in-ir-mixer", name="Women in IR Mixer", kind="social",
                          recurrence="every autumn", is_virtual=True)
    tracker = make_tracker("tell me about the women in IR mixer", "event_details")
    messages, _ = await run_action(ActionEventDetails(), tracker, domain)
    assert messages[0]["text"].startswith("- **Women in IR Mixer** — every autumn — virtual")


async def test_button_payload_names_the_event_by_id(migrated_db: str, domain: dict) -> None:
    tracker = make_tracker('/event_details{"event":"rfs-webinars"}', "event_details",
                           [{"entity": "event", "value": "rfs-webinars"}])
    messages, _ = await run_action(ActionEventDetails(), tracker, domain)
    assert "RFS YouTube IR Education Channel" in messages[0]["text"]


async def test_unknown_event_lists_what_is_known(migrated_db: str, domain: dict) -> None:
    tracker = make_tracker("tell me about the zzz gala", "event_details")
    messages, _ = await run_action(ActionEventDetails(), tracker, domain)
    assert messages[0]["text"].startswith("I'm not sure which event you mean.")


async def test_database_down_gets_a_polite_answer(
    monkeypatch: pytest.MonkeyPatch, domain: dict
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    for action in (ActionUpcomingEvents(), ActionEventDetails()):
        messages, _ = await run_action(action, make_tracker("events"), domain)
        assert [m["response"] for m in messages] == ["utter_events_unavailable"]


async def test_database_calls_run_off_the_event_loop_thread(migrated_db: str) -> None:
    loop_thread = threading.get_ident()
    seen = []

    def query() -> int:
        seen.append(threading.get_ident())
        return len(EventRepository().list())

    assert await db.run(query) == 4
    assert seen and seen[0] != loop_thread
