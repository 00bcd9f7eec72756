"""Shared fixtures: real databases (SQLite and PostgreSQL), one trained model per session,
and the real servers for end-to-end tests."""
from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Iterator

import pytest

from bot.serve import free_port  # noqa: F401  (tests import it from here)

os.environ["RASA_TELEMETRY_ENABLED"] = "false"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def _postgres_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped afterwards; skips if none is reachable."""
    import psycopg2
    from sqlalchemy.engine import make_url

    admin = make_url(POSTGRES_ADMIN_URL)
    try:
        connection = psycopg2.connect(
            host=admin.host, port=admin.port or 5432, user=admin.username,
            password=admin.password, dbname=admin.database, connect_timeout=3,
        )
    except psycopg2.OperationalError as error:
        pytest.skip(
            f"PostgreSQL is not reachable at {admin.render_as_string(hide_password=True)} "
            f"({str(error).strip()}); start it or set TEST_POSTGRES_URL. CI runs these tests."
        )
    connection.autocommit = True
    name = f"ir_careers_test_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        from bot.db.session import _engine

        _engine.cache_clear()  # closes nothing by itself: dispose pools before dropping
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each kind: migrate it yourself (see `migrated_db`)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'bot.db'}"
    else:
        yield from _postgres_database()


@pytest.fixture
def migrated_db(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A migrated and seeded database, also made the default through DATABASE_URL."""
    from bot.db.migrate import upgrade
    from bot.db.seed import seed

    upgrade(db_url)
    seed(db_url)
    monkeypatch.setenv("DATABASE_URL", db_url)
    return db_url


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The current model: trained once per session, and only if the data changed."""
    from bot.training.model import train

    return train()
