"""`make run`: set everything up, then run the action server and Rasa until Ctrl-C.

Each step says what it is doing. Both servers are child processes, supervised: one that
crashes is started again after a growing pause (1 s, 2 s, 4 s ... 30 s) and the output says
so, while the other keeps serving (answers that need no action work without the action
server). Ctrl-C or SIGTERM stops both cleanly. Both listen on settings.bind_host()
(127.0.0.1 unless BOT_BIND_HOST says otherwise). A database that is down does not stop
the start: fee and event questions get an apology until it is back.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

from sqlalchemy.exc import SQLAlchemyError

from bot import settings
from bot.credentials import credentials_file
from bot.errors import first_line
from bot.rasa_ext.process import rasa_command, rasa_env, stock_rasa_command
from bot.retention import DailyPurge, daily_purge


def step(message: str) -> None:
    print(f"==> {message}", flush=True)


def prepare() -> Path:
    """Migrate and seed the database, build the spaCy pipeline, train if needed."""
    from bot.db.migrate import upgrade
    from bot.db.seed import seed
    from bot.nlp.build import build
    from bot.training.model import train

    step("Migrating the database")
    try:
        upgrade()
        added = seed()
    except SQLAlchemyError as error:
        step(
            f"The database is unreachable ({first_line(error)}). Starting anyway: fee and "
            "event questions get an apology until it is back (restart once it is, to migrate)."
        )
    else:
        step(
            f"Seeded {added['membership_categories']} categories and {added['events']} events (existing rows kept)"
        )
    step("Building the spaCy pipeline")
    build()
    step("Checking the model")
    # Progress lines (one per component) instead of Rasa's log and progress bars.
    return model_to_serve(train(progress=lambda line: print(line, flush=True)))


def model_to_serve(current: Path) -> Path:
    """The released model when staff have released one (the gate decided); on the first
    start, `current`, registered and released as the baseline.

    A model trained for changed data is only a candidate until `bot release` accepts it,
    so a restart never serves a model the release gate refused.
    """
    from bot.training.registry import ModelRegistry

    try:
        registry = ModelRegistry()
        released = registry.released()
    except SQLAlchemyError:  # no registry to ask (the database is down): the data's model
        return current
    if released is None:  # the first start: this model is the baseline later ones are gated on
        from bot.training.project import Project
        from bot.training.release import release_baseline

        baseline = release_baseline(Project.default(), registry, current)
        step(f"Released {baseline.label} as the first model (the baseline for later releases)")
        return current
    if not Path(released.path).exists():
        return current
    if Path(released.path).resolve() != current.resolve():
        step(
            f"Serving the released model {released.label}; the data's current model "
            f"{current.name} is a candidate (see `bot evaluate`, `bot release`)"
        )
    return Path(released.path)


@dataclass
class Servers:
    """The action server and the Rasa server as child processes."""

    model: Path
    rasa_port: int
    action_port: int
    endpoints: Path
    processes: Optional[List[subprocess.Popen]] = None
    log_dir: Optional[Path] = None
    env: Optional[Dict[str, str]] = None  # overrides for both servers (e.g. DATABASE_URL)
    credentials: str = "credentials.yml"  # plus Slack when configured (bot/credentials.py)
    var_dir: Optional[Path] = None  # where generated credentials go (default: var/)
    stock: bool = False  # Rasa exactly as installed (the benchmark's baseline), not ours

    def _env(self) -> Dict[str, str]:
        env = rasa_env()
        env.update(self.env or {})
        env["ACTION_PORT"] = str(self.action_port)
        return env

    def _log(self, name: str):
        if not self.log_dir:
            return None
        self.log_dir.mkdir(parents=True, exist_ok=True)
        return open(self.log_dir / name, "ab")

    def _start_actions(self) -> subprocess.Popen:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot.rasa_ext.actions_server",
                "--actions",
                "actions",
                "--port",
                str(self.action_port),
            ],
            cwd=settings.PROJECT_ROOT,
            env=self._env(),
            stdout=self._log("actions.log"),
            stderr=subprocess.STDOUT,
        )

    def restart_actions(self) -> None:
        """Start the action server again (after it stopped or was stopped)."""
        self.restart(0)

    def restart(self, index: int) -> None:
        """Start server `index` (0: actions, 1: Rasa) again if it is not running."""
        assert self.processes, "start() first"
        if self.processes[index].poll() is None:
            return
        self.processes[index] = self._start_actions() if index == 0 else self._start_rasa()

    def _start_rasa(self) -> subprocess.Popen:
        env = self._env()
        credentials = credentials_file(
            settings.PROJECT_ROOT / self.credentials,
            (self.var_dir or settings.var_dir()) / "credentials.yml",
            env,
        )
        command = (stock_rasa_command if self.stock else rasa_command)(
            "run",
            "--model",
            str(self.model),
            "--interface",
            env.get("BOT_BIND_HOST") or settings.bind_host(),
            "--port",
            str(self.rasa_port),
            "--endpoints",
            str(self.endpoints),
            "--credentials",
            str(credentials),
        )
        # CORS (the widget's route only) comes from WIDGET_ALLOWED_ORIGINS in the
        # environment (bot/rasa_ext/patches.py); the API token too (launch.py): no secret
        # is ever on a command line.
        if env.get("RASA_API_TOKEN"):  # the HTTP API is never open without a token
            command += ["--enable-api"]
        return subprocess.Popen(
            command,
            cwd=settings.PROJECT_ROOT,
            env=env,
            stdout=self._log("rasa.log"),
            stderr=subprocess.STDOUT,
        )

    def start(self) -> None:
        self.processes = [self._start_actions(), self._start_rasa()]

    def wait_ready(self, timeout: float = 180) -> float:
        """Seconds until both servers answer; raises if one dies or time runs out."""
        started = time.monotonic()
        urls = [
            f"http://127.0.0.1:{self.action_port}/health",
            f"http://127.0.0.1:{self.rasa_port}/",
        ]
        while time.monotonic() - started < timeout:
            for process in self.processes or []:
                if process.poll() is not None:
                    raise RuntimeError(f"A server exited early (status {process.returncode}).")
            if all(_answers(url) for url in urls):
                return time.monotonic() - started
            time.sleep(0.25)
        raise RuntimeError(f"The servers did not start within {timeout:.0f} s.")

    def stop(self) -> None:
        for process in self.processes or []:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in self.processes or []:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


SERVER_NAMES = ("action server", "Rasa server")
MAX_BACKOFF = 30.0
HEALTHY_AFTER = 60.0  # a server that ran this long before crashing starts again at once


def free_port() -> int:
    """A free loopback TCP port."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Sandbox:
    """Servers on their own database, tracker store and ports (see `sandbox`)."""

    servers: Servers
    database_url: str
    tracker_url: str

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.servers.rasa_port}"


