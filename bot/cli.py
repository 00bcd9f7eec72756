"""The `bot` command: staff keep fees and events current; developers set up, train and serve.

A thin layer over the library modules (bot.db, bot.training, bot.serve), so a web page
could call the same functions later.
"""
from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Callable, List, Optional, Sequence

from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError

from bot import settings

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

Changes show in the assistant's very next answer: no retraining, no restart.
The database is DATABASE_URL (default: a SQLite file under var/).
"""


class CliError(Exception):
    """An error to show the user as one clear line, with exit status 2."""


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; use YYYY-MM-DD, e.g. 2027-03-20")


def _safe_url() -> str:
    return make_url(settings.database_url()).render_as_string(hide_password=True)


# --- fees -------------------------------------------------------------------------------

def fees_list(args: argparse.Namespace) -> None:
    from actions.formatting import format_fee
    from bot.db.repositories import MembershipRepository

    categories = MembershipRepository().list()
    if not categories:
        print("No membership categories yet. Run `bot db setup` to seed them.")
        return
    width = max(len(c.slug) for c in categories)
    for c in categories:
        print(f"{c.slug:<{width}}  {c.annual_fee:>9} {c.currency}  ({format_fee(c)})  {c.name}")


def fees_set(args: argparse.Namespace) -> None:
    from actions.formatting import format_fee
    from bot.db.repositories import MembershipRepository

    category = MembershipRepository().set_fee(args.category, args.amount)
    print(f"{category.name} ({category.slug}) is now {format_fee(category)}.")


# --- events -----------------------------------------------------------------------------

def events_list(args: argparse.Namespace) -> None:
    from actions.formatting import event_line, is_upcoming
    from bot.db.repositories import EventRepository

    today = date.today()
    events = EventRepository().list()
    if not args.all:
        events = [e for e in events if e.start_date is None or is_upcoming(e, today)]
    if not events:
        print("No events." if args.all else "No upcoming events (use --all to see past ones).")
    for event in events:
        print(f"{event.slug:<22} {event.kind:<16} {event_line(event, today)[2:].replace('**', '')}")


def events_add(args: argparse.Namespace) -> None:
    from actions.formatting import event_line, is_upcoming
    from bot.db.repositories import EventRepository

    event = EventRepository().add(
        slug=args.slug, name=args.name, kind=args.kind, start_date=args.start,
        end_date=args.end, recurrence=args.recurs, location=args.location,
        is_virtual=args.virtual, audience=args.audience or "", link=args.link,
        description=args.description or "",
    )
    today = date.today()
    print(f"Added {event.slug}: {event_line(event, today)[2:].replace('**', '')}")
    if event.start_date and not is_upcoming(event, today):
        print("Note: this event is in the past, so it is not offered as upcoming.")


def events_remove(args: argparse.Namespace) -> None:
    from bot.db.repositories import EventRepository

    EventRepository().remove(args.slug)
    print(f"Removed {args.slug}.")


# --- set-up, training, serving ----------------------------------------------------------

def db_migrate(args: argparse.Namespace) -> None:
    from bot.db.migrate import upgrade

    upgrade()
    print(f"Database schema up to date ({_safe_url()}).")


def db_seed(args: argparse.Namespace) -> None:
    from bot.db.seed import seed

    added = seed()
    print(
        f"Seeded {added['membership_categories']} membership categories and "
        f"{added['events']} events (existing rows kept)."
    )


def db_setup(args: argparse.Namespace) -> None:
    db_migrate(args)
    db_seed(args)


def nlp_build(args: argparse.Namespace) -> None:
    from bot.nlp.build import build

    print(f"spaCy pipeline ready: {build(force=args.force)}")


def train(args: argparse.Namespace) -> None:
    from bot.training.model import train as train_model

    train_model(force=args.force)


def evaluate(args: argparse.Namespace) -> None:
    from bot.training.evaluate import main as evaluate_main

    sys.exit(evaluate_main(args.model))


def serve(args: argparse.Namespace) -> None:
    from bot.serve import main as serve_main

    sys.exit(serve_main())


def chat(args: argparse.Namespace) -> None:
    from bot.serve import chat as chat_main

    sys.exit(chat_main())


# --- parser -----------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bot",
        description="Manage the IR careers assistant: fees, events, set-up, training, serving.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def group(name: str, help_text: str) -> argparse._SubParsersAction:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        return sub.add_subparsers(dest="action", metavar="ACTION", required=True)

    def command(
        parent: argparse._SubParsersAction, name: str, func: Callable, help_text: str
    ) -> argparse.ArgumentParser:
        sub = parent.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(func=func)
        return sub

    fees = group("fees", "Membership fees by category.")
    command(fees, "list", fees_list, "Show every category and its annual fee.")
    p = command(fees, "set", fees_set, "Change one category's annual fee.")
    p.add_argument("category", help="category id, e.g. resident-in-training (see `bot fees list`)")
    p.add_argument("amount", help="annual fee, e.g. 50 or 49.99; 0 means free")

    events = group("events", "Events: dated ones and recurring ones.")
    p = command(events, "list", events_list, "Show upcoming and recurring events.")
    p.add_argument("--all", action="store_true", help="include events that have passed")
    p = command(events, "add", events_add, "Add an event (dated, or recurring with --recurs).")
    p.add_argument("slug", help="short id: lower-case letters, digits, hyphens, e.g. sir-2027")
    p.add_argument("--name", required=True, help="name users see")
    p.add_argument("--kind", required=True,
                   help="annual-meeting, practicum, webinar, or a new kind")
    p.add_argument("--start", type=_iso_date, help="first day, YYYY-MM-DD")
    p.add_argument("--end", type=_iso_date, help="last day, YYYY-MM-DD (default: the start)")
    p.add_argument("--recurs", help="usual timing when no date is set, e.g. 'every May'")
    p.add_argument("--location", help="city or venue")
    p.add_argument("--virtual", action="store_true", help="held online")
    p.add_argument("--audience", help="who it is for")
    p.add_argument("--link", help="web address with more information (https://...)")
    p.add_argument("--description", help="one or two sentences")
    p = command(events, "remove", events_remove, "Remove an event by its id.")
    p.add_argument("slug", help="event id (see `bot events list --all`)")

    db = group("db", "Database set-up.")
    command(db, "migrate", db_migrate, "Apply schema migrations (Alembic).")
    command(db, "seed", db_seed, "Add the initial fees and events that are missing.")
    command(db, "setup", db_setup, "Migrate, then seed.")

    nlp = group("nlp", "The project's spaCy pipeline.")
    p = command(nlp, "build", nlp_build, "Build var/spacy/en_ir_careers from bot/nlp/patterns.yml.")
    p.add_argument("--force", action="store_true", help="rebuild even when up to date")

    p = commands.add_parser("train", help="Train a model if the data, domain or config changed.")
    p.add_argument("--force", action="store_true", help="train even when a model is up to date")
    p.set_defaults(func=train)
    p = commands.add_parser("evaluate", help="Held-out NLU test: accuracy, macro F1, per intent.")
    p.add_argument("model", nargs="?", help="model file (default: the current model)")
    p.set_defaults(func=evaluate)
    p = commands.add_parser("serve", help="Set up, then run the action server and Rasa.")
    p.set_defaults(func=serve)
    p = commands.add_parser("chat", help="Talk to the assistant in the terminal.")
    p.set_defaults(func=chat)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from bot.db.repositories import ValidationError

    try:
        args.func(args)
    except ValidationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (OperationalError, ProgrammingError) as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        if "no such table" in reason or "does not exist" in reason:
            hint = "the database has no tables yet: run `bot db setup` (or `make run`)."
        else:
            hint = "is the database running and DATABASE_URL right?"
        print(f"error: database {_safe_url()}: {reason}\n  {hint}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
