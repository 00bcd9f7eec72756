"""Pure helpers that turn database records into answers. No I/O, so they are tested directly."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Iterable, List, Optional, Sequence, Tuple

from bot.db.records import CategoryRecord, EventRecord

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


def format_money(amount: Decimal, currency: str) -> str:
    """"$50", "$49.99" or "50 CHF" for currencies without a known symbol."""
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    return f"{symbol}{text}" if symbol else f"{text} {currency.upper()}"


def format_fee(category: CategoryRecord) -> str:
    """"free" or "$50 per year"."""
    if category.annual_fee == 0:
        return "free"
    return f"{format_money(category.annual_fee, category.currency)} per year"


def fee_answer(category: CategoryRecord) -> str:
    """The answer to "how much is membership for me?"."""
    answer = f"{category.name} membership of SIR is **{format_fee(category)}**."
    if category.notes:
        answer += f" {category.notes}"
    return answer


def fee_table(categories: Sequence[CategoryRecord]) -> str:
    """All in-training categories and their fees, one line each."""
    return "\n".join(f"- **{c.name}**: {format_fee(c)}" for c in categories)


def format_date(day: date) -> str:
    return f"{day.strftime('%B')} {day.day}, {day.year}"


def format_date_range(start: date, end: Optional[date]) -> str:
    """"March 23–28, 2024", "May 30 – June 2, 2027" or "March 23, 2024"."""
    if end is None or end == start:
        return format_date(start)
    if start.year != end.year:
        return f"{format_date(start)} – {format_date(end)}"
    if start.month != end.month:
        return f"{start.strftime('%B')} {start.day} – {end.strftime('%B')} {end.day}, {end.year}"
    return f"{start.strftime('%B')} {start.day}–{end.day}, {end.year}"


def is_upcoming(event: EventRecord, today: date) -> bool:
    """A dated event is upcoming until its last day has passed."""
    return event.last_day is not None and event.last_day >= today


def upcoming(events: Iterable[EventRecord], today: date) -> Tuple[List[EventRecord], List[EventRecord]]:
    """(dated events from today on, soonest first; recurring events without announced dates).

    An event that has passed is never returned.
    """
    dated, recurring = [], []
    for event in events:
        if event.start_date is None:
            if event.recurrence:
                recurring.append(event)
        elif is_upcoming(event, today):
            dated.append(event)
    dated.sort(key=lambda e: (e.start_date, e.name))
    return dated, recurring


def where(event: EventRecord) -> str:
    if event.location and event.is_virtual:
        return f"virtual, on {event.location}"
    if event.is_virtual:
        return "virtual"
    return event.location or ""


def event_line(event: EventRecord, today: date) -> str:
    """One bullet line for an event: name, when (dated or usual timing), where."""
    if event.start_date is not None:
        when = format_date_range(event.start_date, event.end_date)
        if not is_upcoming(event, today):
            when = f"took place {when}"
    else:
        when = event.recurrence or "dates not announced yet"
    parts = [f"**{event.name}**", when]
    place = where(event)
    if place:
        parts.append(place)
    return "- " + " — ".join(parts)


def upcoming_answer(events: Iterable[EventRecord], today: date) -> str:
    dated, recurring = upcoming(events, today)
    lines: List[str] = []
    if dated:
        lines.append("Coming up:")
        lines.extend(event_line(e, today) for e in dated)
    if recurring:
        lines.append("Recurring events (dates are announced by SIR):" if not dated else "Also recurring:")
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
        (e for e in related if e.start_date is not None and not is_upcoming(e, today)),
        key=lambda e: e.start_date,
    )
    if dated:
        lines.append("Next edition" + ("s" if len(dated) > 1 else "") + ":")
        lines.extend(event_line(e, today) for e in dated)
    elif event.start_date is None:
        lines.append("Dates for the next edition are not confirmed yet; please check the SIR website.")
        if past:
            lines.append(f"The most recent one I know of: {event_line(past[-1], today)[2:]}.")
    return "\n".join(lines)
