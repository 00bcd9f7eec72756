"""What the command groups share: sub-command declaration and small argument types."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any, Callable

from sqlalchemy.engine import make_url

from bot import settings

Commands = Any  # argparse's private _SubParsersAction


def group(commands: Commands, name: str, help_text: str) -> Commands:
    """A command group (`bot fees ...`) whose actions are declared with `command`."""
    sub = commands.add_parser(name, help=help_text, description=help_text)
    return sub.add_subparsers(dest="action", metavar="ACTION", required=True)


def command(
    parent: Commands,
    name: str,
    func: Callable[[argparse.Namespace], None],
    help_text: str,
    **kwargs: Any,
) -> argparse.ArgumentParser:
    sub = parent.add_parser(name, help=help_text, description=help_text, **kwargs)
    sub.set_defaults(func=func)
    return sub


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date; use YYYY-MM-DD, e.g. 2027-03-20"
        ) from None


def safe_database_url() -> str:
    """DATABASE_URL as it may be shown: without its password."""
    return make_url(settings.database_url()).render_as_string(hide_password=True)
