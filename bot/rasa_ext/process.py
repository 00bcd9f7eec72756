"""How the project starts Rasa as a child process: the launcher and its environment."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Dict, List

from bot import settings


def rasa_env() -> Dict[str, str]:
    """Environment for Rasa processes: no telemetry (nothing leaves the machine), quiet."""
    env = dict(os.environ)
    env["RASA_TELEMETRY_ENABLED"] = "false"
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    # Sanic reads SANIC_* settings from the environment: a bigger body is refused with 413
    # from its Content-Length, before it is read or parsed.
    env["SANIC_REQUEST_MAX_SIZE"] = str(settings.max_body_bytes())
    env.setdefault(
        "PYTHONWARNINGS",
        ",".join(
            f"ignore::{w}"
            for w in ("DeprecationWarning", "PendingDeprecationWarning", "FutureWarning")
        ),
    )
    return env


def rasa_command(*args: str) -> List[str]:
    """`rasa ARGS...` through our launcher, so the version check and patches always apply."""
    return [sys.executable, "-m", "bot.rasa_ext.launch", *args]


def stock_rasa_command(*args: str) -> List[str]:
    """`rasa ARGS...` exactly as installed: the benchmark's stock baseline, nothing of ours."""
    return [str(Path(sys.executable).with_name("rasa")), *args]
