"""`bot serve` (what `make run` runs) as a newcomer sees it: steps, readiness, clean Ctrl-C."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bot.settings import PROJECT_ROOT
from tests.conftest import free_port

BOT = str(Path(sys.executable).with_name("bot"))


def test_serve_prints_its_steps_answers_and_stops_both_servers_on_ctrl_c(
    trained_model: Path, tmp_path: Path
) -> None:
    rasa_port, action_port, console_port = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "BOT_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "RASA_PORT": str(rasa_port),
        "ACTION_PORT": str(action_port),
        "CONSOLE_PORT": str(console_port),
    }
    env.pop("ACTION_SERVER_URL", None)
    env.pop("TRACKER_STORE_URL", None)
    serve = subprocess.Popen([BOT, "serve"], env=env, cwd=PROJECT_ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines = []
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            line = serve.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Press Ctrl-C to stop." in line:
                break
        output = "".join(lines)
        assert "The assistant is ready" in output, output[-3000:]
        for step in ("Migrating the database", "Building the spaCy pipeline", "Model up to date"):
            assert step in output
        assert f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook" in output
        assert f"Staff console: http://127.0.0.1:{console_port}/staff/" in output
        children = subprocess.run(["pgrep", "-P", str(serve.pid)], capture_output=True, text=True)
        child_pids = [int(p) for p in children.stdout.split()]
        assert len(child_pids) == 3  # actions, Rasa, the staff console
        assert (tmp_path / "tracker.db").exists()  # conversations go to var/ by default
    finally:
        os.killpg(serve.pid, signal.SIGINT)  # what Ctrl-C in a terminal sends
        serve.wait(timeout=60)
    assert serve.returncode == 0
    time.sleep(0.5)
    for pid in child_pids:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()


def test_a_missing_python_310_gets_a_clear_message() -> None:
    result = subprocess.run(
        ["make", "-W", "requirements.lock", "install", "PYTHON=/nonexistent/python3.10"],
        cwd=PROJECT_ROOT, capture_output=True, text=True,
    )
    assert result.returncode != 0
    assert "Python 3.10 is needed" in result.stdout + result.stderr
    assert "pyenv install 3.10" in result.stdout + result.stderr
