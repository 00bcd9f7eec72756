"""The widget's channel over HTTP: files, demo page, messages and cross-origin rules."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Dict, Optional, Tuple

from tests.e2e.conftest import Bot

ALLOWED = "https://allowed.example"


def lower(headers) -> Dict[str, str]:
    return {key.lower(): value for key, value in headers.items()}


def request(bot: Bot, path: str, method: str = "GET", body: Optional[dict] = None,
            headers: Optional[Dict[str, str]] = None) -> Tuple[int, Dict[str, str], bytes]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"{bot.base}{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, lower(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, lower(error.headers), error.read()


def test_widget_files_and_demo_pages_are_served(running_bot: Bot) -> None:
    status, headers, body = request(running_bot, "/widget.js")
    assert status == 200 and headers["content-type"].startswith("text/javascript")
    assert b"IRCareersChat" in body
    status, headers, _ = request(running_bot, "/widget.css")
    assert status == 200 and headers["content-type"].startswith("text/css")
    status, headers, body = request(running_bot, "/demo/")
    assert status == 200 and b'src="/widget.js"' in body
    assert "script-src 'self'" in headers["content-security-policy"]
    assert request(running_bot, "/demo/about.html")[0] == 200


def test_paths_outside_the_demo_are_not_served(running_bot: Bot) -> None:
    for path in ("/demo/..%2F..%2Fchannels%2Fweb.py", "/demo/../widget.js", "/demo/x.py",
                 "/demo/%2e%2e%2fwidget.js"):
        status, _, body = request(running_bot, path)
        assert status == 404 or b"IRCareersChat" not in body


def test_messages_are_answered_like_the_rest_channel(running_bot: Bot) -> None:
    status, _, body = request(running_bot, "/webhooks/web/webhook", "POST",
                              {"sender": "web-1", "message": "/greet"})
    assert status == 200
    assert json.loads(body)[0]["buttons"][0]["payload"] == "/what_is_ir"
    status, _, body = request(running_bot, "/webhooks/web/webhook", "POST", {"message": "x"})
    assert status == 400


def test_an_allowed_origin_gets_cors_headers(running_bot: Bot) -> None:
    status, headers, _ = request(running_bot, "/webhooks/web/webhook", "OPTIONS",
                                 headers={"Origin": ALLOWED,
                                          "Access-Control-Request-Method": "POST"})
    assert status in (200, 204)  # answered by Rasa's CORS layer, narrowed to this route
    assert headers["access-control-allow-origin"] == ALLOWED
    status, headers, _ = request(running_bot, "/webhooks/web/webhook", "POST",
                                 {"sender": "web-2", "message": "hi"}, {"Origin": ALLOWED})
    assert status == 200 and headers["access-control-allow-origin"] == ALLOWED


def test_any_other_origin_is_refused_before_the_bot(running_bot: Bot) -> None:
    evil = "https://evil.example"
    status, headers, _ = request(running_bot, "/webhooks/web/webhook", "OPTIONS",
                                 headers={"Origin": evil, "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in headers  # the browser will refuse
    status, headers, body = request(running_bot, "/webhooks/web/webhook", "POST",
                                    {"sender": "web-evil", "message": "hi"}, {"Origin": evil})
    assert status == 403 and "access-control-allow-origin" not in headers
    assert b"origin" in body


def test_the_bots_own_pages_need_no_listing(running_bot: Bot) -> None:
    own = running_bot.base  # http://127.0.0.1:PORT
    status, _, _ = request(running_bot, "/webhooks/web/webhook", "POST",
                           {"sender": "web-own", "message": "hi"}, {"Origin": own})
    assert status == 200


def test_every_channel_reports_health(running_bot: Bot) -> None:
    for path in ("/webhooks/rest/", "/webhooks/web/", "/webhooks/slack/"):
        status, _, body = request(running_bot, path)
        assert status == 200 and json.loads(body) == {"status": "ok"}, path
