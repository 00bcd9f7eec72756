"""The shared record of Slack events already taken: SQLite, PostgreSQL and Redis, for real."""
from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import insert, select

from bot.channels.slack_seen import RedisSeenEvents, SqlSeenEvents, seen_events
from bot.db.models import SlackSeenEvent
from bot.db.session import get_engine

REDIS_URL = "redis://127.0.0.1:6379/0"


def new_id() -> str:
    return f"Ev{uuid.uuid4().hex}"


@pytest.fixture
def sql_store(db_url: str) -> SqlSeenEvents:
    from bot.db.migrate import upgrade

    upgrade(db_url)
    return SqlSeenEvents(db_url)


async def test_an_event_is_claimed_once(sql_store: SqlSeenEvents) -> None:
    event_id = new_id()
    assert await sql_store.claim(event_id) is True
    assert await sql_store.claim(event_id) is False
    assert await sql_store.claim(new_id()) is True


async def test_two_instances_racing_for_one_event_claim_it_once(sql_store: SqlSeenEvents) -> None:
    other_instance = SqlSeenEvents(sql_store.url)
    event_id = new_id()
    results = await asyncio.gather(*(
        store.claim(event_id) for store in [sql_store, other_instance] * 5
    ))
    assert sorted(results) == [False] * 9 + [True]


async def test_expired_claims_are_deleted_now_and_then(sql_store: SqlSeenEvents) -> None:
    table = SlackSeenEvent.__table__
    engine = get_engine(sql_store.url)
    with engine.begin() as connection:
        connection.execute(insert(table).values(event_id="old", seen_at=datetime.utcnow() - timedelta(hours=2)))
        connection.execute(insert(table).values(event_id="recent", seen_at=datetime.utcnow()))
    assert await sql_store.claim(new_id())  # the first claim of an instance cleans up
    with engine.connect() as connection:
        left = set(connection.execute(select(table.c.event_id)).scalars())
    assert "old" not in left and "recent" in left
    with engine.begin() as connection:
        connection.execute(insert(table).values(event_id="old2", seen_at=datetime.utcnow() - timedelta(hours=2)))
    assert await sql_store.claim(new_id())  # not again within ten minutes
    with engine.connect() as connection:
        assert "old2" in set(connection.execute(select(table.c.event_id)).scalars())


async def test_database_calls_run_off_the_event_loop_thread(sql_store: SqlSeenEvents, monkeypatch) -> None:
    import threading

    loop_thread = threading.get_ident()
    threads = []
    original = sql_store._claim

    def recording(event_id: str) -> bool:
        threads.append(threading.get_ident())
        return original(event_id)

    monkeypatch.setattr(sql_store, "_claim", recording)
    assert await sql_store.claim(new_id())
    assert threads and threads[0] != loop_thread


async def test_redis_claims_are_shared_and_expire() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.exceptions.ConnectionError as error:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({error}); CI runs this test.")
    first, second = RedisSeenEvents(REDIS_URL, expiry=60), RedisSeenEvents(REDIS_URL, expiry=60)
    event_id = new_id()
    try:
        assert await first.claim(event_id) is True
        assert await second.claim(event_id) is False  # another instance sees the claim
        ttl = await first.client.ttl(f"ircareers:slack:event:{event_id}")
        assert 0 < ttl <= 60
    finally:
        await first.client.delete(f"ircareers:slack:event:{event_id}")
        await first.client.close()
        await second.client.close()


def test_redis_is_used_when_configured(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    assert isinstance(seen_events(), RedisSeenEvents)
    monkeypatch.delenv("REDIS_URL")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'bot.db'}")
    store = seen_events()
    assert isinstance(store, SqlSeenEvents) and store.url == f"sqlite:///{tmp_path / 'bot.db'}"
