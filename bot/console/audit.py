"""The audit log: one line per change staff make, from the console or the command line.

Releases and rollbacks are also in the model registry's own history; the log has them too,
so "who changed what" is answered in one place.
"""

from __future__ import annotations

import getpass
import os

from bot.db.staff import AuditLog


def record(actor: str, action: str, target: str = "", details: str = "") -> None:
    AuditLog().record(actor, action, target, details)


def command_line_actor() -> str:
    """Who changes something from the command line: the login name, marked as such."""
    try:
        name = os.environ.get("USER") or getpass.getuser()
    except (KeyError, OSError):
        name = "unknown"
    return f"{name} (command line)"
