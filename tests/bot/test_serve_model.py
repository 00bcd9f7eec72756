"""Which model `bot serve` serves: the released one when staff have released one."""
from __future__ import annotations

from pathlib import Path

from bot.serve import model_to_serve
from bot.training.registry import ModelRegistry


def test_the_first_model_served_is_released_as_the_baseline(migrated_db: str, tmp_path: Path) -> None:
    """So the first `bot release` is gated against it and the first rollback returns to it."""
    current = tmp_path / "current.tar.gz"
    current.write_bytes(b"x")
    assert model_to_serve(current) == current
    registry = ModelRegistry()
    released = registry.released()
    assert released and Path(released.path) == current.resolve()
    assert [(h.action, h.by) for h in registry.history()] == [("release", "bot serve")]
    newer = tmp_path / "newer.tar.gz"
    newer.write_bytes(b"y")
    assert model_to_serve(newer) == current  # later starts serve the released one
    assert len(registry.history()) == 1


def test_a_released_model_wins_over_a_newer_candidate(migrated_db: str, tmp_path: Path) -> None:
    released, current = tmp_path / "released.tar.gz", tmp_path / "current.tar.gz"
    released.write_bytes(b"r")
    current.write_bytes(b"c")
    registry = ModelRegistry()
    record = registry.add(released, fingerprint="abc", git_commit=None)
    registry.add(current, fingerprint="def", git_commit=None)  # a newer candidate
    registry.record(record.id, action="release", by="tester", reason="test")
    assert model_to_serve(current) == released
