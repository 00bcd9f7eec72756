"""Pure helpers that turn database records into answers. No I/O, so they are tested directly."""

from __future__ import annotations

from datetime import date
from typing import Iterable, List, Sequence, Tuple

from actions import links
from bot.db.records import CategoryRecord, EventRecord


def fee_answer(category: CategoryRecord) -> str:
    """The answer to "how much is membership for me?"."""
    answer = f"{category.name} membership of SIR is **{category.fee_text}**."
    if category.notes:
        answer += f" {category.notes}"
    return answer


def fee_table(categories: Sequence[CategoryRecord], eligibility: bool = False) -> str:
    """All in-training categories and their fees, one line each; with `eligibility`, who
    each is for too (people ask which category fits them as often as what it costs)."""
    return "\n".join(
        f"- **{c.name}**"
        + (
            f" ({c.eligibility[:1].lower()}{c.eligibility[1:]})"
            if eligibility and c.eligibility
            else ""
        )
        + f": {c.fee_text}"
        for c in categories
    )


def dues_past_training(categories: Sequence[CategoryRecord]) -> str:
    """For an attending or another member past training: the knowledge has only the
    in-training dues (facts.md: other dues unconfirmed), so say so rather than ask which
    trainee category fits, and give the dues that are known."""
    return (
        "I don't have information on SIR's dues for attendings or other members past "
        f"training, so I won't guess; SIR's [join page]({links.JOIN_SIR}) is the place to "
        "check. The in-training categories and their fees:\n" + fee_table(categories)
    )


def upcoming(
    events: Iterable[EventRecord], today: date
) -> Tuple[List[EventRecord], List[EventRecord]]:
    """(dated events from today on, soonest first; recurring events without announced dates).

    An event that has passed is never returned.
    """
    dated, recurring = [], []
    for event in events:
        if event.start_date is None:
            if event.recurrence:
                recurring.append(event)
        elif event.is_upcoming(today):
            dated.append(event)
    dated.sort(key=lambda e: (e.start_date, e.name))
    return dated, recurring


def event_line(event: EventRecord, today: date) -> str:
    """One bullet line for an event: name, when (dated or usual timing), where."""
    parts = [f"**{event.name}**", event.when_text(today)]
    if event.place_text:
        parts.append(event.place_text)
    return "- " + " — ".join(parts)


def upcoming_answer(events: Iterable[EventRecord], today: date) -> str:
    dated, recurring = upcoming(events, today)
    lines: List[str] = []
    if dated:
        lines.append("Coming up:")
        lines.extend(event_line(e, today) for e in dated)
    if recurring:
        lines.append(
            "Recurring events (dates are announced by SIR):" if not dated else "Also recurring:"
        )
        lines.extend(event_line(e, today) for e in recurring)
    if not lines:
        return "I don't know of any upcoming events right now. Please check the SIR website."
    return "\n".join(lines)


def event_details(event: EventRecord, related: Sequence[EventRecord], today: date) -> str:
    """Everything known about one event, plus dated editions of the same kind."""
    lines = [event_line(event, today)]
    if event.description:
        lines.append(event.description)
    if event.audience:
        lines.append(f"Who it's for: {event.audience}.")
    if event.link:
        lines.append(f"More: {event.link}")
    dated, _ = upcoming(related, today)
    past = sorted(
        (e for e in related if e.start_date is not None and not e.is_upcoming(today)),
        key=lambda e: e.start_date or date.min,
    )
    if dated:
        lines.append("Next edition" + ("s" if len(dated) > 1 else "") + ":")
        lines.extend(event_line(e, today) for e in dated)
    elif event.start_date is None:
        lines.append(
            "Dates for the next edition are not confirmed yet; please check the SIR website."
        )
        if past:
            lines.append(f"The most recent one I know of: {event_line(past[-1], today)[2:]}.")
    return "\n".join(lines)


def registration_answer(event: EventRecord) -> str:
    """How to register for an event: its own page when staff gave one, else SIR's site."""
    page = f"its page: {event.link}" if event.link else f"SIR's website: {links.SIR_HOME}"
    return (
        f"I don't have registration details for **{event.name}**. Registration and the "
        f"latest details are on {page}"
    )


def join_answer(categories: Sequence[CategoryRecord]) -> str:
    """How to join SIR, with every in-training category's current fee (from the database)."""
    return (
        f"You can join SIR online: [Join SIR]({links.JOIN_SIR}). Choose the in-training "
        "category that fits you:\n" + fee_table(categories)
    )
