"""Staff accounts, as both `bot staff` and the console's Accounts page change them
(checked, hashed, audited in one place)."""

from __future__ import annotations

from typing import List

from bot.console import auth
from bot.console.audit import record
from bot.db.staff import ROLES, AccountRecord, AccountRepository
from bot.errors import BadInput


def add_account(email: str, role: str, password: str, by: str) -> AccountRecord:
    email = auth.clean_email(email)
    if role not in ROLES:
        raise BadInput(f"Unknown role '{role}': choose editor or publisher.")
    account = AccountRepository().add(email, role, auth.hash_password(password))
    record(by, "account added", email, f"role {role}")
    return account


def remove_account(email: str, by: str) -> AccountRecord:
    account = AccountRepository().remove(auth.clean_email(email))
    record(by, "account removed", account.email, f"was {account.role}")
    return account


def list_accounts() -> List[AccountRecord]:
    return AccountRepository().list()
