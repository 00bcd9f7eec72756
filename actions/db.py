"""Database access for async actions: repository calls run in a worker thread.

The action server's event loop must never wait on database I/O, so every call goes
through `run`, which uses a thread. Each repository call opens and closes its own session.
"""
from __future__ import annotations

import asyncio
import logging
import os
from datetime import date
from typing import Callable, TypeVar

from bot.db.repositories import EventRepository, MembershipRepository

logger = logging.getLogger(__name__)
T = TypeVar("T")


async def run(call: Callable[..., T], *args: object) -> T:
    return await asyncio.to_thread(call, *args)


def memberships() -> MembershipRepository:
    return MembershipRepository()


def events() -> EventRepository:
    return EventRepository()


def today() -> date:
    """Today's date; BOT_TODAY (YYYY-MM-DD) pins it for demos and tests."""
    pinned = os.environ.get("BOT_TODAY")
    return date.fromisoformat(pinned) if pinned else date.today()
