"""The staff console as a child process of `bot serve`, beside the action server and Rasa.

A separate process, so nothing staff do can slow or stop the live assistant; if the console
stops, the assistant goes on answering. Releasing uses Rasa's HTTP API, which is open only
with a token: when RASA_API_TOKEN is not set, `bot serve` makes one for this run and gives it
to Rasa and the console only (it is never written anywhere).
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Dict, Optional

from bot import settings
from bot.rasa_ext.process import rasa_env


def ensure_api_token() -> None:
    """Give this run's Rasa (and console) an API token when none is configured."""
    if not settings.rasa_api_token():
        os.environ["RASA_API_TOKEN"] = secrets.token_urlsafe(32)


@dataclass
class StaffConsole:
    port: int
    host: str = "127.0.0.1"
    env: Optional[Dict[str, str]] = None
    process: Optional[subprocess.Popen] = None

    @classmethod
    def from_env(cls) -> StaffConsole:
        ensure_api_token()
        return cls(
            port=int(os.environ.get("CONSOLE_PORT", "5002")),
            host=os.environ.get("CONSOLE_HOST", "127.0.0.1"),
        )

    @property
    def url(self) -> str:
        public = os.environ.get("CONSOLE_PUBLIC_URL")
        return (public.rstrip("/") if public else f"http://127.0.0.1:{self.port}") + "/staff/"

    def start(self) -> None:
        env = {**rasa_env(), **(self.env or {})}
        env.update(CONSOLE_PORT=str(self.port), CONSOLE_HOST=self.host)
        log = settings.var_dir() / "logs" / "console.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.console"],
            cwd=settings.PROJECT_ROOT,
            env=env,
            stdout=open(log, "ab"),  # noqa: SIM115 (the child keeps it)
            stderr=subprocess.STDOUT,
        )

    def ready_line(self, timeout: float = 30) -> str:
        """ "Staff console: URL" once it answers, or why it is not there."""
        import urllib.error
        import urllib.request

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process and self.process.poll() is None:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{self.port}/staff/login", timeout=1
                ) as response:
                    if response.status == 200:
                        return f"Staff console: {self.url}{self._accounts_hint()}"
            except (urllib.error.URLError, OSError):
                time.sleep(0.25)
        return "Staff console: not running (see var/logs/console.log); the assistant is unaffected."

    @staticmethod
    def _accounts_hint() -> str:
        """A reminder when nobody can sign in yet; nothing when the database can't tell."""
        from bot.db.staff import AccountRepository

        try:
            if AccountRepository().list():
                return ""
        except Exception:  # the database is down: `bot serve` starts anyway, and says so
            return ""
        return " (no accounts yet: .venv/bin/bot staff add EMAIL --role publisher)"

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
