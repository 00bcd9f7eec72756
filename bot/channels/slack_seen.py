"""Which Slack events were already taken, shared by every Rasa instance.

Slack delivers an event again whenever it thinks a delivery failed (a timeout, an HTTP
error, or for reasons it does not say), and a retry may reach another Rasa instance. Each
event id is claimed once, atomically, in a store all instances share: Redis (SET NX EX)
when REDIS_URL is set, as for the lock store; otherwise a table of the database
(DATABASE_URL), whose primary key refuses a second claim. Claims expire after an hour,
long after Slack's last retry (about five minutes after the first delivery).
"""

from __future__ import annotations

import asyncio
import threading
from datetime import datetime, timedelta
from typing import Optional, Protocol

from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError

from bot import settings
from bot.db.models import SlackSeenEvent
from bot.db.session import get_engine

EXPIRY_SECONDS = 3600
CLEANUP_EVERY = timedelta(minutes=10)
REDIS_PREFIX = "ircareers:slack:event:"


class SeenEvents(Protocol):
    async def claim(self, event_id: str) -> bool:
        """True the first time an event id is claimed (by any instance), False afterwards."""


class RedisSeenEvents:
    """Claims as Redis keys that expire by themselves."""

    def __init__(self, url: str, expiry: int = EXPIRY_SECONDS) -> None:
        from redis.asyncio import Redis

        self.client = Redis.from_url(url)  # connects on first use, in the server's loop
        self.expiry = expiry

    async def claim(self, event_id: str) -> bool:
        return bool(await self.client.set(REDIS_PREFIX + event_id, b"1", nx=True, ex=self.expiry))


class SqlSeenEvents:
    """Claims as rows of `slack_seen_events`; old rows are deleted now and then."""

    def __init__(self, url: Optional[str] = None, expiry: int = EXPIRY_SECONDS) -> None:
        self.url = url
        self.expiry = timedelta(seconds=expiry)
        self._last_cleanup = datetime.min
        self._cleanup_lock = threading.Lock()

    async def claim(self, event_id: str) -> bool:
        # The database driver blocks: run it in a worker thread, never on the event loop.
        return await asyncio.to_thread(self._claim, event_id)

    def _claim(self, event_id: str) -> bool:
        now = datetime.utcnow()
        table = SlackSeenEvent.__table__
        try:
            with get_engine(self.url).begin() as connection:
                connection.execute(insert(table).values(event_id=event_id, seen_at=now))
        except IntegrityError:
            return False
        self._forget_old(now)
        return True

    def _forget_old(self, now: datetime) -> None:
        """Delete expired claims, at most once per CLEANUP_EVERY per instance."""
        with self._cleanup_lock:
            if now - self._last_cleanup < CLEANUP_EVERY:
                return
            self._last_cleanup = now
        table = SlackSeenEvent.__table__
        with get_engine(self.url).begin() as connection:
            connection.execute(delete(table).where(table.c.seen_at < now - self.expiry))


def seen_events() -> SeenEvents:
    """The shared store: Redis when REDIS_URL is set, else the database."""
    redis_url = settings.redis_url()
    return RedisSeenEvents(redis_url) if redis_url else SqlSeenEvents(settings.database_url())
