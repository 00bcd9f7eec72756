"""Where things live and which services to use: embedded defaults, overridden by environment.

A newcomer needs nothing: SQLite files under `var/`. Production sets DATABASE_URL
(PostgreSQL), TRACKER_STORE_URL and REDIS_URL (a lock store shared by several Rasa instances).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Mapping, Optional

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Held-out test questions, relative to a project root: never used for training.
HELDOUT_FILE = Path("tests") / "nlu" / "heldout.yml"


def today() -> date:
    """Today's date, which decides what is upcoming; BOT_TODAY (YYYY-MM-DD) pins it for
    demos and tests. The bot and the staff command line both ask here, so they agree."""
    pinned = os.environ.get("BOT_TODAY")
    return date.fromisoformat(pinned) if pinned else date.today()


def var_dir() -> Path:
    """Generated state: databases, the spaCy pipeline, logs. Never committed."""
    return Path(os.environ.get("BOT_VAR_DIR", PROJECT_ROOT / "var"))


def models_dir() -> Path:
    return Path(os.environ.get("BOT_MODELS_DIR", PROJECT_ROOT / "models"))


def _normalise_url(url: str) -> str:
    # Heroku-style URLs say "postgres://", which SQLAlchemy 1.4 no longer accepts.
    if url.startswith("postgres://"):
        return "postgresql://" + url[len("postgres://") :]
    return url


def database_url() -> str:
    """The events and fees database."""
    url = os.environ.get("DATABASE_URL")
    return _normalise_url(url) if url else f"sqlite:///{var_dir() / 'ir_careers.db'}"


def tracker_store_url() -> str:
    """Where conversations are kept, so a restart loses none of them."""
    url = os.environ.get("TRACKER_STORE_URL")
    return _normalise_url(url) if url else f"sqlite:///{var_dir() / 'tracker.db'}"


def redis_url() -> str | None:
    """A Redis lock store, needed when several Rasa instances serve the same conversations."""
    return os.environ.get("REDIS_URL") or None


def rasa_port() -> int:
    return int(os.environ.get("RASA_PORT", "5005"))


def action_port() -> int:
    return int(os.environ.get("ACTION_PORT", "5055"))


def action_server_url() -> str:
    return os.environ.get("ACTION_SERVER_URL", f"http://127.0.0.1:{action_port()}/webhook")


def rasa_api_token() -> str | None:
    """Rasa's HTTP API is enabled only when this token is set."""
    return os.environ.get("RASA_API_TOKEN") or None


def bind_host() -> str:
    """The address both servers listen on: loopback, so only this machine (and a reverse
    proxy on it) reaches them. Containers set BOT_BIND_HOST=0.0.0.0."""
    return os.environ.get("BOT_BIND_HOST") or "127.0.0.1"


def action_server_secret() -> str | None:
    """Shared secret the Rasa servers send to the action server (needed off loopback)."""
    return os.environ.get("ACTION_SERVER_SECRET") or None


def _seconds(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


def max_body_bytes() -> int:
    """Largest request body either server reads; bigger ones get 413 before any parsing."""
    return int(os.environ.get("BOT_MAX_BODY_BYTES") or 64 * 1024)


def db_timeout() -> float:
    """Seconds a database call may take (connect, statement, the whole read) before the
    user gets the apology: a database that hangs must not leave a question unanswered."""
    return _seconds("BOT_DB_TIMEOUT", 2.0)


def action_timeout() -> float:
    """Seconds Rasa waits for the action server (Rasa's own default is five minutes)."""
    return _seconds("BOT_ACTION_TIMEOUT", 3.0)


def lock_ttl() -> float:
    """Seconds a conversation lock outlives a Rasa instance that died holding it."""
    return _seconds("BOT_LOCK_TTL", 5.0)


def lock_wait() -> float:
    """Seconds a message waits for its conversation's lock before the apology."""
    return _seconds("BOT_LOCK_WAIT", 20.0)


RETENTION_DAYS = 90  # conversations older than this are purged (bot/retention.py)


def retention_days() -> int:
    """Days conversations are kept (BOT_RETENTION_DAYS); `bot serve` purges older ones daily."""
    value = os.environ.get("BOT_RETENTION_DAYS", "").strip()
    if not value:
        return RETENTION_DAYS
    if not value.isdigit() or int(value) < 1:
        raise ValueError(
            f"BOT_RETENTION_DAYS must be a whole number of days (1 or more), not {value!r}"
        )
    return int(value)


def spacy_pipeline_dir() -> Path:
    # Fixed under the project root: config.yml names this path (relative to the root).
    return PROJECT_ROOT / "var" / "spacy" / "en_ir_careers"


SLACK_API_URL = "https://slack.com/api/"


@dataclass(frozen=True)
class SlackSettings:
    """The Slack app's secrets (kept out of repr, so they never reach a log) and API base."""

    token: str = field(repr=False)
    signing_secret: str = field(repr=False)
    api_url: str = SLACK_API_URL


def slack_settings(env: Optional[Mapping[str, str]] = None) -> Optional[SlackSettings]:
    """SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and SLACK_API_URL; None unless both secrets are set.

    `env` defaults to this process's environment; `bot serve` passes the servers' own.
    """
    env = os.environ if env is None else env
    token, secret = env.get("SLACK_BOT_TOKEN"), env.get("SLACK_SIGNING_SECRET")
    if not token or not secret:
        return None
    base = env.get("SLACK_API_URL") or SLACK_API_URL
    return SlackSettings(token, secret, base.rstrip("/") + "/")
