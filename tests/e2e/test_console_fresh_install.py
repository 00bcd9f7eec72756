"""A fresh install as staff meet it: `bot serve` (what `make run` runs) on an empty database,
with no RASA_API_TOKEN set. The model it serves is the registry's released baseline, so the
first release from the console is compared with it, and the rollback returns to it."""
from __future__ import annotations

import json
import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT
from bot.training.intents import add_examples
from bot.training.noise import wait_for_other_trainings
from bot.training.project import Project
from bot.training.registry import ModelRegistry
from tests.conftest import free_port
from tests.e2e.conftest import BOT, PUBLISHER, Console, bot_serve
from tests.e2e.test_console_http import Browser

pytestmark = pytest.mark.e2e


def wait_job(browser: Browser, location: str, timeout: float = 600) -> dict:
    job_id = re.search(r"job=([\w-]+)", location).group(1)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, body, _ = browser.request(f"/staff/jobs/{job_id}")
        job = json.loads(body)
        if job["state"] != "running":
            return job
        time.sleep(1)
    raise AssertionError("the task did not finish")


def test_make_run_then_release_from_the_console_and_roll_back_to_the_first_model(
    trained_model: Path, tmp_path: Path
) -> None:
    project = Project.default().copy_to(tmp_path / "assistant")
    add_examples(project, "salary_lifestyle", ["can I do IR part time"])  # a new candidate
    database_url = f"sqlite:///{tmp_path / 'bot.db'}"
    rasa_port, action_port, console_port = free_port(), free_port(), free_port()
    env = {**os.environ, "BOT_VAR_DIR": str(tmp_path), "DATABASE_URL": database_url,
           "RASA_PORT": str(rasa_port), "ACTION_PORT": str(action_port),
           "CONSOLE_PORT": str(console_port), "CONSOLE_PROJECT": str(project.root)}
    for name in ("RASA_API_TOKEN", "ACTION_SERVER_URL", "TRACKER_STORE_URL", "RASA_SERVERS"):
        env.pop(name, None)
    with bot_serve(env) as (serve, output):
        assert "Released #1 (" in output and "as the first model" in output, output[-3000:]
        assert f"Staff console: http://127.0.0.1:{console_port}/staff/ (no accounts yet" in output

        added = subprocess.run([BOT, "staff", "add", PUBLISHER[0], "--role", "publisher",
                                "--password-stdin"], input=PUBLISHER[1] + "\n", env=env,
                               capture_output=True, text=True, cwd=PROJECT_ROOT)
        assert added.returncode == 0, added.stderr
        browser = Browser(Console(f"http://127.0.0.1:{console_port}", serve, project.root,
                                  database_url))
        assert browser.sign_in(*PUBLISHER) == 303
        token = browser.csrf("/staff/models")

        wait_for_other_trainings()
        _, _, headers = browser.request("/staff/models/train", {"csrf": token})
        trained = wait_job(browser, headers["Location"])
        assert trained["state"] == "done", trained["lines"]

        _, _, headers = browser.request("/staff/models/release",
                                        {"csrf": token, "reason": "part-time question"})
        released = wait_job(browser, headers["Location"])
        text = "\n".join(released["lines"])
        assert released["state"] == "done", text
        assert "Candidate #2 (" in text and "against the released model #1 (" in text
        assert "No model has been released yet" not in text

        _, _, headers = browser.request("/staff/models/rollback",
                                        {"csrf": token, "reason": "back to the first one"})
        rolled = wait_job(browser, headers["Location"])
        assert rolled["state"] == "done", rolled["lines"]
        assert any(line.startswith("Rolled back: #1 (") for line in rolled["lines"])
        registry = ModelRegistry(database_url)
        assert registry.released().id == 1
        assert [h.action for h in registry.history()] == ["release", "release", "rollback"]
