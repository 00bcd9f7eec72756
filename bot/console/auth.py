"""Passwords, session tokens, CSRF tokens, sign-in throttling and roles: the pure parts,
tested directly (tests/bot/console/test_auth.py); the web layer only wires them in.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta
from typing import Iterable, Optional
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.errors import BadInput

MIN_PASSWORD = 12
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Argon2id with the library's defaults (RFC 9106 "low memory" profile).
_hasher = PasswordHasher()
# A hash to verify against when the email is unknown, so both cases take the same time.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")

# Sign-in throttling: refused attempts within WINDOW.
WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_ADDRESS = 20

# What each role may do. An editor keeps the content current and trains; a publisher also
# puts models in front of users and manages who may sign in.
EDITOR_CAN = frozenset({"review", "topics", "fees", "events", "train", "conversations"})
PUBLISHER_CAN = EDITOR_CAN | {"release", "accounts"}


def can(role: str, action: str) -> bool:
    """Whether `role` may do `action`; an unknown role may do nothing."""
    return action in {"editor": EDITOR_CAN, "publisher": PUBLISHER_CAN}.get(role, frozenset())


def clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    if not EMAIL.match(email) or len(email) > 254:
        raise BadInput(f"'{email}' is not an email address.")
    return email


def check_password(password: str) -> None:
    """Long enough to resist guessing; no other rules (they make passwords worse)."""
    if len(password or "") < MIN_PASSWORD:
        raise BadInput(
            f"The password is too short: use at least {MIN_PASSWORD} characters "
            "(a few unrelated words make a good one)."
        )


def hash_password(password: str) -> str:
    check_password(password)
    return _hasher.hash(password)


def verify_password(password_hash: Optional[str], password: str) -> bool:
    """True when `password` matches; the same work is done when there is no account."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    """A random secret for a cookie or form (256 bits)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps of a session token: a copy of the table signs nobody in."""
    return hashlib.sha256(token.encode()).hexdigest()


def same_token(expected: Optional[str], given: Optional[str]) -> bool:
    """Constant-time comparison; an empty or missing token never matches."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def wait_seconds(
    email_failures: Iterable[datetime], address_failures: Iterable[datetime], now: datetime
) -> int:
    """Seconds until another attempt is allowed (0: allowed now).

    Per email, so one account cannot be guessed at; per address, so one machine cannot try
    many accounts. The wait ends when the oldest failure leaves the window.
    """
    wait = 0
    for times, limit in (
        (sorted(t for t in email_failures if t > now - WINDOW), MAX_FAILURES_PER_EMAIL),
        (sorted(t for t in address_failures if t > now - WINDOW), MAX_FAILURES_PER_ADDRESS),
    ):
        if len(times) >= limit:
            until = times[len(times) - limit] + WINDOW
            wait = max(wait, int((until - now).total_seconds()) + 1)
    return wait


def same_origin(origin: Optional[str], host: str) -> bool:
    """A form post's Origin header names this host (browsers send it on POST).

    A missing Origin is accepted: the CSRF token is the protection, this is a second line.
    """
    if not origin:
        return True
    if origin == "null":
        return False
    return urlsplit(origin).netloc == host
