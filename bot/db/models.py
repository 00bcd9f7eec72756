"""Database tables: what staff change without retraining (fees and events), the Slack
events already answered, and the registry of trained models (which is released, by whom, why)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    func,
)
from sqlalchemy.orm import declarative_base
from sqlalchemy.orm.decl_api import DeclarativeMeta

Base: DeclarativeMeta = declarative_base()


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


class SlackSeenEvent(Base):
    """A Slack event the bot has taken: Slack may deliver one several times, it is answered once.

    Shared by every Rasa instance; rows older than a retry could arrive are deleted.
    """

    __tablename__ = "slack_seen_events"

    event_id = Column(String(255), primary_key=True)
    seen_at = Column(DateTime, nullable=False, index=True)


class TrainedModel(Base):
    """A trained model in the registry: a candidate until released, retired when replaced.

    Kept in the database, not inferred from models/, so staff can see who released which
    model, when and why, and roll back to exactly the previous one.
    """

    __tablename__ = "trained_models"
    __table_args__ = (
        CheckConstraint(
            "status IN ('candidate', 'released', 'retired')", name="ck_trained_model_status"
        ),
    )

    id = Column(Integer, primary_key=True)
    path = Column(Text, nullable=False, unique=True)
    fingerprint = Column(String(64), nullable=False)  # of config, domain, data (bot.training.model)
    git_commit = Column(
        String(64), nullable=True
    )  # HEAD when trained; data may differ (dirty tree)
    created_at = Column(DateTime, nullable=False, server_default=func.now())
    status = Column(String(16), nullable=False, default="candidate")
    metrics = Column(JSON, nullable=True)  # held-out accuracy, macro F1, per-intent F1, predictions
    released_at = Column(DateTime, nullable=True)
    released_by = Column(String(128), nullable=True)
    reason = Column(Text, nullable=True)


class ModelRelease(Base):
    """One release or rollback, in order: the audit trail, and what rollback walks back."""

    __tablename__ = "model_releases"
    __table_args__ = (
        CheckConstraint("action IN ('release', 'rollback')", name="ck_model_release_action"),
    )

    id = Column(Integer, primary_key=True)
    model_id = Column(Integer, ForeignKey("trained_models.id"), nullable=False)
    action = Column(String(16), nullable=False)
    at = Column(DateTime, nullable=False, server_default=func.now())
    by = Column(String(128), nullable=False)
    reason = Column(Text, nullable=True)
    forced = Column(Boolean, nullable=False, default=False)


# --- The staff console (bot/console): accounts, sessions, sign-in attempts, audit log -------


class StaffAccount(Base):
    """Someone of the society's staff who may use the console; the password only as a hash."""

    __tablename__ = "staff_accounts"
    __table_args__ = (
        CheckConstraint("role IN ('editor', 'publisher')", name="ck_staff_account_role"),
    )

    id = Column(Integer, primary_key=True)
    email = Column(String(254), unique=True, nullable=False)
    role = Column(String(16), nullable=False)
    password_hash = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, server_default=func.now())


class StaffSession(Base):
    """A signed-in browser. In the database, so several console instances share sessions;
    only a hash of the cookie's token is kept, so a copy of the table signs nobody in."""

    __tablename__ = "staff_sessions"

    token_hash = Column(String(64), primary_key=True)
    account_id = Column(
        Integer, ForeignKey("staff_accounts.id", ondelete="CASCADE"), nullable=False, index=True
    )
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(DateTime, nullable=False)
    expires_at = Column(DateTime, nullable=False, index=True)


class StaffLoginFailure(Base):
    """A refused sign-in, counted per email and per address to slow down password guessing."""

    __tablename__ = "staff_login_failures"

    id = Column(Integer, primary_key=True)
    email = Column(String(254), nullable=False, index=True)
    address = Column(String(64), nullable=False, index=True)
    at = Column(DateTime, nullable=False, index=True)


class StaffFlaggedQuestion(Base):
    """A question staff said was answered wrongly (from a transcript); shown in the inbox."""

    __tablename__ = "staff_flagged_questions"

    id = Column(Integer, primary_key=True)
    text = Column(Text, nullable=False)
    answered_as = Column(String(255), nullable=True)  # the intent it was taken for
    flagged_by = Column(String(254), nullable=False)
    at = Column(DateTime, nullable=False)


class AuditEntry(Base):
    """Who changed what and when: fees, events, topics, answers, releases, accounts."""

    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, index=True)
    actor = Column(String(254), nullable=False)
    action = Column(String(64), nullable=False)
    target = Column(String(255), nullable=False, default="")
    details = Column(Text, nullable=False, default="")
