"""Trained models, named by the fingerprint of what they were trained from.

A model is reused while config, domain, training data and the spaCy pipeline's sources are
unchanged, so `make run` and the test session train once per change, not on every start.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import tarfile
import time
from collections import deque
from functools import lru_cache
from pathlib import Path
from typing import Callable, Deque, Iterable, List, Optional

from bot import settings
from bot.errors import StaffError
from bot.nlp import build as spacy_build
from bot.rasa_ext.process import rasa_command, rasa_env

MODEL_PREFIX = "ir-careers-"
# Rasa logs (INFO) when each component of the pipeline and each policy starts training, or
# is restored from Rasa's cache because its inputs did not change (rasa/engine/training/hooks.py).
COMPONENT_STARTED = re.compile(r"Starting to train component '(\w+)'")
COMPONENT_CACHED = re.compile(r"Restored component '(\w+)' from cache")


def training_sources(root: Path = settings.PROJECT_ROOT, config: str = "config.yml") -> List[Path]:
    """Every file whose content decides what a trained model does."""
    files = [root / config, root / "domain.yml"]
    files += sorted((root / "data").rglob("*.yml"))
    # Our NLU components are trained into a model whose config names them: a change to
    # them needs a new one (a config without them, like the benchmark's stock one, does not).
    if "bot.nlu." in (root / config).read_text():
        files += sorted((settings.PROJECT_ROOT / "bot" / "nlu").glob("*.py"))
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


def _arg(path: Path) -> str:
    """A path as Rasa is given it: relative to the project root when inside it."""
    inside = path.is_relative_to(settings.PROJECT_ROOT)
    return str(path.relative_to(settings.PROJECT_ROOT)) if inside else str(path)


def _run_rasa_train(command: List[str], progress: Callable[[str], None]) -> int:
    """Run `rasa train`, turning its log into one progress line per component trained.

    Staff need to see that something is happening, not pages of Rasa's log; the
    last lines of the log are kept and shown when training fails.
    """
    started = time.monotonic()
    tail: Deque[str] = deque(maxlen=40)
    env = rasa_env()
    env["LOG_LEVEL"] = "INFO"  # the lines parsed here (an in-process quiet_rasa() lowers it)
    process = subprocess.Popen(
        command,
        cwd=settings.PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    assert process.stdout is not None
    progress("     0 s  reading the data and planning the training")
    for line in process.stdout:
        tail.append(line.rstrip())
        trained, cached = COMPONENT_STARTED.search(line), COMPONENT_CACHED.search(line)
        if trained:
            what = f"training {trained.group(1)}"
        elif cached:
            what = f"{cached.group(1)}: unchanged, reused"
        if trained or cached:
            progress(f"  {time.monotonic() - started:4.0f} s  {what}")
    returncode = process.wait()
    if returncode != 0:
        progress("  Rasa's last output:\n    " + "\n    ".join(tail))
    return returncode


def train(
    config: str = "config.yml",
    models_dir: Optional[Path] = None,
    prefix: str = MODEL_PREFIX,
    force: bool = False,
    quiet: bool = False,
    root: Optional[Path] = None,
    progress: Optional[Callable[[str], None]] = None,
) -> Path:
    """Train a model unless one with the same fingerprint exists; returns its path.

    `root` is the project whose config, domain and data are trained (default: this checkout;
    tests pass a copy). Rasa always runs in this checkout, because config.yml names the spaCy
    pipeline relative to it. With `progress`, Rasa's log becomes short progress lines.
    """
    root = Path(root or settings.PROJECT_ROOT)
    spacy_build.build()
    fp = fingerprint(training_sources(root, config))
    target = model_path(fp, models_dir, prefix)
    if target.exists() and not force:
        if not quiet:
            print(
                f"Model up to date: {target.relative_to(root) if target.is_relative_to(root) else target}"
            )
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    if not quiet:
        print(
            f"Training a model ({config}, fingerprint {fp}); this takes about a minute ...",
            flush=True,
        )
    started = time.monotonic()
    command = rasa_command(
        "train",
        "--config",
        _arg(root / config),
        "--domain",
        _arg(root / "domain.yml"),
        "--data",
        _arg(root / "data"),
        "--out",
        str(target.parent),
        "--fixed-model-name",
        target.name[: -len(".tar.gz")],
    )
    if progress and not quiet:
        returncode = _run_rasa_train(command, progress)
    else:
        returncode = subprocess.run(
            command,
            cwd=settings.PROJECT_ROOT,
            env=rasa_env(),
            stdout=subprocess.DEVNULL if quiet else None,
            stderr=subprocess.STDOUT if quiet else None,
        ).returncode
    if returncode != 0 or not target.exists():
        raise RuntimeError(f"Training failed (exit {returncode}): {' '.join(command)}")
    if not quiet:
        print(f"Trained {target.name} in {time.monotonic() - started:.0f} s", flush=True)
    return target


@lru_cache(maxsize=8)
def _intents_of(path: str, stamp: float) -> frozenset[str]:
    with tarfile.open(path, "r:gz") as archive:
        member = archive.extractfile("metadata.json")
        if member is None:
            raise ValueError("no metadata.json")
        metadata = json.load(member)
    return frozenset(
        str(i if isinstance(i, str) else next(iter(i))) for i in metadata["domain"]["intents"]
    )


def model_intents(path: Path) -> frozenset[str]:
    """The intents a trained model knows, from the domain Rasa keeps in its metadata.json."""
    try:
        return _intents_of(str(path), path.stat().st_mtime)
    except (OSError, KeyError, ValueError, tarfile.TarError) as error:
        raise StaffError(f"Cannot read the intents of model {path.name}: {error}.") from error