def sandbox(model: Path, work: Path, env: Optional[Dict[str, str]] = None) -> Sandbox:
    """Both servers on `model`, not started, with a fresh migrated and seeded SQLite
    database and tracker store in `work`, free ports, and no Redis, Slack or API token
    unless `env` says otherwise: for evaluations and tests that must touch nothing else."""
    from bot.db.migrate import upgrade
    from bot.db.seed import seed
    from bot.endpoints import write_endpoints

    database_url = f"sqlite:///{work / 'bot.db'}"
    tracker_url = f"sqlite:///{work / 'tracker.db'}"
    upgrade(database_url)
    seed(database_url)
    action_port, rasa_port = free_port(), free_port()
    endpoints = write_endpoints(
        work / "endpoints.yml",
        action_url=f"http://127.0.0.1:{action_port}/webhook",
        tracker_url=tracker_url,
    )
    isolated = {
        "DATABASE_URL": database_url,
        "RASA_API_TOKEN": "",
        "REDIS_URL": "",
        "SLACK_BOT_TOKEN": "",
        "SLACK_SIGNING_SECRET": "",
    }
    servers = Servers(
        model=model,
        rasa_port=rasa_port,
        action_port=action_port,
        endpoints=endpoints,
        log_dir=work / "logs",
        var_dir=work,
        env={**isolated, **(env or {})},
    )
    return Sandbox(servers, database_url, tracker_url)


class Backoff:
    """Pauses before restarting one server: 1 s, doubling to 30 s; reset once it ran a while."""

    def __init__(self) -> None:
        self.delay = 0.0
        self.started = time.monotonic()

    def next_delay(self) -> float:
        if time.monotonic() - self.started >= HEALTHY_AFTER:
            self.delay = 0.0
        self.delay = min(MAX_BACKOFF, max(1.0, self.delay * 2))
        return self.delay


