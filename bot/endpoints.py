"""Rasa's endpoints file, written from settings (Rasa's own ${VAR} syntax has no defaults)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Optional
from urllib.parse import urlsplit

import yaml
from sqlalchemy.engine import make_url

from bot import settings

# Events the tracker store loads per message (about ten turns; see bot/rasa_ext/tracker_store.py).
WINDOW_EVENTS = 30


def tracker_store(url: str) -> Dict[str, Any]:
    """Tracker store settings for a SQLAlchemy URL: Rasa's SQL store, windowed."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    config: Dict[str, Any] = {
        "type": "bot.rasa_ext.tracker_store.WindowedSQLTrackerStore",
        "dialect": backend,
        "db": parsed.database,
        "window_events": WINDOW_EVENTS,
    }
    if backend == "sqlite":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        return config
    config.update(
        host=parsed.host or "127.0.0.1",
        port=parsed.port,
        username=parsed.username,
        password=parsed.password,
    )
    return {k: v for k, v in config.items() if v is not None}


def lock_store(url: Optional[str]) -> Optional[Dict[str, Any]]:
    """A Redis lock store, so several Rasa instances never handle one conversation at once."""
    if not url:
        return None
    parsed = urlsplit(url)
    config: Dict[str, Any] = {
        "type": "redis",
        "url": parsed.hostname or "127.0.0.1",
        "port": parsed.port or 6379,
        "db": int(parsed.path.strip("/") or 0),
        "key_prefix": "ircareers",  # Rasa accepts only letters and digits here
    }
    if parsed.password:
        config["password"] = parsed.password
    return config


def endpoints(
    action_url: Optional[str] = None,
    tracker_url: Optional[str] = None,
    redis_url: Optional[str] = None,
) -> Dict[str, Any]:
    """Rasa endpoints; each argument defaults to its environment setting."""
    config: Dict[str, Any] = {
        "action_endpoint": {"url": action_url or settings.action_server_url()},
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
    path.write_text(
        "# Written by `bot serve` from environment variables; edits here are overwritten.\n"
        + yaml.safe_dump(endpoints(**overrides), sort_keys=False)
    )
    return path
