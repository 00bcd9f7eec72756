"""Schema changes through Alembic, callable from Python (the `bot db migrate` command)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from alembic import command
from alembic.config import Config

from bot import settings
from bot.db.session import get_engine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: Optional[str] = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # "%" must be doubled for Alembic's ConfigParser (passwords may contain it).
    config.set_main_option("sqlalchemy.url", (url or settings.database_url()).replace("%", "%%"))
    return config


def upgrade(url: Optional[str] = None, revision: str = "head") -> None:
    """Bring the database schema up to `revision` (creating the SQLite file if needed)."""
    get_engine(url)  # creates var/ for the default SQLite file
    command.upgrade(alembic_config(url), revision)
