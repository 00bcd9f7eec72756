"""Switch running Rasa servers to another model through Rasa's own HTTP API, all or none.

Rasa's `PUT /model` loads the new model completely and only then swaps it in, so the old
model answers until the new one is ready; a parse request afterwards warms the new one up
(the first parse runs lazy set-up) and proves it answers. Every server is checked before any
is switched, and servers already switched are put back if a later one fails, so all
instances end on the same model. The API is never used without its token.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional

from bot import settings
from bot.errors import ServerUnreachable, StaffError

WARM_UP_TEXT = "hello"


def api_token() -> str:
    """RASA_API_TOKEN, or a clear refusal: the API must never be used (or open) without it."""
    token = settings.rasa_api_token()
    if not token:
        raise StaffError(
            "RASA_API_TOKEN is not set. Releasing a model uses Rasa's HTTP API, which is on only "
            "with a token: set RASA_API_TOKEN to the token the servers were started with "
            "(bot serve enables the API only when it is set)."
        )
    return token


def server_urls(value: Optional[str] = None) -> List[str]:
    """RASA_SERVERS: comma-separated base URLs (default: this machine's RASA_PORT)."""
    value = value if value is not None else os.environ.get("RASA_SERVERS", "")
    urls = [u.strip().rstrip("/") for u in value.split(",") if u.strip()]
    return urls or [f"http://127.0.0.1:{settings.rasa_port()}"]


@dataclass(frozen=True)
class RasaServer:
    """One running Rasa server's HTTP API."""

    base: str
    token: str
    timeout: float = 15  # status and parse requests
    load_timeout: float = 300  # loading a model takes seconds; a big one on a busy host, more

    def _request(
        self,
        method: str,
        path: str,
        body: Optional[Dict[str, Any]] = None,
        timeout: Optional[float] = None,
    ) -> Any:
        query = urllib.parse.urlencode({"token": self.token})
        request = urllib.request.Request(
            f"{self.base}{path}?{query}",
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout or self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as error:
            raise ServerUnreachable(self._explain(error.code, error.read())) from error
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise ServerUnreachable(
                f"The Rasa server {self.base} is not reachable ({reason})."
            ) from error
        return json.loads(raw) if raw.strip() else None

    def _explain(self, status: int, body: bytes) -> str:
        if status == 401:
            return (
                f"The Rasa server {self.base} refused the token: RASA_API_TOKEN is not the "
                "one it was started with."
            )
        if status in (404, 405):
            return (
                f"The Rasa server {self.base} does not offer its HTTP API: start it with "
                "RASA_API_TOKEN set (bot serve)."
            )
        try:
            message = json.loads(body).get("message", "")
        except (ValueError, AttributeError):
            message = body.decode(errors="replace")[:200]
        return f"The Rasa server {self.base} answered {status}: {message}"

    def model_file(self) -> str:
        """The file name of the model it serves."""
        return (self._request("GET", "/status") or {}).get("model_file", "")

    def load(self, model_path: str) -> None:
        self._request("PUT", "/model", {"model_file": model_path}, timeout=self.load_timeout)

    def parse(self, text: str) -> Dict[str, Any]:
        return self._request("POST", "/model/parse", {"text": text}) or {}


def switch(
    servers: List[RasaServer],
    model_path: str,
    fallback_path: Optional[str],
    progress: Callable[[str], None] = print,
) -> None:
    """Put every server on `model_path`; on a failure, put those already switched back on
    `fallback_path` (the released model, so all end on the same one) and raise."""
    for server in servers:  # all must answer, with the token, before any is touched
        server.model_file()
    name = os.path.basename(model_path)
    switched: List[RasaServer] = []
    try:
        for server in servers:
            started = time.monotonic()
            server.load(model_path)
            switched.append(server)
            parsed = server.parse(WARM_UP_TEXT)
            if server.model_file() != name or "intent" not in parsed:
                raise ServerUnreachable(f"The Rasa server {server.base} did not take {name}.")
            progress(
                f"  {server.base}: now on {name} (loaded and warmed up in "
                f"{time.monotonic() - started:.1f} s)"
            )
    except ServerUnreachable as error:
        undone, stuck = [], []
        for server in switched:
            try:
                if not fallback_path:
                    raise ServerUnreachable("no model to return to")
                server.load(fallback_path)
                undone.append(server.base)
            except ServerUnreachable:
                stuck.append(server.base)
        note = (
            f" Put back on {os.path.basename(fallback_path or '')}: {', '.join(undone)}."
            if undone
            else ""
        )
        if stuck:
            note += f" Still on {name}: {', '.join(stuck)}; release again or roll back."
        raise ServerUnreachable(f"{error}{note}") from None
