"""A fake Slack for the end-to-end tests: its Web API and response_urls, on 127.0.0.1.

The Rasa server under test calls it (SLACK_API_URL points here); it records every call and
answers like Slack. Tests then wait for the calls they expect.
"""
from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List

TOKEN = "xoxb-test-token"
SIGNING_SECRET = "test-signing-secret"


@dataclass
class Call:
    method: str  # "chat.postMessage", ... or "response_url"
    path: str
    headers: Dict[str, str]
    body: Dict[str, Any]


class FakeSlack:
    """Slack's Web API at {base}/api/<method>; response_urls at {base}/respond/<anything>."""

    def __init__(self) -> None:
        self.calls: List[Call] = []
        self._lock = threading.Lock()
        self._ts = itertools.count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.api_url = f"{self.base}/api/"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> FakeSlack:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def response_url(self, name: str) -> str:
        return f"{self.base}/respond/{name}"

    def matching(self, method: str, where: Callable[[Call], bool] = lambda c: True) -> List[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method and where(c)]

    def wait_for(
        self, method: str, where: Callable[[Call], bool] = lambda c: True,
        count: int = 1, timeout: float = 20,
    ) -> List[Call]:
        """The matching calls once there are `count` of them; fails after `timeout` s."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.matching(method, where)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(
            f"expected {count} {method} call(s) within {timeout} s; got {self.matching(method, where)}"
        )

    def _record(self, path: str, headers: Dict[str, str], raw: bytes) -> Dict[str, Any]:
        body = json.loads(raw or b"{}")
        if path.startswith("/respond/"):
            method = "response_url"
        else:
            method = path[len("/api/"):] if path.startswith("/api/") else path
        with self._lock:
            self.calls.append(Call(method, path, headers, body))
        if method == "response_url":
            return {"ok": True}
        return {"ok": True, "ts": f"1700000000.{next(self._ts):06d}", "channel": body.get("channel")}

    def _handler(self) -> type:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                answer = fake._record(self.path, {k.lower(): v for k, v in self.headers.items()}, raw)
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet test output

        return Handler


def channel_is(channel: str) -> Callable[[Call], bool]:
    return lambda call: call.body.get("channel") == channel


def blocks_of_type(call: Call, kind: str) -> List[Dict[str, Any]]:
    return [b for b in call.body.get("blocks") or [] if b.get("type") == kind]


def buttons(call: Call) -> List[Dict[str, Any]]:
    return [e for b in blocks_of_type(call, "actions") for e in b["elements"]]


def text_of(call: Call) -> str:
    sections = [b["text"]["text"] for b in blocks_of_type(call, "section")]
    return "\n".join([call.body.get("text") or "", *sections])


def calls_after(fake: FakeSlack, method: str, where: Callable[[Call], bool],
                seconds: float = 2.0) -> List[Call]:
    """The matching calls after waiting `seconds` (for checking that nothing more came)."""
    time.sleep(seconds)
    return fake.matching(method, where)
