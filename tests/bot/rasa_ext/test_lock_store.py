"""The conversation lock across Rasa instances, on a real Redis.

Each "instance" is a thread with its own event loop and its own lock store built from the
endpoint settings `bot serve` writes, as separate Rasa processes would be.
"""
from __future__ import annotations

import asyncio
import threading
import time
import uuid

import pytest
from rasa.core.lock_store import LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

from bot.endpoints import lock_store

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def make_store(monkeypatch: pytest.MonkeyPatch):
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.exceptions.ConnectionError as error:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({error}); CI runs this test.")
    monkeypatch.setenv("BOT_LOCK_TTL", "1")
    monkeypatch.setenv("BOT_LOCK_WAIT", "5")

    def make() -> LockStore:
        return LockStore.create(EndpointConfig.from_dict(lock_store(REDIS_URL)))

    return make


def test_two_instances_never_handle_one_conversation_at_once(make_store) -> None:
    conversation = f"test-{uuid.uuid4().hex}"
    inside, most, handled = [0], [0], [0]
    guard = threading.Lock()

    async def message(store: LockStore) -> None:
        async with store.lock(conversation):
            with guard:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            await asyncio.sleep(0.003)  # reading and saving the tracker
            with guard:
                inside[0] -= 1
                handled[0] += 1

    def instance() -> None:
        store = make_store()

        async def burst() -> None:
            await asyncio.gather(*(message(store) for _ in range(30)))

        asyncio.run(burst())

    threads = [threading.Thread(target=instance, daemon=True) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert handled[0] == 60
    assert most[0] == 1  # Rasa's own Redis ticket lock let two in at once


def test_a_held_lock_expires_and_is_renewed(make_store) -> None:
    import redis

    store = make_store()
    conversation = f"test-{uuid.uuid4().hex}"
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=2)
    key = f"ircareers:conversation-lock:{conversation}"

    async def hold_longer_than_the_ttl() -> None:
        async with store.lock(conversation):
            assert 0 < client.pttl(key) <= 1000  # never a key without expiry
            await asyncio.sleep(1.5)  # renewed while the message is handled
            assert client.exists(key)

    asyncio.run(hold_longer_than_the_ttl())
    assert not client.exists(key)  # released


def test_a_lock_left_by_a_dead_instance_frees_the_conversation_within_its_ttl(make_store) -> None:
    import redis

    conversation = f"test-{uuid.uuid4().hex}"
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=2)
    # What an instance killed while handling a message leaves behind.
    client.set(f"ircareers:conversation-lock:{conversation}", "dead", px=1000)
    store = make_store()

    async def next_message() -> float:
        started = time.monotonic()
        async with store.lock(conversation):
            return time.monotonic() - started

    assert asyncio.run(next_message()) < 1.5


def test_a_lock_that_cannot_be_had_in_time_raises_lock_error(make_store, monkeypatch) -> None:
    import redis

    monkeypatch.setenv("BOT_LOCK_WAIT", "0.3")
    conversation = f"test-{uuid.uuid4().hex}"
    redis.Redis.from_url(REDIS_URL).set(f"ircareers:conversation-lock:{conversation}", "x", px=5000)
    store = make_store()

    async def message() -> None:
        async with store.lock(conversation):
            pass

    with pytest.raises(LockError):
        asyncio.run(message())
