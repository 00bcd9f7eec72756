"""Conversation tests (tests/test_stories.yml) through Rasa's own test runner."""
from __future__ import annotations

import subprocess
from pathlib import Path

from bot.rasa_ext.process import rasa_command, rasa_env
from bot.settings import PROJECT_ROOT


def test_conversation_stories_pass(trained_model: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        rasa_command("test", "core", "--model", str(trained_model),
                     "--stories", "tests/test_stories.yml", "--out", str(tmp_path),
         "--fail-on-prediction-errors", "--no-plot"),
        cwd=PROJECT_ROOT, env=rasa_env(), capture_output=True, text=True, timeout=600,
    )
    # A wrong prediction makes Rasa exit non-zero and print the failed story.
    assert result.returncode == 0, f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
