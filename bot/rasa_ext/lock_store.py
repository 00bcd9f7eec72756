"""A Redis conversation lock that holds across Rasa instances, and expires when one dies.

Rasa 3.6's RedisLockStore keeps a "ticket lock" as a JSON value that each instance reads,
changes and writes back (`issue_ticket`, `finish_serving`): two instances taking a ticket
at the same moment both get the same number and handle the same conversation at once, and
one of the two turns is lost. Its key has no expiry, and a ticket lives 60 s, so an
instance that dies holding it stalls that conversation for a minute. Its Redis client is
also synchronous, so each of those calls blocks the event loop.

This store keeps Rasa's interface (`async with lock_store.lock(conversation_id)`, the only
way Rasa 3.6 uses a lock store: rasa/core/agent.py, processor.py, server.py) but the lock
is one Redis key set atomically (`SET key token NX PX ttl`), owned by a random token:
- only its owner renews it (every ttl/3, while the message is handled) or deletes it;
- an instance that dies stops renewing, so its locks expire within `lock_ttl` seconds and
  the conversation goes on on another instance;
- a message that cannot get the lock within `wait` seconds raises Rasa's LockError (our
  channels answer it with the apology), and every Redis call has a timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
import uuid
from typing import Any, AsyncGenerator, Optional, Text

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

# Delete or extend the key only while it still holds our token.
_RELEASE = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"
)
_RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0"


class RedisMutexLockStore(LockStore):
    """One expiring Redis key per conversation being handled; see the module docstring."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        import redis.asyncio as redis

        options = dict(endpoint_config.kwargs)
        prefix = str(options.get("key_prefix") or "rasa")
        self.key_prefix = f"{prefix}:conversation-lock:"
        self.lock_ttl = float(options.get("lock_ttl", 5))
        self.wait = float(options.get("wait", 20))
        timeout = float(options.get("timeout", 2))
        self.url = endpoint_config.url or "redis://127.0.0.1:6379/0"
        self._redis = redis.Redis.from_url(
            self.url, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        super().__init__()

    def _key(self, conversation_id: Text) -> str:
        return self.key_prefix + conversation_id

    @contextlib.asynccontextmanager
    async def lock(
        self,
        conversation_id: Text,
        lock_lifetime: float = 0,
        wait_time_in_seconds: float = 0,
    ) -> AsyncGenerator[TicketLock, None]:
        """Hold the conversation's lock while the block runs (Rasa's arguments are ignored)."""
        key, token = self._key(conversation_id), uuid.uuid4().hex
        ttl_ms = int(self.lock_ttl * 1000)
        asked = time.monotonic()
        await self._acquire(key, token, ttl_ms, conversation_id)
        acquired = time.monotonic()
        # Stopped by an event, never cancelled: a Redis command cancelled mid-flight can
        # leave its reply on the pooled connection for the next command to read.
        done = asyncio.Event()
        renewal = asyncio.create_task(self._renew(key, token, ttl_ms, done))
        try:
            yield TicketLock(conversation_id)
        finally:
            done.set()
            await renewal
            held = time.monotonic() - acquired
            if held > self.lock_ttl or acquired - asked > self.lock_ttl:
                logger.warning(
                    "Slow message: waited %.1f s for its conversation's lock, held it %.1f s",
                    acquired - asked,
                    held,
                )
            try:
                await self._redis.eval(_RELEASE, 1, key, token)
            except Exception as error:  # it expires by itself within lock_ttl
                logger.warning("Could not release a conversation lock: %s", error)

    async def _acquire(self, key: str, token: str, ttl_ms: int, conversation_id: Text) -> None:
        deadline = time.monotonic() + self.wait
        delay = 0.005
        while True:
            try:
                if await self._redis.set(key, token, nx=True, px=ttl_ms):
                    return
            except Exception as error:
                raise LockError(f"The lock store is unavailable: {error}") from None
            if time.monotonic() >= deadline:
                raise LockError(
                    f"Could not acquire lock for conversation_id '{conversation_id}' "
                    f"within {self.wait:.0f} s."
                )
            # Jittered, growing waits: the holder usually finishes within tens of ms.
            await asyncio.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 1.5, 0.1)

    async def _renew(self, key: str, token: str, ttl_ms: int, done: asyncio.Event) -> None:
        while True:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(done.wait(), ttl_ms / 3000)
            if done.is_set():
                return
            try:
                if not await self._redis.eval(_RENEW, 1, key, token, ttl_ms):
                    logger.warning("A conversation lock expired while it was held")
                    return
            except Exception as error:
                logger.warning("Could not renew a conversation lock: %s", error)

    # Rasa's ticket-lock methods: nothing in Rasa 3.6 calls them on a store it did not
    # build itself, but the base class declares them.
    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        return None

    def delete_lock(self, conversation_id: Text) -> None:
        return None

    def save_lock(self, lock: TicketLock) -> None:
        return None

    def issue_ticket(self, conversation_id: Text, lock_lifetime: Any = 0) -> int:
        raise NotImplementedError("RedisMutexLockStore has no tickets; use lock().")
