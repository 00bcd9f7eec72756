"""Train a candidate model and put it in the registry with its held-out results.

Training stays fingerprinted (bot.training.model): nothing is trained when the data did not
change. What is new is that every model staff may release is registered, with the data
fingerprint and git commit it came from and its scores on the held-out questions.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from bot.training import model as models
from bot.training.evaluate import Evaluation
from bot.training.metrics import evaluation_for
from bot.training.project import Project
from bot.training.registry import ModelRecord, ModelRegistry


def git_commit(root: Path) -> Optional[str]:
    """HEAD of the git repository whose top is `root`; None without git or outside a repo."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--show-toplevel", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    lines = result.stdout.split()
    if result.returncode != 0 or len(lines) != 2 or Path(lines[0]).resolve() != root.resolve():
        return None
    return lines[1]


@dataclass(frozen=True)
class Candidate:
    record: ModelRecord
    evaluation: Evaluation
    trained: bool  # False when an up-to-date model existed


def register(
    project: Project, path: Path, registry: ModelRegistry, fresh: bool = False
) -> Candidate:
    """Register an existing model file (if needed) and its held-out results."""
    fingerprint = models.fingerprint(models.training_sources(project.root))
    record = registry.find(path)
    if record is None:
        record = registry.add(path, fingerprint, git_commit(project.root))
    elif fresh:  # retrained in place: the stored results describe the old file
        record = registry.set_metrics(record.id, {})
    evaluation = evaluation_for(record, project.heldout, registry)
    return Candidate(registry.get(record.id) or record, evaluation, False)


def train_candidate(
    project: Project,
    registry: ModelRegistry,
    force: bool = False,
    progress: Callable[[str], None] = print,
) -> Candidate:
    """Train when the data changed (or `force`), then register and evaluate the model."""
    registry.newest_candidate()  # fail now, not after training, when the registry is missing
    target = models.model_path(
        models.fingerprint(models.training_sources(project.root)), project.models_dir
    )
    existed = target.exists()
    path = models.train(
        root=project.root, models_dir=project.models_dir, force=force, progress=progress
    )
    trained = force or not existed
    progress(f"Evaluating {path.name} on the held-out questions ...")
    candidate = register(project, path, registry, fresh=trained)
    return Candidate(candidate.record, candidate.evaluation, trained)
