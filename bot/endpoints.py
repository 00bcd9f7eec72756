"""Rasa's endpoints file, written from settings (Rasa's own ${VAR} syntax has no defaults)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Optional

import yaml
from sqlalchemy.engine import make_url

from bot import settings
from bot.db.session import connect_args

SECRET_HEADER = "X-Action-Secret"

# Events the tracker store loads per message (about ten turns; see bot/rasa_ext/tracker_store.py).
WINDOW_EVENTS = 30


def tracker_store(url: str) -> Dict[str, Any]:
    """Tracker store settings for a SQLAlchemy URL: Rasa's SQL store, windowed.

    The whole URL goes in `url`: Rasa passes an endpoint's `url` to a custom store as
    `host=` (and SQLTrackerStore uses a `host` containing "://" as the URL itself), so a
    separate `host:` key would be passed twice. Driver timeouts are added to its query.
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    query = {k: str(v) for k, v in connect_args(backend).items()}
    query.update(parsed.query)  # the operator's own options win
    return {
        "type": "bot.rasa_ext.tracker_store.WindowedSQLTrackerStore",
        "url": parsed.set(query=query).render_as_string(hide_password=False),
        "window_events": WINDOW_EVENTS,
    }


def lock_store(url: Optional[str]) -> Optional[Dict[str, Any]]:
    """A Redis lock store, so several Rasa instances never handle one conversation at once.

    Ours (bot/rasa_ext/lock_store.py), not Rasa's "redis" type, whose ticket lock is a
    read-modify-write across instances and loses turns.
    """
    if not url:
        return None
    return {
        "type": "bot.rasa_ext.lock_store.RedisMutexLockStore",
        "url": url,
        "key_prefix": "ircareers",
        "lock_ttl": settings.lock_ttl(),
        "wait": settings.lock_wait(),
        "timeout": settings.db_timeout(),
    }


def action_endpoint(url: str) -> Dict[str, Any]:
    """The action server, with the shared secret as a header when one is set.

    The file holds `${ACTION_SERVER_SECRET}`, which Rasa expands from its environment when
    it reads the file: the secret itself is never written down.
    """
    config: Dict[str, Any] = {"url": url}
    if settings.action_server_secret():
        config["headers"] = {SECRET_HEADER: "${ACTION_SERVER_SECRET}"}
    return config


def endpoints(
    action_url: Optional[str] = None,
    tracker_url: Optional[str] = None,
    redis_url: Optional[str] = None,
) -> Dict[str, Any]:
    """Rasa endpoints; each argument defaults to its environment setting."""
    config: Dict[str, Any] = {
        "action_endpoint": action_endpoint(action_url or settings.action_server_url()),
        "tracker_store": tracker_store(tracker_url or settings.tracker_store_url()),
    }
    locks = lock_store(redis_url or settings.redis_url())
    if locks:
        config["lock_store"] = locks
    return config


def write_endpoints(path: Optional[Path] = None, **overrides: Optional[str]) -> Path:
    """Write the endpoints file (arguments as for `endpoints`)."""
    path = path or settings.var_dir() / "endpoints.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)  # it holds the databases' URLs, passwords included
    path.chmod(0o600)
    path.write_text(
        "# Written by `bot serve` from environment variables; edits here are overwritten.\n"
        + yaml.safe_dump(endpoints(**overrides), sort_keys=False)
    )
    return path
