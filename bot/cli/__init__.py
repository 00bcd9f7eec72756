"""The `bot` command: staff keep fees and events current and retrain the assistant;
developers set up, train and serve.

A thin layer over the library (bot.db, bot.training, bot.serve), so a web page can call the
same functions. Each command group is a module with `add_subparser(commands)`, the way
Rasa's own CLI is built; errors meant for staff (bot.errors) are shown as one clear line.
"""

from __future__ import annotations

import argparse
import sys
from typing import Optional, Sequence

from sqlalchemy.exc import OperationalError, ProgrammingError

from bot.cli import conversations, events, fees, retraining, setup, staff
from bot.cli.common import safe_database_url
from bot.errors import StaffError

EXAMPLES = """\
examples:
  bot fees list
  bot fees set resident-in-training 50
  bot events list
  bot events add sir-2027 --name "SIR 2027 Annual Scientific Meeting" --kind annual-meeting \\
      --start 2027-03-20 --end 2027-03-25 --location "Boston"
  bot events add women-in-ir-webinar --name "Women in IR webinar" --kind webinar \\
      --recurs "every autumn" --virtual
  bot events remove sir-2027
  bot conversations purge --older-than 90d        # conversations are personal data

Changes show in the assistant's very next answer: no retraining, no restart.
The database is DATABASE_URL (default: a SQLite file under var/).

retraining (new questions; see docs/staff.md):
  bot intent add visa_support --from visa.yml     # or answer the prompts
  bot examples add join_sir "how can I sign up"
  bot examples remove join_sir "how can I sign up"   # take back a wrong one
  bot intent remove visa_support                  # before it is released; asks first
  bot review                                      # questions the assistant was unsure about
  bot check && bot train && bot evaluate
  bot release --by alice --reason "answers visa questions"
  bot rollback

staff console (see the README's "Staff console"):
  bot staff add alice@example.org --role publisher   # asks for the password
  bot staff list
"""

GROUPS = (fees, events, conversations, setup, retraining, staff)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bot",
        description="Manage the IR careers assistant: fees, events, set-up, training, serving.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for group in GROUPS:
        group.add_subparser(commands)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    from bot.rasa_ext.quiet import hide_library_deprecations

    hide_library_deprecations()
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except StaffError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (OperationalError, ProgrammingError) as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        if "no such table" in reason or "does not exist" in reason:
            hint = "the database has no tables yet: run `bot db setup` (or `make run`)."
        else:
            hint = "is the database running and DATABASE_URL right?"
        print(f"error: database {safe_database_url()}: {reason}\n  {hint}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0
