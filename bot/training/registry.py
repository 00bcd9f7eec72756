"""The model registry: every trained model, which one is released, who released it and why.

A model file alone says nothing about whether it was checked or who put it in front of
users; the registry does, and its release history is what `bot rollback` walks back.
Every method opens its own session (as bot.db.repositories do), so a web page can call
them too.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy import select

from bot.db.models import ModelRelease, TrainedModel
from bot.db.session import session_scope
from bot.errors import BadInput, StaffError

CANDIDATE, RELEASED, RETIRED = "candidate", "released", "retired"


@dataclass(frozen=True)
class ModelRecord:
    id: int
    path: str
    fingerprint: str
    git_commit: Optional[str]
    created_at: datetime
    status: str
    metrics: Optional[Dict[str, Any]]
    released_at: Optional[datetime]
    released_by: Optional[str]
    reason: Optional[str]

    @property
    def name(self) -> str:
        return Path(self.path).name

    @property
    def label(self) -> str:
        """How staff see a model: '#3 (ir-careers-1a2b3c.tar.gz)'."""
        return f"#{self.id} ({self.name})"


@dataclass(frozen=True)
class ReleaseRecord:
    id: int
    model_id: int
    action: str
    at: datetime
    by: str
    reason: Optional[str]
    forced: bool


def _record(row: TrainedModel) -> ModelRecord:
    return ModelRecord(**{f.name: getattr(row, f.name) for f in fields(ModelRecord)})


def _release(row: ModelRelease) -> ReleaseRecord:
    return ReleaseRecord(**{f.name: getattr(row, f.name) for f in fields(ReleaseRecord)})


def now() -> datetime:
    """UTC, without a zone (the same on SQLite and PostgreSQL)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def release_stack(history: List[ReleaseRecord]) -> List[int]:
    """Model ids in front of users, oldest first: a release pushes, a rollback pops.

    So rolling back twice goes back two releases, never back and forth between two.
    """
    stack: List[int] = []
    for event in history:
        if event.action == "release":
            stack.append(event.model_id)
        elif stack:
            stack.pop()
    return stack


class ModelRegistry:
    """Trained models and their releases, in DATABASE_URL (or `url`)."""

    def __init__(self, url: Optional[str] = None) -> None:
        self.url = url

    def list(self) -> List[ModelRecord]:
        with session_scope(self.url) as session:
            rows = session.execute(select(TrainedModel).order_by(TrainedModel.id))
            return [_record(row) for row in rows.scalars()]

    def get(self, model_id: int) -> Optional[ModelRecord]:
        with session_scope(self.url) as session:
            row = session.get(TrainedModel, model_id)
            return _record(row) if row else None

    def find(self, path: Path) -> Optional[ModelRecord]:
        with session_scope(self.url) as session:
            row = session.execute(
                select(TrainedModel).where(TrainedModel.path == str(Path(path).resolve()))
            ).scalar_one_or_none()
            return _record(row) if row else None

    def add(
        self,
        path: Path,
        fingerprint: str,
        git_commit: Optional[str],
        metrics: Optional[Dict[str, Any]] = None,
    ) -> ModelRecord:
        """Register a trained model as a candidate (or return it if already registered)."""
        existing = self.find(path)
        if existing:
            return existing
        with session_scope(self.url) as session:
            row = TrainedModel(
                path=str(Path(path).resolve()),
                fingerprint=fingerprint,
                git_commit=git_commit,
                created_at=now(),
                status=CANDIDATE,
                metrics=metrics,
            )
            session.add(row)
            session.flush()
            return _record(row)

    def set_metrics(self, model_id: int, metrics: Dict[str, Any]) -> ModelRecord:
        with session_scope(self.url) as session:
            row = session.get(TrainedModel, model_id)
            row.metrics = metrics
            session.flush()
            return _record(row)

    def released(self) -> Optional[ModelRecord]:
        with session_scope(self.url) as session:
            row = session.execute(
                select(TrainedModel).where(TrainedModel.status == RELEASED)
            ).scalar_one_or_none()
            return _record(row) if row else None

    def newest_candidate(self) -> Optional[ModelRecord]:
        with session_scope(self.url) as session:
            row = session.execute(
                select(TrainedModel)
                .where(TrainedModel.status == CANDIDATE)
                .order_by(TrainedModel.id.desc())
                .limit(1)
            ).scalar_one_or_none()
            return _record(row) if row else None

    def resolve(self, ref: Optional[str]) -> ModelRecord:
        """A model by number ('3' or '#3'), file path or file name; default: newest candidate."""
        if ref is None:
            candidate = self.newest_candidate()
            if candidate is None:
                raise BadInput("There is no candidate model: run `bot train` first.")
            return candidate
        text = ref.strip().lstrip("#")
        if text.isdigit():
            record = self.get(int(text))
            if record:
                return record
        else:
            record = self.find(Path(text))
            if record:
                return record
            named = [m for m in self.list() if m.name == Path(text).name]
            if len(named) == 1:
                return named[0]
        raise BadInput(f"No model '{ref}' in the registry. See `bot models`.")

    def history(self) -> List[ReleaseRecord]:
        with session_scope(self.url) as session:
            rows = session.execute(select(ModelRelease).order_by(ModelRelease.id))
            return [_release(row) for row in rows.scalars()]

    def rollback_target(self) -> Tuple[ModelRecord, ModelRecord]:
        """(the released model, the one released before it); refused when there is none."""
        stack = release_stack(self.history())
        if len(stack) < 2:
            raise StaffError(
                "There is no earlier release to return to."
                if stack
                else "No model has been released yet, so there is nothing to roll back."
            )
        current, previous = self.get(stack[-1]), self.get(stack[-2])
        assert current and previous
        return current, previous

    def record(
        self, model_id: int, action: str, by: str, reason: Optional[str], forced: bool = False
    ) -> ModelRecord:
        """Make `model_id` the released model (retiring the one before) and log why."""
        with session_scope(self.url) as session:
            for row in session.execute(
                select(TrainedModel).where(TrainedModel.status == RELEASED)
            ).scalars():
                row.status = RETIRED
            row = session.get(TrainedModel, model_id)
            row.status = RELEASED
            row.released_at = now()
            row.released_by = by
            row.reason = reason
            session.add(
                ModelRelease(
                    model_id=model_id,
                    action=action,
                    at=row.released_at,
                    by=by,
                    reason=reason,
                    forced=forced,
                )
            )
            session.flush()
            return _record(row)
