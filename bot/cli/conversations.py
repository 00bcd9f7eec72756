"""`bot conversations purge`: delete stored conversations past their retention period.

Conversations are personal data: they are kept `settings.RETENTION_DAYS` (90) days unless
the operator chooses otherwise, and this command deletes every tracker-store event older
than that (run it daily, e.g. from cron). It works on TRACKER_STORE_URL, the store Rasa uses.
"""

from __future__ import annotations

import argparse
import re
import time

from bot import settings
from bot.cli.common import Commands, command, group
from bot.errors import StaffError

AGE = re.compile(r"^(\d+)\s*([dh])$")


def age_seconds(text: str) -> float:
    """'90d' or '12h' as seconds."""
    match = AGE.match(text.strip().lower())
    if not match or int(match.group(1)) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not an age; use e.g. 90d or 12h")
    return int(match.group(1)) * (86400 if match.group(2) == "d" else 3600)


def purge(url: str, older_than_seconds: float, now: float | None = None) -> int:
    """Delete events older than the given age; returns how many were deleted."""
    from sqlalchemy import create_engine, inspect, text

    from bot.db.session import connect_args

    engine = create_engine(url, future=True, connect_args=connect_args(_backend(url)))
    try:
        if not inspect(engine).has_table("events"):
            return 0
        cutoff = (now if now is not None else time.time()) - older_than_seconds
        with engine.begin() as connection:
            result = connection.execute(
                text("DELETE FROM events WHERE timestamp < :cutoff"), {"cutoff": cutoff}
            )
            return int(result.rowcount or 0)
    finally:
        engine.dispose()


def _backend(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).get_backend_name()


def conversations_purge(args: argparse.Namespace) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    try:
        deleted = purge(settings.tracker_store_url(), args.older_than)
    except SQLAlchemyError as error:
        raise StaffError(f"could not purge the tracker store: {error.orig or error}") from None
    days = args.older_than / 86400
    print(f"Deleted {deleted} conversation event(s) older than {days:g} days.")


def add_subparser(commands: Commands) -> None:
    conversations = group(commands, "conversations", "Stored conversations (personal data).")
    p = command(
        conversations,
        "purge",
        conversations_purge,
        "Delete conversation events older than an age (default: the 90-day retention).",
    )
    p.add_argument(
        "--older-than",
        type=age_seconds,
        default=settings.RETENTION_DAYS * 86400,
        metavar="AGE",
        help=f"e.g. 90d or 12h (default {settings.RETENTION_DAYS}d)",
    )
