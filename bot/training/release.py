"""Release a candidate model to the running servers, or roll back to the previous release.

The gate: a candidate worse than the released model beyond the noise margin (overall
accuracy, or any one intent's F1) is refused unless staff force it and say why. Every
release and rollback is recorded: which model, by whom, when, why.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, List, Optional

from bot.errors import BadInput, ReleaseRefused, StaffError
from bot.training.compare import Comparison, format_comparison, format_verdict
from bot.training.metrics import evaluation_for
from bot.training.project import Project
from bot.training.registry import RELEASED, ModelRecord, ModelRegistry
from bot.training.servers import RasaServer, switch


class GateRefused(ReleaseRefused):
    """The candidate is worse than the released model; `damaged` names the intents."""

    def __init__(self, message: str, damaged: List[str]) -> None:
        super().__init__(message)
        self.damaged = damaged


def who(by: Optional[str] = None) -> str:
    """Who is releasing: --by, else the login name ($USER)."""
    if by and by.strip():
        return by.strip()
    try:
        return os.environ.get("USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def compare(
    project: Project, registry: ModelRegistry, candidate: ModelRecord, released: ModelRecord
) -> Comparison:
    """Both models on the project's held-out questions (stored results when still valid)."""
    return Comparison(
        evaluation_for(candidate, project.heldout, registry),
        evaluation_for(released, project.heldout, registry),
    )


def comparison_report(
    project: Project, comparison: Comparison, candidate: ModelRecord, released: ModelRecord
) -> str:
    text = format_comparison(
        comparison, candidate.label, released.label, project.show(project.heldout)
    )
    return text + "\n\n" + format_verdict(comparison, str(candidate.id))[1]


@dataclass(frozen=True)
class Released:
    record: ModelRecord
    previous: Optional[ModelRecord]
    forced: bool


def release(
    project: Project,
    registry: ModelRegistry,
    servers: List[RasaServer],
    ref: Optional[str] = None,
    by: Optional[str] = None,
    reason: Optional[str] = None,
    force: bool = False,
    progress: Callable[[str], None] = print,
) -> Released:
    """Gate, switch every server, record. Raises GateRefused (nothing switched) when the
    candidate is worse and not forced."""
    if force and not (reason or "").strip():
        raise BadInput('--force needs --reason "why this model must go out anyway".')
    candidate = registry.resolve(ref)
    if candidate.status == RELEASED:
        raise StaffError(f"Model {candidate.label} is already the released model.")
    if not Path(candidate.path).exists():
        raise StaffError(f"The file of model {candidate.label} is missing: {candidate.path}.")
    current = registry.released()
    forced = False
    if current is None:
        progress(
            f"No model has been released yet: releasing {candidate.label} without a comparison."
        )
        evaluation_for(candidate, project.heldout, registry)  # its scores, for the record
    else:
        comparison = compare(project, registry, candidate, current)
        progress(comparison_report(project, comparison, candidate, current))
        problems = comparison.regressions()
        if problems and not force:
            raise GateRefused(
                f"Release refused: {candidate.label} is worse than the released model "
                f"{current.label}: " + "; ".join(problems) + ". Nothing was changed.",
                comparison.damaged_intents(),
            )
        forced = bool(problems)
    progress(f"Switching {len(servers)} server(s) to {candidate.label} ...")
    switch(servers, candidate.path, current.path if current else None, progress)
    record = registry.record(
        candidate.id, "release", who(by), (reason or "").strip() or None, forced=forced
    )
    return Released(record, current, forced)


def rollback(
    registry: ModelRegistry,
    servers: List[RasaServer],
    by: Optional[str] = None,
    reason: Optional[str] = None,
    progress: Callable[[str], None] = print,
) -> Released:
    """Return every server to the model released before the current one, and record it."""
    current, previous = registry.rollback_target()
    if not Path(previous.path).exists():
        raise StaffError(f"The file of model {previous.label} is missing: {previous.path}.")
    progress(
        f"Rolling back from {current.label} to {previous.label} on {len(servers)} server(s) ..."
    )
    switch(servers, previous.path, current.path, progress)
    record = registry.record(
        previous.id, "rollback", who(by), (reason or "").strip() or f"rollback from #{current.id}"
    )
    return Released(record, current, False)


def release_baseline(
    project: Project, registry: ModelRegistry, path: Path, by: str = "bot serve"
) -> ModelRecord:
    """Register and release the model served on the very first start.

    Without it the first `bot release` had nothing to compare with and the first rollback
    nothing to return to. Its held-out results are computed when first compared.
    """
    from bot.training import model as models
    from bot.training.candidates import git_commit

    record = registry.find(path) or registry.add(
        path, models.fingerprint(models.training_sources(project.root)), git_commit(project.root)
    )
    return registry.record(record.id, "release", by, "the first model served (the baseline)")
