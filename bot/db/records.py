"""Plain, immutable copies of database rows, safe to use after the session has closed."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Optional


@dataclass(frozen=True)
class CategoryRecord:
    slug: str
    name: str
    annual_fee: Decimal
    currency: str
    eligibility: str
    notes: str


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
