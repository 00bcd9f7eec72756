"""Quiet Rasa, TensorFlow and library logs for in-process use (evaluation, tests)."""
from __future__ import annotations

import logging
import os
import warnings


def quiet_rasa(level: int = logging.WARNING) -> None:
    """Show only warnings and errors; switch telemetry off before Rasa is imported."""
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ["LOG_LEVEL"] = logging.getLevelName(level)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=UserWarning)
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(level)
    configure_structlog(level)
