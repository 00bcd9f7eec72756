"""The console's pure security parts: passwords, tokens, throttling, roles, origins."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.console import auth
from bot.errors import BadInput

NOW = datetime(2026, 12, 1, 12, 0, 0)


def test_a_password_is_hashed_with_argon2id_and_verified() -> None:
    hashed = auth.hash_password("correct horse battery")
    assert hashed.startswith("$argon2id$") and "correct" not in hashed
    assert auth.verify_password(hashed, "correct horse battery")
    assert not auth.verify_password(hashed, "correct horse batterY")
    assert not auth.verify_password(None, "correct horse battery")  # no such account
    assert not auth.verify_password("not a hash", "x")


def test_short_passwords_and_bad_emails_are_refused() -> None:
    with pytest.raises(BadInput, match="at least 12 characters"):
        auth.hash_password("short")
    with pytest.raises(BadInput, match="is not an email address"):
        auth.clean_email("alice")
    assert auth.clean_email("  Alice@Example.ORG ") == "alice@example.org"


def test_tokens_are_random_and_only_their_hash_is_kept() -> None:
    a, b = auth.new_token(), auth.new_token()
    assert a != b and len(a) >= 43
    assert auth.token_hash(a) != a and len(auth.token_hash(a)) == 64
    assert auth.same_token(a, a) and not auth.same_token(a, b)
    assert not auth.same_token("", "") and not auth.same_token(a, None)


def test_five_failures_for_one_email_make_it_wait_until_the_oldest_leaves_the_window() -> None:
    failures = [NOW - timedelta(minutes=m) for m in (14, 10, 5, 2, 1)]
    assert auth.wait_seconds(failures[1:], [], NOW) == 0
    wait = auth.wait_seconds(failures, [], NOW)
    assert 59 <= wait <= 61  # the 14-minute-old failure leaves the 15-minute window in 60 s
    old = [NOW - timedelta(minutes=20)] * 10
    assert auth.wait_seconds(old, old, NOW) == 0


def test_many_failures_from_one_address_across_accounts_also_wait() -> None:
    failures = [NOW - timedelta(seconds=s) for s in range(auth.MAX_FAILURES_PER_ADDRESS)]
    assert auth.wait_seconds([], failures, NOW) > 0
    assert auth.wait_seconds([], failures[:-1], NOW) == 0


def test_an_editor_cannot_release_or_manage_accounts_a_publisher_can() -> None:
    for action in ("review", "topics", "fees", "events", "train", "conversations"):
        assert auth.can("editor", action) and auth.can("publisher", action)
    for action in ("release", "accounts"):
        assert not auth.can("editor", action) and auth.can("publisher", action)
    assert not auth.can("nobody", "review")


def test_a_post_from_another_site_is_recognised() -> None:
    assert auth.same_origin("http://127.0.0.1:5002", "127.0.0.1:5002")
    assert not auth.same_origin("https://evil.example", "127.0.0.1:5002")
    assert not auth.same_origin("null", "127.0.0.1:5002")
    assert auth.same_origin(None, "127.0.0.1:5002")
