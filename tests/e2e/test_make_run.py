"""`bot serve` (what `make run` runs) as a newcomer sees it: steps, readiness, clean Ctrl-C."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

from bot.settings import PROJECT_ROOT
from tests.conftest import free_port
from tests.e2e.conftest import BOT, bot_serve


def serve_env(tmp_path: Path) -> dict:
    """A newcomer's environment: defaults only, with the data and free ports of this test."""
    env = {
        **os.environ,
        "BOT_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "RASA_PORT": str(free_port()),
        "ACTION_PORT": str(free_port()),
        "CONSOLE_PORT": str(free_port()),
    }
    env.pop("ACTION_SERVER_URL", None)
    env.pop("TRACKER_STORE_URL", None)
    return env


def test_serve_prints_its_steps_answers_and_stops_both_servers_on_ctrl_c(
    trained_model: Path, tmp_path: Path
) -> None:
    env = serve_env(tmp_path)
    rasa_port, console_port = env["RASA_PORT"], env["CONSOLE_PORT"]
    with bot_serve(env, timeout=240) as (serve, output):
        assert "The assistant is ready" in output, output[-3000:]
        for step in ("Migrating the database", "Building the spaCy pipeline", "Model up to date"):
            assert step in output
        assert f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook" in output
        assert f"Staff console: http://127.0.0.1:{console_port}/staff/" in output
        children = subprocess.run(["pgrep", "-P", str(serve.pid)], capture_output=True, text=True)
        child_pids = [int(p) for p in children.stdout.split()]
        assert len(child_pids) == 3  # actions, Rasa, the staff console
        assert (tmp_path / "tracker.db").exists()  # conversations go to var/ by default
    assert serve.returncode == 0  # stopped by Ctrl-C (what bot_serve sends), cleanly
    time.sleep(0.5)
    for pid in child_pids:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()


def test_ctrl_c_stops_it_even_when_started_with_sigint_ignored(
    trained_model: Path, tmp_path: Path
) -> None:
    """A shell's background jobs (and some CI runners) start commands with SIGINT ignored;
    `bot serve` must still stop on Ctrl-C, as its help says."""
    env = serve_env(tmp_path)
    with bot_serve(env, timeout=240, sigint_ignored=True) as (serve, output):
        assert "The assistant is ready" in output, output[-3000:]
        ignored = int(re.search(r"SigIgn:\s*([0-9a-f]+)", Path(f"/proc/{serve.pid}/status")
                                .read_text()).group(1), 16)
        assert not ignored & (1 << (signal.SIGINT - 1))  # it handles Ctrl-C itself
    assert serve.returncode == 0


def test_a_missing_python_310_gets_a_clear_message() -> None:
    result = subprocess.run(
        ["make", "-W", "requirements.lock", "install", "PYTHON=/nonexistent/python3.10"],
        cwd=PROJECT_ROOT, capture_output=True, text=True,
    )
    assert result.returncode != 0
    assert "Python 3.10 is needed" in result.stdout + result.stderr
    assert "pyenv install 3.10" in result.stdout + result.stderr


class SilentDatabase:
    """A 'database' that accepts connections and never answers (a hung server)."""

    def __init__(self) -> None:
        import socket
        import threading

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.held: list = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(connection)

    def close(self) -> None:
        self.sock.close()
        for connection in self.held:
            connection.close()


def _post(port: int, sender: str, message: str) -> str:
    import json
    import urllib.request

    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": message}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return "\n".join(m.get("text", "") for m in json.loads(response.read()))


def _wait_for(log: Path, text: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        output = log.read_text(errors="replace")
        if text in output:
            return output
        time.sleep(0.25)
    raise AssertionError(f"no {text!r} in:\n{log.read_text(errors='replace')[-3000:]}")


def _child(serve_pid: int, marker: str) -> int:
    children = subprocess.run(["pgrep", "-P", str(serve_pid)], capture_output=True, text=True)
    for pid in children.stdout.split():
        if marker in Path(f"/proc/{pid}/cmdline").read_text():
            return int(pid)
    raise AssertionError(f"no child running {marker}")


def test_serve_starts_without_the_database_apologises_in_time_and_restarts_crashed_servers(
    trained_model: Path, tmp_path: Path
) -> None:
    database = SilentDatabase()
    rasa_port, action_port = free_port(), free_port()
    env = {**os.environ, "BOT_VAR_DIR": str(tmp_path), "RASA_PORT": str(rasa_port),
           "ACTION_PORT": str(action_port),
           "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{database.port}/hung"}
    for name in ("ACTION_SERVER_URL", "TRACKER_STORE_URL", "REDIS_URL"):
        env.pop(name, None)
    log = tmp_path / "serve.log"
    serve = subprocess.Popen([BOT, "serve"], env=env, cwd=PROJECT_ROOT, stdout=log.open("w"),
                             stderr=subprocess.STDOUT, start_new_session=True)
    try:
        output = _wait_for(log, "Press Ctrl-C to stop.", 240)
        assert "The database is unreachable" in output and "Starting anyway" in output
        assert "minimally invasive" in _post(rasa_port, "db-down", "what is IR")
        started = time.monotonic()
        text = _post(rasa_port, "db-down", "how much is membership for a fellow?")
        assert time.monotonic() - started < 4, "the apology must come within about 3 s"
        assert "Sorry" in text, text

        os.kill(_child(serve.pid, "actions_server"), signal.SIGKILL)
        assert "minimally invasive" in _post(rasa_port, "no-actions", "what is IR")
        _wait_for(log, "The action server stopped (status -9); restarting it in 1 s", 10)
        _wait_for(log, "Restarted the action server", 10)

        os.kill(_child(serve.pid, "bot.rasa_ext.launch"), signal.SIGKILL)
        _wait_for(log, "The Rasa server stopped (status -9); restarting it in 1 s", 10)
        _wait_for(log, "Restarted the Rasa server", 10)
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline:
            try:
                if "minimally invasive" in _post(rasa_port, "back", "what is IR"):
                    break
            except OSError:
                pass
            time.sleep(1)
        else:
            raise AssertionError("the restarted Rasa server never answered")
        assert serve.poll() is None  # `bot serve` itself never stopped
    finally:
        os.killpg(serve.pid, signal.SIGTERM)
        serve.wait(timeout=60)
        database.close()
