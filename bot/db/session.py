"""Engines and sessions: one engine per database URL, one short session per request."""

from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterator, Optional

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from bot import settings


def get_engine(url: Optional[str] = None) -> Engine:
    """A pooled engine for `url` (default: DATABASE_URL or the SQLite file under var/)."""
    return _engine(url or settings.database_url())


@lru_cache(maxsize=8)
def _engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    backend = parsed.get_backend_name()
    pool: Dict[str, Any] = {} if backend == "sqlite" else {"pool_timeout": settings.db_timeout()}
    return create_engine(
        url, future=True, pool_pre_ping=True, connect_args=connect_args(backend), **pool
    )


def connect_args(backend: str) -> Dict[str, Any]:
    """Driver options so no database call waits for ever (see settings.db_timeout).

    libpq's connect_timeout counts whole seconds, at least 2; statement_timeout is in ms.
    """
    timeout = settings.db_timeout()
    if backend == "postgresql":
        return {
            "connect_timeout": max(2, round(timeout)),
            "options": f"-c statement_timeout={int(timeout * 1000)}",
        }
    if backend == "sqlite":
        return {"timeout": timeout}  # waiting for another writer's lock
    return {}


@contextmanager
def session_scope(url: Optional[str] = None) -> Iterator[Session]:
    """A session that commits on success, rolls back on error and is always closed."""
    factory = sessionmaker(bind=get_engine(url), future=True, expire_on_commit=False)
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
