"""`bot db`, `bot nlp`, `bot serve`, `bot chat`: set-up and running the assistant."""

from __future__ import annotations

import argparse
import sys

from bot.cli.common import Commands, command, group, safe_database_url


def db_migrate(args: argparse.Namespace) -> None:
    from bot.db.migrate import upgrade

    upgrade()
    print(f"Database schema up to date ({safe_database_url()}).")


def db_seed(args: argparse.Namespace) -> None:
    from bot.db.seed import seed

    added = seed()
    print(
        f"Seeded {added['membership_categories']} membership categories and "
        f"{added['events']} events (existing rows kept)."
    )


def db_setup(args: argparse.Namespace) -> None:
    db_migrate(args)
    db_seed(args)


def nlp_build(args: argparse.Namespace) -> None:
    from bot.nlp.build import build

    print(f"spaCy pipeline ready: {build(force=args.force)}")


def serve(args: argparse.Namespace) -> None:
    from bot.serve import main as serve_main

    sys.exit(serve_main())


def chat(args: argparse.Namespace) -> None:
    from bot.serve import chat as chat_main

    sys.exit(chat_main())


def add_subparser(commands: Commands) -> None:
    db = group(commands, "db", "Database set-up.")
    command(db, "migrate", db_migrate, "Apply schema migrations (Alembic).")
    command(db, "seed", db_seed, "Add the initial fees and events that are missing.")
    command(db, "setup", db_setup, "Migrate, then seed.")
    nlp = group(commands, "nlp", "The project's spaCy pipeline.")
    p = command(nlp, "build", nlp_build, "Build var/spacy/en_ir_careers from bot/nlp/patterns.yml.")
    p.add_argument("--force", action="store_true", help="rebuild even when up to date")
    command(commands, "serve", serve, "Set up, then run the action server and Rasa.")
    command(commands, "chat", chat, "Talk to the assistant in the terminal.")
