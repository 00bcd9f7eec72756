"""Repositories of the staff console's tables: accounts, sessions, refused sign-ins,
flagged questions and the audit log (bot.console uses them; so does `bot staff`).

As in bot.db.repositories, every method opens its own short session and returns frozen
records, so a web request and the command line share one implementation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, List, Optional, Tuple

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from bot.db.models import (
    AuditEntry,
    StaffAccount,
    StaffFlaggedQuestion,
    StaffLoginFailure,
    StaffSession,
)
from bot.db.session import session_scope
from bot.errors import BadInput, StaffError

EDITOR, PUBLISHER = "editor", "publisher"
ROLES = (EDITOR, PUBLISHER)


def utcnow() -> datetime:
    """UTC without a zone, the same on SQLite and PostgreSQL (as bot.training.registry)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


@dataclass(frozen=True)
class AccountRecord:
    id: int
    email: str
    role: str
    created_at: datetime


@dataclass(frozen=True)
class SessionRecord:
    account: AccountRecord
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    details: str


@dataclass(frozen=True)
class FlaggedRecord:
    id: int
    text: str
    answered_as: Optional[str]
    flagged_by: str
    at: datetime


def _find(session: Any, email: str) -> Optional[StaffAccount]:
    return session.execute(
        select(StaffAccount).where(StaffAccount.email == email)
    ).scalar_one_or_none()


def _account(row: StaffAccount) -> AccountRecord:
    return AccountRecord(row.id, row.email, row.role, row.created_at)


class AccountRepository:
    """Staff accounts. Passwords arrive already hashed (bot.console.auth hashes them)."""

    def __init__(self, url: Optional[str] = None) -> None:
        self.url = url

    def list(self) -> List[AccountRecord]:
        with session_scope(self.url) as session:
            rows = session.execute(select(StaffAccount).order_by(StaffAccount.email))
            return [_account(row) for row in rows.scalars()]

    def credentials(self, email: str) -> Optional[Tuple[AccountRecord, str]]:
        """(the account, its password hash), for signing in."""
        with session_scope(self.url) as session:
            row = _find(session, email)
            return (_account(row), row.password_hash) if row else None

    def add(self, email: str, role: str, password_hash: str) -> AccountRecord:
        if role not in ROLES:
            raise BadInput(f"Unknown role '{role}': choose editor or publisher.")
        try:
            with session_scope(self.url) as session:
                row = StaffAccount(
                    email=email, role=role, password_hash=password_hash, created_at=utcnow()
                )
                session.add(row)
                session.flush()
                return _account(row)
        except IntegrityError:
            raise BadInput(f"There is already an account for {email}.") from None

    def set_password_hash(self, email: str, password_hash: str) -> None:
        with session_scope(self.url) as session:
            row = _find(session, email)
            if row is None:
                raise BadInput(f"No account for {email}.")
            row.password_hash = password_hash

    def remove(self, email: str) -> AccountRecord:
        """Remove an account and sign it out everywhere; the last publisher stays."""
        with session_scope(self.url) as session:
            row = _find(session, email)
            if row is None:
                raise BadInput(f"No account for {email}. See `bot staff list`.")
            if row.role == PUBLISHER:
                publishers = session.execute(
                    select(func.count()).where(StaffAccount.role == PUBLISHER)
                ).scalar_one()
                if publishers <= 1:
                    raise StaffError(
                        f"{email} is the last publisher: add another publisher first, so "
                        "someone can still release models and manage accounts."
                    )
            record = _account(row)
            session.execute(delete(StaffSession).where(StaffSession.account_id == row.id))
            session.delete(row)
            return record


