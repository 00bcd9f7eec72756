"""`bot fees`: membership fees by category (live in the next answer)."""

from __future__ import annotations

import argparse

from bot.cli.common import Commands, command, group


def fees_list(args: argparse.Namespace) -> None:
    from bot.db.repositories import MembershipRepository

    categories = MembershipRepository().list()
    if not categories:
        print("No membership categories yet. Run `bot db setup` to seed them.")
        return
    width = max(len(c.slug) for c in categories)
    for c in categories:
        print(f"{c.slug:<{width}}  {c.annual_fee:>9} {c.currency}  ({c.fee_text})  {c.name}")


def fees_set(args: argparse.Namespace) -> None:
    from bot.db.repositories import MembershipRepository, parse_fee

    repository = MembershipRepository()
    parse_fee(args.amount)  # a bad amount is refused before anything is read or changed
    before = repository.get(args.category)
    category = repository.set_fee(args.category, args.amount)
    from bot.console.audit import command_line_actor, record

    was_text = before.fee_text if before else "?"
    record(command_line_actor(), "fee changed", category.slug, f"{was_text} → {category.fee_text}")
    was = f" (was {before.fee_text})" if before else ""
    print(f"{category.name} ({category.slug}) is now {category.fee_text}{was}.")


def add_subparser(commands: Commands) -> None:
    fees = group(commands, "fees", "Membership fees by category.")
    command(fees, "list", fees_list, "Show every category and its annual fee.")
    p = command(fees, "set", fees_set, "Change one category's annual fee.")
    p.add_argument("category", help="category id, e.g. resident-in-training (see `bot fees list`)")
    p.add_argument("amount", help="annual fee, e.g. 50 or 49.99; 0 means free")
