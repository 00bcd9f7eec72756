"""Database access for async actions: repository calls run in a worker thread.

The action server's event loop must never wait on database I/O, so every call goes
through `run`, which uses a thread. Each repository call opens and closes its own session.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Callable, Optional, Tuple, TypeVar

from rasa_sdk.executor import CollectingDispatcher

from bot.db.repositories import EventRepository, MembershipRepository

logger = logging.getLogger(__name__)
T = TypeVar("T")


async def run(call: Callable[..., T], *args: object) -> T:
    return await asyncio.to_thread(call, *args)


async def read_or_apologise(
    dispatcher: CollectingDispatcher, apology: str, call: Callable[..., T], *args: Any
) -> Tuple[bool, Optional[T]]:
    """(True, result), or (False, None) after sending `apology` when the database fails.

    A database that is down gets the user a polite answer, never silence or a traceback.
    """
    try:
        return True, await run(call, *args)
    except Exception:
        logger.exception("Database read failed: %s", getattr(call, "__qualname__", call))
        dispatcher.utter_message(response=apology)
        return False, None


def memberships() -> MembershipRepository:
    return MembershipRepository()


def events() -> EventRepository:
    return EventRepository()
