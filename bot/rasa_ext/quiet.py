"""Rasa, TensorFlow and library logs and warnings kept out of the way of staff and users."""

from __future__ import annotations

import contextlib
import logging
import os
import warnings
from typing import Any, Iterator

LIBRARY_WARNINGS = (DeprecationWarning, PendingDeprecationWarning, FutureWarning)


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


def hide_library_deprecations() -> None:
    """Drop libraries' deprecation notices where they are shown.

    A filter is not enough: Sanic inserts its own ("once") in front when Rasa imports it.
    """
    show = warnings.showwarning

    def showwarning(message: Any, category: type[Warning], *args: Any, **kwargs: Any) -> None:
        if not issubclass(category, LIBRARY_WARNINGS):
            show(message, category, *args, **kwargs)

    warnings.showwarning = showwarning


@contextlib.contextmanager
def silenced_warnings() -> Iterator[None]:
    """Hide every warning while Rasa runs in-process (the benchmark); restored afterwards."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.showwarning = lambda *args, **kwargs: None
        yield
