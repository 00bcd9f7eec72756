"""Errors meant for staff: each message says what went wrong and what to do.

The command line (and later a web page) shows them as one clear line instead of a
traceback; anything else is a bug.
"""

from __future__ import annotations


class StaffError(Exception):
    """Something staff asked for cannot be done; the message says why and what to do."""


class BadInput(StaffError, ValueError):
    """A value staff gave is not acceptable (a fee, a date, an example, a name)."""


class ServerUnreachable(StaffError):
    """A Rasa server could not be reached or refused a request."""


class ReleaseRefused(StaffError):
    """The release gate refused a model (it answers worse than the released one)."""


def first_line(error: BaseException) -> str:
    """An error's first line (a database driver's own message when wrapped), for one-line
    reports in server output."""
    orig = getattr(error, "orig", None) or error
    text = str(orig).strip()
    return text.splitlines()[0] if text else type(orig).__name__
