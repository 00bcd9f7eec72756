"""Plain, immutable copies of database rows, safe to use after the session has closed.

They also carry the neutral facts about themselves (a fee as text, whether an event is
still ahead) so the chat answers and the staff command line always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Optional

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


def format_money(amount: Decimal, currency: str) -> str:
    """ "$50", "$49.99" or "50 CHF" for currencies without a known symbol."""
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    return f"{symbol}{text}" if symbol else f"{text} {currency.upper()}"


def format_date(day: date) -> str:
    return f"{day.strftime('%B')} {day.day}, {day.year}"


def format_date_range(start: date, end: Optional[date]) -> str:
    """ "March 23–28, 2024", "May 30 – June 2, 2027" or "March 23, 2024"."""
    if end is None or end == start:
        return format_date(start)
    if start.year != end.year:
        return f"{format_date(start)} – {format_date(end)}"
    if start.month != end.month:
        return f"{start.strftime('%B')} {start.day} – {end.strftime('%B')} {end.day}, {end.year}"
    return f"{start.strftime('%B')} {start.day}–{end.day}, {end.year}"


@dataclass(frozen=True)
class CategoryRecord:
    slug: str
    name: str
    annual_fee: Decimal
    currency: str
    eligibility: str
    notes: str

    @property
    def fee_text(self) -> str:
        """ "free" or "$50 per year"."""
        if self.annual_fee == 0:
            return "free"
        return f"{format_money(self.annual_fee, self.currency)} per year"


@dataclass(frozen=True)
class EventRecord:
    slug: str
    name: str
    kind: str
    start_date: Optional[date]
    end_date: Optional[date]
    recurrence: Optional[str]
    location: Optional[str]
    is_virtual: bool
    audience: str
    link: Optional[str]
    description: str

    @property
    def last_day(self) -> Optional[date]:
        """The day the event ends (its start day when no end is known)."""
        return self.end_date or self.start_date

    def is_upcoming(self, today: date) -> bool:
        """A dated event is upcoming until its last day has passed."""
        return self.last_day is not None and self.last_day >= today

    def when_text(self, today: date) -> str:
        """Its dates ("took place ..." once past), its usual timing, or that none is known."""
        if self.start_date is None:
            return self.recurrence or "dates not announced yet"
        when = format_date_range(self.start_date, self.end_date)
        return when if self.is_upcoming(today) else f"took place {when}"

    @property
    def place_text(self) -> str:
        """ "virtual", "virtual, on Zoom", the location, or "" when unknown."""
        if self.location and self.is_virtual:
            return f"virtual, on {self.location}"
        if self.is_virtual:
            return "virtual"
        return self.location or ""