class SessionRepository:
    """Signed-in browsers, by the hash of their cookie's token."""

    def __init__(self, url: Optional[str] = None) -> None:
        self.url = url

    def create(
        self, account_id: int, token_hash: str, csrf_token: str, lifetime: timedelta
    ) -> datetime:
        now = utcnow()
        with session_scope(self.url) as session:
            session.execute(delete(StaffSession).where(StaffSession.expires_at < now))
            session.add(
                StaffSession(
                    token_hash=token_hash,
                    account_id=account_id,
                    csrf_token=csrf_token,
                    created_at=now,
                    expires_at=now + lifetime,
                )
            )
        return now + lifetime

    def find(self, token_hash: str) -> Optional[SessionRecord]:
        """The live session with this token hash; None when unknown or expired."""
        with session_scope(self.url) as session:
            row = session.get(StaffSession, token_hash)
            if row is None or row.expires_at <= utcnow():
                return None
            account = session.get(StaffAccount, row.account_id)
            if account is None:
                return None
            return SessionRecord(_account(account), row.csrf_token, row.expires_at)

    def delete(self, token_hash: str) -> None:
        with session_scope(self.url) as session:
            session.execute(delete(StaffSession).where(StaffSession.token_hash == token_hash))

    def expire(self, token_hash: str) -> None:
        """End a session now (tests, and "sign out everywhere" later)."""
        with session_scope(self.url) as session:
            row = session.get(StaffSession, token_hash)
            if row is not None:
                row.expires_at = utcnow() - timedelta(seconds=1)


class LoginFailures:
    """Refused sign-ins in a recent window, per email and per network address."""

    def __init__(self, url: Optional[str] = None) -> None:
        self.url = url

    def add(self, email: str, address: str) -> None:
        with session_scope(self.url) as session:
            session.add(StaffLoginFailure(email=email[:254], address=address[:64], at=utcnow()))

    def since(
        self, email: str, address: str, since: datetime
    ) -> Tuple[List[datetime], List[datetime]]:
        """(times of failures for this email, times for this address) after `since`."""
        with session_scope(self.url) as session:
            session.execute(delete(StaffLoginFailure).where(StaffLoginFailure.at < since))
            by_email = session.execute(
                select(StaffLoginFailure.at).where(
                    StaffLoginFailure.email == email, StaffLoginFailure.at >= since
                )
            ).scalars()
            email_times = list(by_email)
            by_address = session.execute(
                select(StaffLoginFailure.at).where(
                    StaffLoginFailure.address == address, StaffLoginFailure.at >= since
                )
            ).scalars()
            return email_times, list(by_address)

    def clear(self, email: str) -> None:
        with session_scope(self.url) as session:
            session.execute(delete(StaffLoginFailure).where(StaffLoginFailure.email == email))


class AuditLog:
    """Append-only: who changed what and when."""

    def __init__(self, url: Optional[str] = None) -> None:
        self.url = url

    def record(self, actor: str, action: str, target: str = "", details: str = "") -> None:
        with session_scope(self.url) as session:
            session.add(
                AuditEntry(
                    at=utcnow(), actor=actor, action=action, target=target[:255], details=details
                )
            )

    def list(self, limit: int = 200, actor: str = "", action: str = "") -> List[AuditRecord]:
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if actor:
            query = query.where(AuditEntry.actor == actor)
        if action:
            query = query.where(AuditEntry.action == action)
        with session_scope(self.url) as session:
            return [
                AuditRecord(r.id, r.at, r.actor, r.action, r.target, r.details)
                for r in session.execute(query).scalars()
            ]


class FlaggedQuestions:
    """Questions staff marked "this answer was wrong": in the inbox while no topic has them
    as an example (kept after that, so a question taken back returns)."""

    def __init__(self, url: Optional[str] = None) -> None:
        self.url = url

    def add(self, text: str, answered_as: Optional[str], by: str) -> FlaggedRecord:
        text = " ".join((text or "").split())
        if not text:
            raise BadInput("There is no question to flag.")
        with session_scope(self.url) as session:
            row = StaffFlaggedQuestion(
                text=text, answered_as=answered_as, flagged_by=by, at=utcnow()
            )
            session.add(row)
            session.flush()
            return FlaggedRecord(row.id, row.text, row.answered_as, row.flagged_by, row.at)

    def list(self) -> List[FlaggedRecord]:
        with session_scope(self.url) as session:
            rows = session.execute(
                select(StaffFlaggedQuestion).order_by(StaffFlaggedQuestion.id.desc())
            ).scalars()
            return [FlaggedRecord(r.id, r.text, r.answered_as, r.flagged_by, r.at) for r in rows]
