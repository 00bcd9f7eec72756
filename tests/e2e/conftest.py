"""The real action server and Rasa server, started once for the end-to-end tests."""
from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Tuple

import pytest

from bot.serve import Servers
from bot.settings import PROJECT_ROOT
from tests.conftest import free_port
from tests.e2e.fake_slack import SIGNING_SECRET, TOKEN, FakeSlack


@dataclass
class Bot:
    servers: Servers
    database_url: str
    tracker_db: Path
    base: str
    site_port: int  # a host site on another origin that may embed the widget
    slack: FakeSlack  # the Slack Web API the bot's Slack channel calls

    def send(self, sender: str, message: Any, timeout: float = 30) -> List[Dict[str, Any]]:
        status, body = self.post({"sender": sender, "message": message}, timeout)
        assert status == 200, body
        return body

    def post(self, payload: Any, timeout: float = 30, raw: bytes | None = None):
        data = raw if raw is not None else json.dumps(payload).encode()
        request = urllib.request.Request(
            f"{self.base}/webhooks/rest/webhook", data=data,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def texts(self, sender: str, message: str) -> str:
        return "\n".join(m.get("text", "") for m in self.send(sender, message))


@pytest.fixture(scope="session")
def running_bot(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    from bot.db.migrate import upgrade
    from bot.db.seed import seed
    from bot.endpoints import write_endpoints

    work = tmp_path_factory.mktemp("e2e")
    database_url = f"sqlite:///{work / 'bot.db'}"
    upgrade(database_url)
    seed(database_url)
    action_port, rasa_port, site_port = free_port(), free_port(), free_port()
    tracker_db = work / "tracker.db"
    endpoints = write_endpoints(
        work / "endpoints.yml",
        action_url=f"http://127.0.0.1:{action_port}/webhook",
        tracker_url=f"sqlite:///{tracker_db}",
    )
    slack = FakeSlack().start()
    servers = Servers(
        model=trained_model, rasa_port=rasa_port, action_port=action_port,
        endpoints=endpoints, log_dir=work / "logs", var_dir=work,
        env={"DATABASE_URL": database_url, "RASA_API_TOKEN": "",
             "WIDGET_ALLOWED_ORIGINS":
                 f"https://allowed.example, https://other.example/, http://127.0.0.1:{site_port}",
             "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
             "SLACK_API_URL": slack.api_url},
    )
    servers.start()
    try:
        servers.wait_ready(timeout=240)
        yield Bot(servers, database_url, tracker_db, f"http://127.0.0.1:{rasa_port}", site_port,
                  slack)
    finally:
        servers.stop()
        slack.stop()


# --- The staff console (bot/console), on the same database as `running_bot` -----------------

PUBLISHER = ("pub@example.org", "correct horse battery staple")
EDITOR = ("ed@example.org", "editor's long password")


@dataclass
class Console:
    base: str
    process: Any
    project_root: Path
    database_url: str

    def url(self, path: str) -> str:
        return f"{self.base}{path}"


def add_accounts(database_url: str, *accounts: Tuple[str, str, str]) -> None:
    """(email, password, role) accounts in the console's database (it reads DATABASE_URL)."""
    from bot.console.accounts import add_account

    saved = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = database_url
    try:
        for email, password, role in accounts:
            add_account(email, role, password, "tests")
    finally:
        os.environ.pop("DATABASE_URL") if saved is None else os.environ.update(DATABASE_URL=saved)


def new_page(browser: Any, width: int = 1280, height: int = 900) -> Any:
    """A page in a context of its own that records (and dismisses) every dialog, so a test
    can check that no script typed in by someone ever ran (it would alert)."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    return page


def start_console(env: Dict[str, str], log: Path) -> Any:
    process = subprocess.Popen([sys.executable, "-m", "bot.console"], cwd=PROJECT_ROOT,
                               env={**os.environ, **env},
                               stdout=open(log, "ab"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    url = f"http://127.0.0.1:{env['CONSOLE_PORT']}/staff/login"
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            with urllib.request.urlopen(url, timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the console did not start")


@pytest.fixture(scope="session")
def console(running_bot: Bot, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    """The console on the running bot's database and tracker store, editing a project copy."""
    from bot.training.project import Project

    work = tmp_path_factory.mktemp("console")
    project = Project.default().copy_to(work / "assistant")
    add_accounts(running_bot.database_url, (*PUBLISHER, "publisher"), (*EDITOR, "editor"))
    port = free_port()
    process = start_console(
        {"DATABASE_URL": running_bot.database_url, "CONSOLE_PORT": str(port),
         "TRACKER_STORE_URL": f"sqlite:///{running_bot.tracker_db}",
         "CONSOLE_PROJECT": str(project.root), "RASA_SERVERS": running_bot.base,
         "RASA_API_TOKEN": "no-api-on-this-server"},
        work / "console.log",
    )
    try:
        yield Console(f"http://127.0.0.1:{port}", process, project.root, running_bot.database_url)
    finally:
        process.terminate()
        process.wait(timeout=15)


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium through Playwright, for the widget's and the console's tests.

    Module scope: Playwright's sync API keeps an event loop running while it is open, and
    later tests call asyncio.run().
    """
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}: `make browser` installs Debian's chromium.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# --- `bot serve`, as `make run` runs it ----------------------------------------------------

BOT = str(Path(sys.executable).with_name("bot"))
READY = "Press Ctrl-C to stop."


def output_until_ready(process: subprocess.Popen, timeout: float) -> str:
    """What `bot serve` printed up to its ready line (or until it ended, or `timeout`).

    A thread reads its output on to the end, so the pipe never fills and stalls the servers,
    and a server that hangs without a line cannot hang the test past `timeout`.
    """
    lines: "queue.Queue[str]" = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
        lines.put("")  # the end

    threading.Thread(target=pump, daemon=True).start()
    seen: List[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        if not line:
            break
        seen.append(line)
        if READY in line:
            break
    return "".join(seen)


@contextmanager
def bot_serve(env: Mapping[str, str], timeout: float = 300, sigint_ignored: bool = False
              ) -> Iterator[Tuple[subprocess.Popen, str]]:
    """`bot serve` started with `env`, and its output up to the ready line; stopped on the way
    out as Ctrl-C in a terminal stops it (SIGINT to its process group). With
    `sigint_ignored`, it starts with SIGINT ignored, as a shell's background job does."""
    def ignore_sigint() -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    serve = subprocess.Popen([BOT, "serve"], env=dict(env), cwd=PROJECT_ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             start_new_session=True,
                             preexec_fn=ignore_sigint if sigint_ignored else None)
    try:
        yield serve, output_until_ready(serve, timeout)
    finally:
        os.killpg(serve.pid, signal.SIGINT)
        try:
            serve.wait(timeout=60)
        except subprocess.TimeoutExpired:  # never leave servers behind for the next tests
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait()
            raise AssertionError("`bot serve` did not stop within 60 s of Ctrl-C")
