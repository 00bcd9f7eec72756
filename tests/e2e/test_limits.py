"""What an outsider can send or see: limits, exposure and logs, on the real servers."""
from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid

from tests.e2e.conftest import Bot


def raw_post(bot: Bot, path: str, data: bytes, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(f"{bot.base}{path}", data=data, method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def logs(bot: Bot) -> str:
    return "".join(p.read_text(errors="replace") for p in bot.servers.log_dir.glob("*.log"))


def test_a_nul_or_control_character_in_the_sender_is_a_clear_400(running_bot: Bot) -> None:
    for path in ("/webhooks/rest/webhook", "/webhooks/web/webhook"):
        status, _, body = raw_post(running_bot, path, b'{"sender": "x\\u0000", "message": "hi"}')
        assert status == 400 and b"control characters" in body
    assert "minimally invasive" in running_bot.texts("e2e-after-nul", "what is IR")  # still up


def test_a_huge_body_is_refused_at_once_without_stalling_the_server(running_bot: Bot) -> None:
    huge = json.dumps({"sender": "big", "message": "x" * (8 * 1024 * 1024)}).encode()
    started = time.monotonic()
    try:
        status, _, _ = raw_post(running_bot, "/webhooks/rest/webhook", huge)
    except (ConnectionError, urllib.error.URLError):
        status = 413  # the server may close the connection while the client still sends
    assert status == 413
    assert time.monotonic() - started < 3
    assert "minimally invasive" in running_bot.texts("e2e-after-big", "what is IR")


def test_deep_metadata_is_a_400_and_leaves_no_traceback(running_bot: Bot) -> None:
    before = logs(running_bot).count("Traceback")
    body = {"sender": "deep", "message": "hi", "metadata": {}}
    node = body["metadata"]
    for _ in range(500):
        node["a"] = {}
        node = node["a"]
    status, _, answer = raw_post(running_bot, "/webhooks/rest/webhook", json.dumps(body).encode())
    assert status == 400 and b"nest" in answer
    time.sleep(0.5)
    assert logs(running_bot).count("Traceback") == before


def test_what_users_write_never_reaches_the_logs(running_bot: Bot) -> None:
    secret = f"my-name-is-{uuid.uuid4().hex}"
    running_bot.texts("e2e-private", f"how much is membership, {secret}")
    running_bot.texts("e2e-private", f"what events are coming up {secret}")
    time.sleep(0.5)
    assert secret not in logs(running_bot)


def test_cors_headers_only_on_the_widgets_route(running_bot: Bot) -> None:
    origin = "https://allowed.example"
    request = urllib.request.Request(f"{running_bot.base}/webhooks/rest/webhook", method="OPTIONS",
                                     headers={"Origin": origin,
                                              "Access-Control-Request-Method": "POST"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            headers = {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as error:
        headers = {k.lower(): v for k, v in error.headers.items()}
    assert not any(k.startswith("access-control-") for k in headers), headers
    status, headers, _ = raw_post(running_bot, "/webhooks/web/webhook",
                                  b'{"sender": "cors", "message": "hi"}', {"Origin": origin})
    headers = {k.lower(): v for k, v in headers.items()}
    assert headers["access-control-allow-origin"] == origin
    assert "access-control-allow-credentials" not in headers


def test_both_servers_listen_on_loopback_only_and_no_secret_is_in_argv(running_bot: Bot) -> None:
    ports = {running_bot.servers.rasa_port, running_bot.servers.action_port}
    listening = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True).stdout
    for line in listening.splitlines():
        address = line.split()[3]
        if int(address.rsplit(":", 1)[1]) in ports:
            assert address.startswith("127.0.0.1:"), line
    for process in running_bot.servers.processes or []:
        argv = open(f"/proc/{process.pid}/cmdline", "rb").read()
        assert b"--auth-token" not in argv and b"--cors" not in argv


def test_the_action_server_refuses_anyone_but_loopback(running_bot: Bot) -> None:
    """Reached from another address of this machine (not loopback), it answers 403."""
    from bot.rasa_ext.actions_server import refusal

    assert refusal(None, None, "127.0.0.1") is None
    assert refusal(None, None, "10.1.2.3") is not None
    assert refusal("s3cret", None, "127.0.0.1") is not None  # with a secret, the secret counts
    assert refusal("s3cret", "s3cret", "10.1.2.3") is None
    with socket.create_connection(("127.0.0.1", running_bot.servers.action_port), timeout=5):
        pass  # and it is up on loopback
