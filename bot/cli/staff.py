"""`bot staff`: accounts for the staff console (editors and publishers)."""

from __future__ import annotations

import argparse
import getpass
import sys

from bot.cli.common import Commands, command, group


def _password(args: argparse.Namespace) -> str:
    from bot.errors import BadInput

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password (at least 12 characters): ")
        if getpass.getpass("The same password again: ") != password:
            raise BadInput("The two passwords differ; nothing was changed.")
    return password


def staff_add(args: argparse.Namespace) -> None:
    from bot.console.accounts import add_account
    from bot.console.audit import command_line_actor

    account = add_account(args.email, args.role, _password(args), command_line_actor())
    print(f"Added {account.email} ({account.role}). They sign in at the staff console (/staff/).")


def staff_list(args: argparse.Namespace) -> None:
    from bot.console.accounts import list_accounts

    accounts = list_accounts()
    if not accounts:
        print("No staff accounts yet. Add one: bot staff add EMAIL --role publisher")
    for account in accounts:
        print(f"{account.email:<40} {account.role:<10} added {account.created_at:%Y-%m-%d}")


def staff_remove(args: argparse.Namespace) -> None:
    from bot.console.accounts import remove_account
    from bot.console.audit import command_line_actor

    account = remove_account(args.email, command_line_actor())
    print(f"Removed {account.email} ({account.role}); their sessions have ended.")


def add_subparser(commands: Commands) -> None:
    staff = group(commands, "staff", "Staff console accounts (editors and publishers).")
    p = command(staff, "add", staff_add, "Add an account (the password is asked, or read).")
    p.add_argument("email", help="their email address; they sign in with it")
    p.add_argument(
        "--role",
        required=True,
        choices=("editor", "publisher"),
        help="editor: inbox, topics, fees, events, training; publisher: also releases, "
        "rollbacks and accounts",
    )
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
    )
    command(staff, "list", staff_list, "Show every account and its role.")
    p = command(staff, "remove", staff_remove, "Remove an account (signs it out everywhere).")
    p.add_argument("email")
