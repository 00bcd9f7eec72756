"""Switching servers through Rasa's HTTP API: against a small stand-in for the API."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator, List, Optional
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.errors import StaffError
from bot.training.servers import RasaServer, ServerUnreachable, api_token, server_urls, switch

TOKEN = "s3cret"


class FakeRasa:
    """Answers /status, PUT /model and POST /model/parse as Rasa does, with token auth."""

    def __init__(self, fail_load: bool = False) -> None:
        self.model = "old.tar.gz"
        self.loads: List[str] = []
        self.fail_load = fail_load
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _reply(self, status: int, body: Optional[dict] = None) -> None:
                raw = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _authorised(self) -> bool:
                if parse_qs(urlsplit(self.path).query).get("token") != [TOKEN]:
                    self._reply(401, {"message": "User is not authenticated."})
                    return False
                return True

            def do_GET(self) -> None:
                if self._authorised():
                    self._reply(200, {"model_file": fake.model})

            def do_PUT(self) -> None:
                if not self._authorised():
                    return
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if fake.fail_load and not body["model_file"].endswith("old.tar.gz"):
                    self._reply(500, {"message": "An unexpected error occurred."})
                    return
                fake.loads.append(body["model_file"])
                fake.model = body["model_file"].rsplit("/", 1)[-1]
                self._reply(204)

            def do_POST(self) -> None:
                if self._authorised():
                    self._reply(200, {"intent": {"name": "greet", "confidence": 0.9}})

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.http.server_address[1]}"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.http.shutdown()
        self.http.server_close()


@pytest.fixture
def fakes() -> Iterator[List[FakeRasa]]:
    servers = [FakeRasa(), FakeRasa()]
    yield servers
    for server in servers:
        server.stop()


def test_every_server_ends_on_the_new_model(fakes: List[FakeRasa]) -> None:
    lines: List[str] = []
    switch([RasaServer(f.base, TOKEN) for f in fakes], "/models/new.tar.gz", "/models/old.tar.gz",
           lines.append)
    assert [f.model for f in fakes] == ["new.tar.gz", "new.tar.gz"]
    assert all("now on new.tar.gz (loaded and warmed up" in line for line in lines)


def test_a_failing_server_puts_the_others_back(fakes: List[FakeRasa]) -> None:
    fakes[1].fail_load = True
    with pytest.raises(ServerUnreachable, match="answered 500.*Put back on old.tar.gz"):
        switch([RasaServer(f.base, TOKEN) for f in fakes], "/models/new.tar.gz",
               "/models/old.tar.gz", lambda line: None)
    assert [f.model for f in fakes] == ["old.tar.gz", "old.tar.gz"]
    assert fakes[0].loads == ["/models/new.tar.gz", "/models/old.tar.gz"]


def test_a_wrong_token_or_an_unreachable_server_touches_nothing(fakes: List[FakeRasa]) -> None:
    with pytest.raises(ServerUnreachable, match="refused the token"):
        switch([RasaServer(fakes[0].base, TOKEN), RasaServer(fakes[1].base, "wrong")],
               "/models/new.tar.gz", None, lambda line: None)
    with pytest.raises(ServerUnreachable, match="is not reachable"):
        switch([RasaServer(fakes[0].base, TOKEN), RasaServer("http://127.0.0.1:1", TOKEN)],
               "/models/new.tar.gz", None, lambda line: None)
    assert [f.loads for f in fakes] == [[], []]


def test_no_token_no_release(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RASA_API_TOKEN", raising=False)
    with pytest.raises(StaffError, match="RASA_API_TOKEN is not set"):
        api_token()
    monkeypatch.setenv("RASA_API_TOKEN", "t")
    assert api_token() == "t"


def test_server_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RASA_PORT", raising=False)
    assert server_urls("") == ["http://127.0.0.1:5005"]
    assert server_urls(" http://a:5005/, http://b:5005 ") == ["http://a:5005", "http://b:5005"]
