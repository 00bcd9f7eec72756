"""Trained models, named by the fingerprint of what they were trained from.

A model is reused while config, domain, training data and the spaCy pipeline's sources are
unchanged, so `make run` and the test session train once per change, not on every start.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterable, List, Optional

from bot import settings
from bot.nlp import build as spacy_build

MODEL_PREFIX = "ir-careers-"


def training_sources(root: Path = settings.PROJECT_ROOT, config: str = "config.yml") -> List[Path]:
    """Every file whose content decides what a trained model does."""
    files = [root / config, root / "domain.yml"]
    files += sorted((root / "data").rglob("*.yml"))
    return files


def fingerprint(files: Iterable[Path], extra: str = "") -> str:
    """A short hash of file names and contents (plus the spaCy pipeline's sources)."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(spacy_build.source_fingerprint().encode())
    digest.update(extra.encode())
    return digest.hexdigest()[:12]


def model_path(fp: str, models_dir: Optional[Path] = None, prefix: str = MODEL_PREFIX) -> Path:
    return (models_dir or settings.models_dir()) / f"{prefix}{fp}.tar.gz"


def rasa_env() -> dict:
    """Environment for Rasa processes: no telemetry (nothing leaves the machine)."""
    env = dict(os.environ)
    env["RASA_TELEMETRY_ENABLED"] = "false"
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    # Libraries' deprecation notices are noise for someone running the bot.
    env.setdefault(
        "PYTHONWARNINGS",
        "ignore::DeprecationWarning,ignore::PendingDeprecationWarning,ignore::FutureWarning",
    )
    return env


def rasa_bin() -> str:
    return str(Path(sys.executable).with_name("rasa"))


def train(
    config: str = "config.yml",
    models_dir: Optional[Path] = None,
    prefix: str = MODEL_PREFIX,
    force: bool = False,
    quiet: bool = False,
) -> Path:
    """Train a model unless one with the same fingerprint exists; returns its path."""
    root = settings.PROJECT_ROOT
    spacy_build.build()
    fp = fingerprint(training_sources(root, config))
    target = model_path(fp, models_dir, prefix)
    if target.exists() and not force:
        if not quiet:
            print(f"Model up to date: {target.relative_to(root) if target.is_relative_to(root) else target}")
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    if not quiet:
        print(f"Training a model ({config}, fingerprint {fp}); this takes about a minute ...", flush=True)
    started = time.monotonic()
    command = [
        rasa_bin(), "train",
        "--config", config, "--domain", "domain.yml", "--data", "data",
        "--out", str(target.parent), "--fixed-model-name", target.name[: -len(".tar.gz")],
    ]
    result = subprocess.run(
        command, cwd=root, env=rasa_env(),
        stdout=subprocess.DEVNULL if quiet else None, stderr=subprocess.STDOUT if quiet else None,
    )
    if result.returncode != 0 or not target.exists():
        raise RuntimeError(f"Training failed (exit {result.returncode}): {' '.join(command)}")
    if not quiet:
        print(f"Trained {target.name} in {time.monotonic() - started:.0f} s", flush=True)
    return target
