"""`bot conversations purge`: delete stored conversations past their retention period.

Conversations are personal data: they are kept `settings.RETENTION_DAYS` (90) days unless
the operator chooses otherwise, and this command deletes every tracker-store event older
than that. `bot serve` runs the same purge daily (bot/retention.py); this command is for
doing it now or with another age. It works on TRACKER_STORE_URL, the store Rasa uses.
"""

from __future__ import annotations

import argparse
import re

from bot import settings
from bot.cli.common import Commands, command, group
from bot.errors import BadInput, StaffError
from bot.retention import purge

AGE = re.compile(r"^(\d+)\s*([dh])$")


def age_seconds(text: str) -> float:
    """'90d' or '12h' as seconds."""
    match = AGE.match(text.strip().lower())
    if not match or int(match.group(1)) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not an age; use e.g. 90d or 12h")
    return int(match.group(1)) * (86400 if match.group(2) == "d" else 3600)


def conversations_purge(args: argparse.Namespace) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    try:
        older_than = args.older_than or settings.retention_days() * 86400
    except ValueError as error:
        raise BadInput(str(error)) from None
    try:
        deleted = purge(settings.tracker_store_url(), older_than)
    except SQLAlchemyError as error:
        raise StaffError(f"could not purge the tracker store: {error.orig or error}") from None
    days = older_than / 86400
    print(f"Deleted {deleted} conversation event(s) older than {days:g} days.")


def add_subparser(commands: Commands) -> None:
    conversations = group(commands, "conversations", "Stored conversations (personal data).")
    p = command(
        conversations,
        "purge",
        conversations_purge,
        "Delete conversation events older than an age now (`bot serve` does it daily).",
    )
    p.add_argument(
        "--older-than",
        type=age_seconds,
        default=None,
        metavar="AGE",
        help=f"e.g. 90d or 12h (default: BOT_RETENTION_DAYS, {settings.RETENTION_DAYS}d)",
    )
