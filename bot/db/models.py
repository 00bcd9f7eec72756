"""Database tables: what staff change without retraining (fees and events)."""
from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Integer,
    String,
    Text,
    func,
)
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class MembershipCategory(Base):
    """An SIR membership category and its annual fee."""

    __tablename__ = "membership_categories"
    __table_args__ = (CheckConstraint("annual_fee_cents >= 0", name="ck_fee_not_negative"),)

    id = Column(Integer, primary_key=True)
    slug = Column(String(64), unique=True, nullable=False)
    name = Column(String(128), nullable=False)
    # Whole cents: exact on every backend (SQLite has no true decimal type).
    annual_fee_cents = Column(Integer, nullable=False)
    currency = Column(String(3), nullable=False, default="USD")
    eligibility = Column(Text, nullable=False, default="")
    notes = Column(Text, nullable=False, default="")
    updated_at = Column(DateTime, nullable=False, server_default=func.now(), onupdate=func.now())


class Event(Base):
    """An event: dated (start/end known) or recurring (only its usual timing is known)."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint(
            "end_date IS NULL OR start_date IS NULL OR end_date >= start_date",
            name="ck_event_end_after_start",
        ),
    )

    id = Column(Integer, primary_key=True)
    slug = Column(String(64), unique=True, nullable=False)
    name = Column(String(200), nullable=False)
    kind = Column(String(64), nullable=False)
    start_date = Column(Date, nullable=True)  # empty when not announced
    end_date = Column(Date, nullable=True)
    recurrence = Column(Text, nullable=True)  # e.g. "every May or early June"
    location = Column(Text, nullable=True)
    is_virtual = Column(Boolean, nullable=False, default=False)
    audience = Column(Text, nullable=False, default="")
    link = Column(Text, nullable=True)
    description = Column(Text, nullable=False, default="")
    updated_at = Column(DateTime, nullable=False, server_default=func.now(), onupdate=func.now())
