"""Rasa endpoints from environment settings: tracker store and the Redis lock store."""
from __future__ import annotations

import asyncio
import uuid

import pytest
import yaml

from bot.endpoints import endpoints, lock_store, tracker_store, write_endpoints

REDIS_URL = "redis://127.0.0.1:6379/0"


def test_defaults_are_embedded(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    for name in ("TRACKER_STORE_URL", "REDIS_URL", "ACTION_SERVER_URL", "ACTION_PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BOT_VAR_DIR", str(tmp_path))
    config = endpoints()
    assert config["action_endpoint"] == {"url": "http://127.0.0.1:5055/webhook"}
    assert config["tracker_store"]["type"] == "bot.rasa_ext.tracker_store.WindowedSQLTrackerStore"
    assert config["tracker_store"]["db"] == str(tmp_path / "tracker.db")
    assert "lock_store" not in config


def test_production_settings(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("TRACKER_STORE_URL", "postgres://rasa:s3cret@db.internal:5433/conversations")
    monkeypatch.setenv("REDIS_URL", "redis://:pw@cache.internal:6380/2")
    path = write_endpoints(tmp_path / "endpoints.yml")
    written = yaml.safe_load(path.read_text())
    assert written["tracker_store"] == {
        "type": "bot.rasa_ext.tracker_store.WindowedSQLTrackerStore", "dialect": "postgresql",
        "db": "conversations", "window_events": 30, "host": "db.internal", "port": 5433,
        "username": "rasa", "password": "s3cret",
    }
    assert written["lock_store"] == {
        "type": "redis", "url": "cache.internal", "port": 6380, "db": 2,
        "key_prefix": "ircareers", "password": "pw",
    }


def test_the_lock_store_is_shared_through_real_redis() -> None:
    """Two Rasa instances configured this way see each other's conversation locks."""
    import redis
    from rasa.core.lock_store import LockStore
    from rasa.utils.endpoints import EndpointConfig

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.exceptions.ConnectionError as error:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({error}); CI runs this test.")
    config = EndpointConfig.from_dict(lock_store(REDIS_URL))
    first, second = LockStore.create(config), LockStore.create(config)
    assert type(first).__name__ == "RedisLockStore"
    assert first.key_prefix.startswith("ircareers:")
    conversation = f"test-{uuid.uuid4().hex}"

    async def hold() -> None:
        async with first.lock(conversation) as held:
            seen = second.get_lock(conversation)  # the other instance reads it from Redis
            assert seen is not None
            assert seen.now_serving == held.now_serving
            assert seen.is_locked(held.last_issued + 1)  # a newcomer would have to wait

    asyncio.run(hold())
    assert second.get_lock(conversation) is None  # released for everyone


def test_tracker_store_for_sqlite_creates_its_folder(tmp_path) -> None:
    config = tracker_store(f"sqlite:///{tmp_path / 'deep' / 'tracker.db'}")
    assert (tmp_path / "deep").is_dir()
    assert config["dialect"] == "sqlite"
