"""Database access for async actions: repository calls run in a worker thread.

The action server's event loop must never wait on database I/O, so every call goes
through `run`, which uses a thread. Each repository call opens and closes its own session.
`run` also gives up after settings.db_timeout() (on top of the driver's own connect and
statement timeouts): a database that accepts connections but never answers still gets the
user the apology in time, never silence.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Callable, Optional, Tuple, TypeVar

from rasa_sdk.executor import CollectingDispatcher

from bot import settings
from bot.db.repositories import EventRepository, MembershipRepository

logger = logging.getLogger(__name__)
T = TypeVar("T")


async def run(call: Callable[..., T], *args: object) -> T:
    return await asyncio.wait_for(asyncio.to_thread(call, *args), settings.db_timeout() + 0.5)


async def read_or_apologise(
    dispatcher: CollectingDispatcher, apology: str, call: Callable[..., T], *args: Any
) -> Tuple[bool, Optional[T]]:
    """(True, result), or (False, None) after sending `apology` when the database fails.

    A database that is down gets the user a polite answer, never silence or a traceback.
    """
    try:
        return True, await run(call, *args)
    except Exception as error:  # one line, no traceback: an outage would flood the log
        logger.error(
            "Database read failed: %s: %s",
            getattr(call, "__qualname__", call),
            str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__,
        )
        dispatcher.utter_message(response=apology)
        return False, None


def memberships() -> MembershipRepository:
    return MembershipRepository()


def events() -> EventRepository:
    return EventRepository()
