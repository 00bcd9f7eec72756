"""Rasa endpoints from environment settings: tracker store and the Redis lock store."""
from __future__ import annotations

import pytest
import yaml

from bot.endpoints import endpoints, tracker_store, write_endpoints

def test_defaults_are_embedded(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    for name in ("TRACKER_STORE_URL", "REDIS_URL", "ACTION_SERVER_URL", "ACTION_PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BOT_VAR_DIR", str(tmp_path))
    config = endpoints()
    assert config["action_endpoint"] == {"url": "http://127.0.0.1:5055/webhook"}
    assert config["tracker_store"]["type"] == "bot.rasa_ext.tracker_store.WindowedSQLTrackerStore"
    assert config["tracker_store"]["url"].startswith(f"sqlite:///{tmp_path / 'tracker.db'}?")
    assert "lock_store" not in config


def test_production_settings(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("TRACKER_STORE_URL", "postgres://rasa:s3cret@db.internal:5433/conversations")
    monkeypatch.setenv("REDIS_URL", "redis://:pw@cache.internal:6380/2")
    monkeypatch.setenv("ACTION_SERVER_SECRET", "shh")
    path = write_endpoints(tmp_path / "endpoints.yml")
    assert path.stat().st_mode & 0o077 == 0  # passwords inside: the owner's eyes only
    written = yaml.safe_load(path.read_text())
    store = written["tracker_store"]
    assert "host" not in store  # Rasa passes `url` as host=: both would clash
    assert store["url"].startswith("postgresql://rasa:s3cret@db.internal:5433/conversations?")
    assert "connect_timeout=2" in store["url"] and "statement_timeout" in store["url"]
    assert written["lock_store"]["type"] == "bot.rasa_ext.lock_store.RedisMutexLockStore"
    assert written["lock_store"]["url"] == "redis://:pw@cache.internal:6380/2"
    assert written["action_endpoint"]["headers"] == {"X-Action-Secret": "${ACTION_SERVER_SECRET}"}
    assert "shh" not in path.read_text()


def test_rasa_builds_the_postgresql_store_from_the_written_file(tmp_path) -> None:
    """What `rasa run` does with the file (it used to fail: `host` given twice)."""
    from rasa.core.tracker_store import create_tracker_store
    from rasa.core.utils import read_endpoints_from_path
    from rasa.shared.core.domain import Domain

    from bot.rasa_ext.tracker_store import WindowedSQLTrackerStore
    from tests.conftest import _postgres_database

    databases = _postgres_database()
    url = next(databases)
    try:
        path = write_endpoints(tmp_path / "endpoints.yml", tracker_url=url)
        store = create_tracker_store(read_endpoints_from_path(path).tracker_store, Domain.empty())
        assert isinstance(store, WindowedSQLTrackerStore)
        assert store.engine.url.database == url.rsplit("/", 1)[1]
        store.engine.dispose()
    finally:
        next(databases, None)


def test_tracker_store_for_sqlite_creates_its_folder(tmp_path) -> None:
    config = tracker_store(f"sqlite:///{tmp_path / 'deep' / 'tracker.db'}")
    assert (tmp_path / "deep").is_dir()
    assert config["url"].startswith("sqlite:///") and "timeout=" in config["url"]
