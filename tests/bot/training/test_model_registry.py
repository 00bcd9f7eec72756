"""The model registry on real databases (SQLite, and PostgreSQL when reachable)."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect

from bot.db.migrate import upgrade
from bot.db.session import get_engine
from bot.errors import StaffError
from bot.settings import PROJECT_ROOT
from bot.training.candidates import git_commit
from bot.training.registry import ModelRegistry, ReleaseRecord, release_stack


@pytest.fixture
def registry(db_url: str) -> ModelRegistry:
    upgrade(db_url)
    return ModelRegistry(db_url)


def test_the_migration_creates_the_registry_tables(registry: ModelRegistry, db_url: str) -> None:
    columns = {c["name"] for c in inspect(get_engine(db_url)).get_columns("trained_models")}
    assert columns == {"id", "path", "fingerprint", "git_commit", "created_at", "status",
                       "metrics", "released_at", "released_by", "reason"}


def test_register_resolve_release_and_roll_back(registry: ModelRegistry, tmp_path: Path) -> None:
    with pytest.raises(StaffError, match="There is no candidate model: run `bot train`"):
        registry.resolve(None)
    a = registry.add(tmp_path / "a.tar.gz", "fa", "abc123", {"accuracy": 0.9})
    assert registry.add(tmp_path / "a.tar.gz", "fa", None) == a  # registered once
    b = registry.add(tmp_path / "b.tar.gz", "fb", None)
    c = registry.add(tmp_path / "c.tar.gz", "fc", None)
    assert a.status == "candidate" and a.metrics == {"accuracy": 0.9} and a.git_commit == "abc123"
    assert registry.resolve(None) == c  # the newest candidate
    assert registry.resolve("#1") == a and registry.resolve("2") == b
    assert registry.resolve(str(tmp_path / "c.tar.gz")) == c and registry.resolve("b.tar.gz") == b
    with pytest.raises(StaffError, match="No model '9' in the registry"):
        registry.resolve("9")
    with pytest.raises(StaffError, match="nothing to roll back"):
        registry.rollback_target()

    registry.record(a.id, "release", "alice", "first")
    with pytest.raises(StaffError, match="no earlier release"):
        registry.rollback_target()
    registry.record(b.id, "release", "bob", "better fees answers")
    registry.record(c.id, "release", "carol", None, forced=True)
    assert registry.released().id == c.id
    assert [m.status for m in registry.list()] == ["retired", "retired", "released"]
    assert registry.get(c.id).released_by == "carol"

    current, previous = registry.rollback_target()
    assert (current.id, previous.id) == (c.id, b.id)
    registry.record(b.id, "rollback", "dave", "rollback from #3")
    current, previous = registry.rollback_target()  # walks back, not back and forth
    assert (current.id, previous.id) == (b.id, a.id)
    released = registry.released()
    assert (released.id, released.released_by, released.reason) == (b.id, "dave", "rollback from #3")
    history = registry.history()
    assert [(h.action, h.model_id, h.by, h.forced) for h in history] == [
        ("release", a.id, "alice", False), ("release", b.id, "bob", False),
        ("release", c.id, "carol", True), ("rollback", b.id, "dave", False)]


def test_release_stack() -> None:
    def event(action: str, model: int) -> ReleaseRecord:
        return ReleaseRecord(0, model, action, None, "x", None, False)

    assert release_stack([event("release", 1), event("release", 2), event("rollback", 1),
                          event("release", 3)]) == [1, 3]


def test_git_commit_is_recorded_when_there_is_git(tmp_path: Path) -> None:
    commit = git_commit(PROJECT_ROOT)
    assert commit is None or len(commit) == 40
    assert git_commit(tmp_path) is None  # not a repository: tolerated
