"""Accounts, sessions, refused sign-ins and the audit log on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.console import auth
from bot.console.accounts import add_account, remove_account
from bot.db.staff import (
    AccountRepository,
    AuditLog,
    FlaggedQuestions,
    LoginFailures,
    SessionRepository,
    utcnow,
)
from bot.errors import BadInput, StaffError


def test_accounts_are_added_listed_and_removed_with_an_audit_trail(migrated_db: str) -> None:
    add_account("Pub@Example.org", "publisher", "correct horse battery", "setup")
    add_account("ed@example.org", "editor", "another long password", "pub@example.org")
    assert [(a.email, a.role) for a in AccountRepository().list()] == [
        ("ed@example.org", "editor"),
        ("pub@example.org", "publisher"),
    ]
    with pytest.raises(BadInput, match="already an account for pub@example.org"):
        add_account("pub@example.org", "editor", "correct horse battery", "x")
    with pytest.raises(BadInput, match="Unknown role"):
        add_account("x@example.org", "admin", "correct horse battery", "x")
    with pytest.raises(StaffError, match="last publisher"):
        remove_account("pub@example.org", "x")
    account, hashed = AccountRepository().credentials("ed@example.org")
    assert auth.verify_password(hashed, "another long password")
    remove_account("ed@example.org", "pub@example.org")
    assert AccountRepository().credentials("ed@example.org") is None
    log = AuditLog().list()
    assert [(e.actor, e.action, e.target) for e in log] == [
        ("pub@example.org", "account removed", "ed@example.org"),
        ("pub@example.org", "account added", "ed@example.org"),
        ("setup", "account added", "pub@example.org"),
    ]


def test_a_session_is_found_by_its_token_hash_until_it_expires(migrated_db: str) -> None:
    account = add_account("pub@example.org", "publisher", "correct horse battery", "setup")
    sessions = SessionRepository()
    token = auth.new_token()
    sessions.create(account.id, auth.token_hash(token), "csrf-1", timedelta(hours=1))
    found = sessions.find(auth.token_hash(token))
    assert found and found.account.email == "pub@example.org" and found.csrf_token == "csrf-1"
    assert sessions.find(token) is None  # the raw token is not what is stored
    sessions.expire(auth.token_hash(token))
    assert sessions.find(auth.token_hash(token)) is None


def test_removing_an_account_ends_its_sessions(migrated_db: str) -> None:
    add_account("pub@example.org", "publisher", "correct horse battery", "setup")
    editor = add_account("ed@example.org", "editor", "correct horse battery", "setup")
    token = auth.token_hash(auth.new_token())
    SessionRepository().create(editor.id, token, "c", timedelta(hours=1))
    remove_account("ed@example.org", "pub@example.org")
    assert SessionRepository().find(token) is None


def test_refused_sign_ins_are_counted_per_email_and_address(migrated_db: str) -> None:
    failures = LoginFailures()
    for _ in range(3):
        failures.add("a@example.org", "10.0.0.1")
    failures.add("b@example.org", "10.0.0.1")
    by_email, by_address = failures.since(
        "a@example.org", "10.0.0.1", utcnow() - timedelta(minutes=15)
    )
    assert len(by_email) == 3 and len(by_address) == 4
    failures.clear("a@example.org")
    assert failures.since("a@example.org", "10.0.0.2", utcnow() - timedelta(minutes=15)) == ([], [])


def test_flagged_questions_are_kept(migrated_db: str) -> None:
    """Kept after they are assigned: the inbox hides a question while it is a training
    example, so it comes back when the example is taken out again."""
    flagged = FlaggedQuestions()
    flagged.add("  can I do IR   part time ", "salary_lifestyle", "ed@example.org")
    assert [f.text for f in flagged.list()] == ["can I do IR part time"]
