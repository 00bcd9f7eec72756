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
