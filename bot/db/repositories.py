"""One repository class per table; every method opens its own session and closes it.

Methods are synchronous (the command line uses them directly); async callers run them in a
worker thread (see `actions/db.py`) so database I/O never blocks an event loop.
"""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import List, Optional, Union

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from bot.db.models import Event, MembershipCategory
from bot.db.records import CategoryRecord, EventRecord
from bot.db.session import session_scope
from bot.errors import BadInput

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_FEE = Decimal("100000")


def _category(row: MembershipCategory) -> CategoryRecord:
    return CategoryRecord(
        slug=row.slug,
        name=row.name,
        annual_fee=(Decimal(row.annual_fee_cents) / 100).quantize(Decimal("0.01")),
        currency=row.currency,
        eligibility=row.eligibility,
        notes=row.notes,
    )


def to_cents(amount: Decimal) -> int:
    return int(amount * 100)


def _event(row: Event) -> EventRecord:
    return EventRecord(**{f.name: getattr(row, f.name) for f in fields(EventRecord)})


def parse_fee(value: Union[str, int, float, Decimal]) -> Decimal:
    """A fee as a Decimal with two places; refuses negatives, nonsense and absurd amounts."""
    try:
        amount = Decimal(str(value).strip().lstrip("$").replace(",", ""))
    except InvalidOperation:
        raise BadInput(f"'{value}' is not an amount. Give a number such as 50 or 49.99.") from None
    if not amount.is_finite():
        raise BadInput(f"'{value}' is not an amount. Give a number such as 50 or 49.99.")
    if amount < 0:
        raise BadInput(f"A fee cannot be negative (got {value}). Use 0 for free.")
    if amount > MAX_FEE:
        raise BadInput(f"{value} is more than {MAX_FEE}; check the amount.")
    if amount != amount.quantize(Decimal("0.01")):
        raise BadInput(f"{value} has more than two decimal places.")
    return amount.quantize(Decimal("0.01"))


def canonical_slug(text: str) -> str:
    """Ids are lower-case; staff may type them in any case ("Resident-In-Training")."""
    return (text or "").strip().lower()


class MembershipRepository:
    """Membership categories and their fees."""

    def __init__(self, url: Optional[str] = None) -> None:
        self.url = url

    def list(self) -> List[CategoryRecord]:
        with session_scope(self.url) as session:
            rows = session.execute(select(MembershipCategory).order_by(MembershipCategory.id))
            return [_category(row) for row in rows.scalars()]

    def get(self, slug: str) -> Optional[CategoryRecord]:
        slug = canonical_slug(slug)
        with session_scope(self.url) as session:
            row = session.execute(
                select(MembershipCategory).where(MembershipCategory.slug == slug)
            ).scalar_one_or_none()
            return _category(row) if row else None

    def set_fee(self, slug: str, amount: Union[str, Decimal, int, float]) -> CategoryRecord:
        """Change one category's annual fee; nothing changes when the input is bad."""
        fee, slug = parse_fee(amount), canonical_slug(slug)
        with session_scope(self.url) as session:
            row = session.execute(
                select(MembershipCategory).where(MembershipCategory.slug == slug)
            ).scalar_one_or_none()
            if row is None:
                known = ", ".join(
                    session.execute(select(MembershipCategory.slug).order_by(MembershipCategory.id))
                    .scalars()
                    .all()
                )
                raise BadInput(f"Unknown category '{slug}'. Known categories: {known}.")
            row.annual_fee_cents = to_cents(fee)
            session.flush()
            return _category(row)


class EventRepository:
    """Events, dated or recurring."""

    def __init__(self, url: Optional[str] = None) -> None:
        self.url = url

    def list(self) -> List[EventRecord]:
        with session_scope(self.url) as session:
            rows = session.execute(
                select(Event).order_by(Event.start_date.is_(None), Event.start_date, Event.id)
            )
            return [_event(row) for row in rows.scalars()]

    def get(self, slug: str) -> Optional[EventRecord]:
        slug = canonical_slug(slug)
        with session_scope(self.url) as session:
            row = session.execute(select(Event).where(Event.slug == slug)).scalar_one_or_none()
            return _event(row) if row else None

    def add(
        self,
        *,
        slug: str,
        name: str,
        kind: str,
        start_date: Optional[date] = None,
        end_date: Optional[date] = None,
        recurrence: Optional[str] = None,
        location: Optional[str] = None,
        is_virtual: bool = False,
        audience: str = "",
        link: Optional[str] = None,
        description: str = "",
    ) -> EventRecord:
        """Add an event after checking its values; a bad one is refused whole."""
        slug = canonical_slug(slug)
        if not SLUG.match(slug or ""):
            raise BadInput(
                f"'{slug}' is not a valid id: use lower-case letters, digits and hyphens, "
                "e.g. sir-2027."
            )
        if not (name or "").strip():
            raise BadInput("An event needs a name.")
        if end_date and not start_date:
            raise BadInput("An end date needs a start date.")
        if start_date and end_date and end_date < start_date:
            raise BadInput(
                f"The end date {end_date.isoformat()} is before the start date "
                f"{start_date.isoformat()}."
            )
        if not start_date and not (recurrence or "").strip():
            raise BadInput(
                "Give a start date, or say how the event recurs (e.g. --recurs 'every May')."
            )
        if link and not re.match(r"^https?://\S+$", link):
            raise BadInput(f"'{link}' is not a web address (http:// or https://).")
        row = Event(
            slug=slug,
            name=name.strip(),
            kind=kind,
            start_date=start_date,
            end_date=end_date,
            recurrence=recurrence,
            location=location,
            is_virtual=is_virtual,
            audience=audience,
            link=link,
            description=description,
        )
        try:
            with session_scope(self.url) as session:
                session.add(row)
                session.flush()
                return _event(row)
        except IntegrityError:
            raise BadInput(f"An event with id '{slug}' already exists.") from None

    def remove(self, slug: str) -> None:
        slug = canonical_slug(slug)
        with session_scope(self.url) as session:
            result = session.execute(delete(Event).where(Event.slug == slug))
            if result.rowcount == 0:
                raise BadInput(f"No event with id '{slug}'. See `bot events list`.")