def supervise(servers: Servers, poll: float = 0.5, retention: Optional[DailyPurge] = None) -> None:
    """Restart whichever server stops, with backoff, until interrupted (Ctrl-C, SIGTERM);
    purge conversations past their retention once a day."""
    backoffs = [Backoff(), Backoff()]
    due: List[Optional[float]] = [None, None]
    while True:
        if retention is not None:
            retention.tick()
        now = time.monotonic()
        for index, process in enumerate(servers.processes or []):
            name = SERVER_NAMES[index]
            if due[index] is None and process.poll() is not None:
                delay = backoffs[index].next_delay()
                due[index] = now + delay
                print(
                    f"==> The {name} stopped (status {process.returncode}); "
                    f"restarting it in {delay:.0f} s",
                    flush=True,
                )
            elif due[index] is not None and now >= (due[index] or 0):
                servers.restart(index)
                backoffs[index].started = time.monotonic()
                due[index] = None
                print(f"==> Restarted the {name} (pid {servers.processes[index].pid})", flush=True)  # type: ignore[index]
        time.sleep(poll)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def configured_servers(log_dir: Optional[Path] = None) -> Optional[Servers]:
    """Set-up, then the servers on the settings' ports; None (after a clear error line, not
    a traceback) when set-up fails."""
    from bot.endpoints import write_endpoints

    try:
        model = prepare()
    except Exception as error:
        print(f"error: set-up failed: {error}", file=sys.stderr)
        return None
    return Servers(
        model=model,
        rasa_port=settings.rasa_port(),
        action_port=settings.action_port(),
        endpoints=write_endpoints(),
        log_dir=log_dir,
    )


def main() -> int:
    try:
        retention = daily_purge()
    except ValueError as error:
        print(f"error: set-up failed: {error}", file=sys.stderr)
        return 1
    servers = configured_servers()
    if servers is None:
        return 1
    step(
        f"Starting the action server (port {servers.action_port}) and Rasa (port {servers.rasa_port})"
    )
    stop_requested = False

    def request_stop(signum: int, frame: object) -> None:
        nonlocal stop_requested
        stop_requested = True
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, request_stop)
    # Ctrl-C stops it even when it was started with SIGINT ignored, as a shell's background
    # jobs and some CI runners start commands (Python would then leave SIGINT ignored).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    from bot.console.launch import StaffConsole

    console = StaffConsole.from_env()  # before Rasa: it may give Rasa an API token
    servers.start()
    console.start()
    try:
        seconds = servers.wait_ready()
        rest = f"http://127.0.0.1:{servers.rasa_port}/webhooks/rest/webhook"
        slack = (
            f"Slack: on, at http://127.0.0.1:{servers.rasa_port}/webhooks/slack/webhook "
            "(behind your public https URL)\n"
            if settings.slack_settings()
            else ""
        )
        print(
            f"\nThe assistant is ready ({seconds:.0f} s).\n"
            f"Demo page: http://127.0.0.1:{servers.rasa_port}/demo/\n"
            f'Widget: <script src="http://127.0.0.1:{servers.rasa_port}/widget.js" defer></script>\n'
            f"{slack}"
            f"{console.ready_line()}\n"
            f"Talk to it:\n"
            f"  curl -s {rest} -H 'Content-Type: application/json' \\\n"
            f'       -d \'{{"sender": "me", "message": "How much is membership for a med student?"}}\'\n'
            f"  make chat      (a conversation in the terminal)\n"
            f"Staff: `.venv/bin/bot fees list`, `.venv/bin/bot events list` (changes apply at once).\n"
            f"Press Ctrl-C to stop.\n",
            flush=True,
        )
        supervise(servers, retention=retention)
        return 0
    except KeyboardInterrupt:
        step("Stopping")
        return 0
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        console.stop()
        servers.stop()


def chat() -> int:
    """A terminal conversation with the servers `make run` starts (RASA_PORT, ACTION_PORT)."""
    from bot.chat import converse

    servers = configured_servers(log_dir=settings.var_dir() / "logs")
    if servers is None:
        return 1
    step(
        f"Starting the servers (Rasa :{servers.rasa_port}, actions :{servers.action_port}; "
        f"logs in {servers.log_dir})"
    )
    servers.start()
    try:
        servers.wait_ready()
        converse(f"http://127.0.0.1:{servers.rasa_port}/webhooks/rest/webhook")
        return 0
    except KeyboardInterrupt:
        return 0
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        servers.stop()
