"""`bot conversations purge`: old conversation events go, recent ones stay (both databases)."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from rasa.core.tracker_store import create_tracker_store
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy import create_engine, text

from bot.cli.conversations import age_seconds
from bot.retention import DAY, DailyPurge
from bot.endpoints import tracker_store

BOT = str(Path(sys.executable).with_name("bot"))


def test_purge_deletes_only_events_past_the_age(db_url: str) -> None:
    import asyncio

    store = create_tracker_store(EndpointConfig.from_dict(tracker_store(db_url)), Domain.empty())
    now = time.time()
    tracker = DialogueStateTracker("old", [])
    tracker.update(UserUttered("my name is Alice", timestamp=now - 91 * 86400))
    asyncio.run(store.save(tracker))
    tracker = DialogueStateTracker("new", [])
    tracker.update(UserUttered("hello", timestamp=now - 89 * 86400))
    asyncio.run(store.save(tracker))
    store.engine.dispose()

    result = subprocess.run([BOT, "conversations", "purge", "--older-than", "90d"],
                            env={"TRACKER_STORE_URL": db_url, "PATH": "/usr/bin:/bin"},
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Deleted 1 conversation event(s) older than 90 days." in result.stdout
    engine = create_engine(db_url, future=True)
    with engine.connect() as connection:
        senders = connection.execute(text("SELECT sender_id FROM events")).scalars().all()
    engine.dispose()
    assert senders == ["new"]


def test_ages() -> None:
    assert age_seconds("90d") == 90 * 86400 and age_seconds("12h") == 12 * 3600
    import argparse

    for bad in ("90", "0d", "-1d", "3w"):
        with pytest.raises(argparse.ArgumentTypeError):
            age_seconds(bad)


def old_and_new(db_url: str) -> None:
    import asyncio

    store = create_tracker_store(EndpointConfig.from_dict(tracker_store(db_url)), Domain.empty())
    now = time.time()
    for sender, age_days in (("old", 91), ("new", 89)):
        tracker = DialogueStateTracker(sender, [])
        tracker.update(UserUttered("hello", timestamp=now - age_days * DAY))
        asyncio.run(store.save(tracker))
    store.engine.dispose()


def test_bot_serve_purges_daily_in_the_background_and_reports_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    old_and_new(url)
    lines: list = []
    clock = [1000.0]
    retention = DailyPurge(url, 90, lines.append, clock=lambda: clock[0])
    retention.tick()  # at start-up
    retention.thread.join(10)  # type: ignore[union-attr]
    assert lines == ["==> Retention: deleted 1 conversation event(s) older than 90 days"]
    old_and_new(url)
    clock[0] += DAY - 1
    retention.tick()  # not yet a day
    assert not retention.thread.is_alive() and len(lines) == 1  # type: ignore[union-attr]
    clock[0] += 1
    retention.tick()
    retention.thread.join(10)  # type: ignore[union-attr]
    assert len(lines) == 2


def test_a_database_that_is_down_is_reported_and_serving_goes_on() -> None:
    lines: list = []
    retention = DailyPurge("postgresql://postgres@127.0.0.1:1/none", 90, lines.append)
    retention.tick()
    retention.thread.join(30)  # type: ignore[union-attr]
    assert len(lines) == 1 and lines[0].startswith("==> Retention: could not purge"), lines


def test_the_retention_period_comes_from_the_environment(monkeypatch) -> None:
    from bot import settings

    monkeypatch.setenv("BOT_RETENTION_DAYS", "30")
    assert settings.retention_days() == 30
    monkeypatch.delenv("BOT_RETENTION_DAYS")
    assert settings.retention_days() == 90
    monkeypatch.setenv("BOT_RETENTION_DAYS", "soon")
    with pytest.raises(ValueError, match="BOT_RETENTION_DAYS"):
        settings.retention_days()
    result = subprocess.run([BOT, "conversations", "purge"], capture_output=True, text=True,
                            env={"BOT_RETENTION_DAYS": "0", "PATH": "/usr/bin:/bin",
                                 "TRACKER_STORE_URL": "sqlite:////nonexistent/x.db"})
    assert result.returncode != 0 and "BOT_RETENTION_DAYS must be" in result.stderr
    assert "Traceback" not in result.stderr
