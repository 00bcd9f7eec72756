"""`bot events`: dated and recurring events (live in the next answer)."""

from __future__ import annotations

import argparse

from bot import settings
from bot.cli.common import Commands, command, group, iso_date
from bot.db.records import EventRecord


def plain_text(event: EventRecord) -> str:
    """An event as staff read it in a terminal: name — when — where."""
    parts = [event.name, event.when_text(settings.today())]
    if event.place_text:
        parts.append(event.place_text)
    return " — ".join(parts)


def events_list(args: argparse.Namespace) -> None:
    from bot.db.repositories import EventRepository

    today = settings.today()
    events = EventRepository().list()
    if not args.all:
        events = [e for e in events if e.start_date is None or e.is_upcoming(today)]
    if not events:
        print("No events." if args.all else "No upcoming events (use --all to see past ones).")
    for event in events:
        print(f"{event.slug:<22} {event.kind:<16} {plain_text(event)}")


def events_add(args: argparse.Namespace) -> None:
    from bot.db.repositories import EventRepository

    event = EventRepository().add(
        slug=args.slug,
        name=args.name,
        kind=args.kind,
        start_date=args.start,
        end_date=args.end,
        recurrence=args.recurs,
        location=args.location,
        is_virtual=args.virtual,
        audience=args.audience or "",
        link=args.link,
        description=args.description or "",
    )
    from bot.console.audit import command_line_actor, record

    record(command_line_actor(), "event added", event.slug, event.name)
    print(f"Added {event.slug}: {plain_text(event)}")
    if event.start_date and not event.is_upcoming(settings.today()):
        print("Note: this event is in the past, so it is not offered as upcoming.")


def events_remove(args: argparse.Namespace) -> None:
    from bot.db.repositories import EventRepository

    EventRepository().remove(args.slug)
    from bot.console.audit import command_line_actor, record

    record(command_line_actor(), "event removed", args.slug.strip().lower())
    print(f"Removed {args.slug.strip().lower()}.")


def add_subparser(commands: Commands) -> None:
    events = group(commands, "events", "Events: dated ones and recurring ones.")
    p = command(events, "list", events_list, "Show upcoming and recurring events.")
    p.add_argument("--all", action="store_true", help="include events that have passed")
    p = command(events, "add", events_add, "Add an event (dated, or recurring with --recurs).")
    p.add_argument("slug", help="short id: lower-case letters, digits, hyphens, e.g. sir-2027")
    p.add_argument("--name", required=True, help="name users see")
    p.add_argument(
        "--kind", required=True, help="annual-meeting, practicum, webinar, course, or a new kind"
    )
    p.add_argument("--start", type=iso_date, help="first day, YYYY-MM-DD")
    p.add_argument("--end", type=iso_date, help="last day, YYYY-MM-DD (default: the start)")
    p.add_argument("--recurs", help="usual timing when no date is set, e.g. 'every May'")
    p.add_argument("--location", help="city or venue")
    p.add_argument("--virtual", action="store_true", help="held online")
    p.add_argument("--audience", help="who it is for")
    p.add_argument("--link", help="web address with more information (https://...)")
    p.add_argument("--description", help="one or two sentences")
    p = command(events, "remove", events_remove, "Remove an event by its id.")
    p.add_argument("slug", help="event id (see `bot events list --all`)")
