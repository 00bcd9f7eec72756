"""The Slack channel end to end: signed requests to the real Rasa server, answers to a fake Slack.

Requests are signed here with the scheme Slack documents (not with the channel's own code),
and every id is unique per test, so tests share the one server without seeing each other.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any, Dict, Optional, Tuple

import pytest

from bot.channels.slack import SlackApi, SlackOutput
from tests.e2e.conftest import Bot
from tests.e2e.fake_slack import (
    SIGNING_SECRET,
    TOKEN,
    blocks_of_type,
    buttons,
    calls_after,
    channel_is,
    text_of,
)

BOT_USER = "UBOT00001"
WHAT_IS_IR = "who are interventional radiologists?"
WHAT_IS_IR_ANSWER = "minimally invasive"


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10].upper()}"


def sign(body: bytes, timestamp: int, secret: str = SIGNING_SECRET) -> str:
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def post(
    bot: Bot, body: bytes, content_type: str = "application/json",
    timestamp: Optional[int] = None, signature: Optional[str] = None,
    headers: Optional[Dict[str, str]] = None,
) -> Tuple[int, bytes, float]:
    """POST to the Slack webhook, signed correctly unless told otherwise; status, body, seconds."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    all_headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(timestamp),
        "X-Slack-Signature": signature if signature is not None else sign(body, timestamp),
        **(headers or {}),
    }
    request = urllib.request.Request(f"{bot.base}/webhooks/slack/webhook", data=body,
                                     headers={k: v for k, v in all_headers.items() if v})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read(), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, error.read(), time.monotonic() - started


def event(event: Dict[str, Any], event_id: Optional[str] = None) -> bytes:
    """An Events API delivery, as Slack sends it."""
    return json.dumps({
        "token": "unused", "team_id": "T0TEST", "api_app_id": "A0TEST",
        "type": "event_callback", "event_id": event_id or unique("Ev"), "event_time": int(time.time()),
        "authorizations": [{"team_id": "T0TEST", "user_id": BOT_USER, "is_bot": True}],
        "event": event,
    }).encode()


def direct_message(channel: str, text: str = WHAT_IS_IR, **extra: Any) -> Dict[str, Any]:
    return {"type": "message", "channel_type": "im", "channel": channel, "user": unique("U"),
            "text": text, "ts": f"{time.time():.6f}", **extra}


def form(**fields: str) -> bytes:
    return urllib.parse.urlencode(fields).encode()


def test_the_url_verification_challenge_is_answered(running_bot: Bot) -> None:
    status, body, _ = post(running_bot, json.dumps(
        {"type": "url_verification", "challenge": "challenge-123", "token": "x"}).encode())
    assert status == 200 and json.loads(body)["challenge"] == "challenge-123"


def test_a_direct_message_is_answered_once(running_bot: Bot) -> None:
    channel = unique("D")
    status, _, seconds = post(running_bot, event(direct_message(channel)))
    assert status == 200 and seconds < 3  # acknowledged before the answer is worked out
    [answer] = running_bot.slack.wait_for("chat.postMessage", channel_is(channel))
    assert WHAT_IS_IR_ANSWER in text_of(answer)
    assert "thread_ts" not in answer.body  # a direct message is answered in place
    assert answer.headers["authorization"] == f"Bearer {TOKEN}"
    assert len(calls_after(running_bot.slack, "chat.postMessage", channel_is(channel))) == 1


def test_retries_for_any_reason_are_answered_once(running_bot: Bot) -> None:
    channel = unique("D")
    delivery = event(direct_message(channel))  # the same event id every time
    assert post(running_bot, delivery)[0] == 200
    for number, reason in enumerate(("http_timeout", "http_error", "unknown_error"), start=1):
        status, _, _ = post(running_bot, delivery, headers={
            "X-Slack-Retry-Num": str(number), "X-Slack-Retry-Reason": reason})
        assert status == 200
    running_bot.slack.wait_for("chat.postMessage", channel_is(channel))
    assert len(calls_after(running_bot.slack, "chat.postMessage", channel_is(channel), 3)) == 1


def test_a_mention_is_answered_in_its_thread(running_bot: Bot) -> None:
    channel, ts = unique("C"), "1700000123.000200"
    mention = {"type": "app_mention", "channel": channel, "user": unique("U"), "ts": ts,
               "text": f"<@{BOT_USER}> {WHAT_IS_IR}"}
    assert post(running_bot, event(mention))[0] == 200
    [answer] = running_bot.slack.wait_for("chat.postMessage", channel_is(channel))
    assert answer.body["thread_ts"] == ts
    assert WHAT_IS_IR_ANSWER in text_of(answer)  # the mention was stripped, the question understood

    reply_in_thread = {**mention, "ts": "1700000999.000300", "thread_ts": ts}
    assert post(running_bot, event(reply_in_thread))[0] == 200
    later = running_bot.slack.wait_for("chat.postMessage", channel_is(channel), count=2)
    assert later[1].body["thread_ts"] == ts  # a mention inside a thread stays in that thread


@pytest.mark.parametrize("extra", [
    {"bot_id": "B0OTHER", "subtype": "bot_message"},
    {"bot_id": "B0OTHER"},
    {"user": BOT_USER},
    {"subtype": "message_changed"},
    {"subtype": "message_deleted"},
    {"subtype": "channel_join"},
], ids=["bot-message", "other-bot", "own-message", "edit", "deletion", "other-subtype"])
def test_messages_not_from_a_person_are_ignored(running_bot: Bot, extra: Dict[str, Any]) -> None:
    channel = unique("D")
    assert post(running_bot, event(direct_message(channel, **extra)))[0] == 200
    assert calls_after(running_bot.slack, "chat.postMessage", channel_is(channel)) == []


@pytest.mark.parametrize("tamper", [
    "forged", "missing", "no-timestamp", "malformed-timestamp", "stale", "future", "other-body",
])
def test_requests_without_a_valid_signature_are_refused(running_bot: Bot, tamper: str) -> None:
    channel = unique("D")
    body = event(direct_message(channel))
    now = int(time.time())
    if tamper == "forged":
        status, _, _ = post(running_bot, body, signature=sign(body, now, secret="not-the-secret"))
    elif tamper == "missing":
        status, _, _ = post(running_bot, body, signature="")
    elif tamper == "no-timestamp":
        status, _, _ = post(running_bot, body, headers={"X-Slack-Request-Timestamp": ""})
    elif tamper == "malformed-timestamp":
        status, _, _ = post(running_bot, body, headers={"X-Slack-Request-Timestamp": f"{now}.5"})
    elif tamper == "stale":  # a genuine signature, ten minutes old: a replay
        status, _, _ = post(running_bot, body, timestamp=now - 600)
    elif tamper == "future":
        status, _, _ = post(running_bot, body, timestamp=now + 600)
    else:  # signed for another body
        status, _, _ = post(running_bot, body, signature=sign(event(direct_message(channel)), now))
    assert status == 401
    assert calls_after(running_bot.slack, "chat.postMessage", channel_is(channel)) == []


def test_the_greetings_buttons_arrive_as_block_kit_buttons(running_bot: Bot) -> None:
    channel = unique("D")
    assert post(running_bot, event(direct_message(channel, text="/greet")))[0] == 200
    [answer] = running_bot.slack.wait_for("chat.postMessage", channel_is(channel))
    assert [b["value"] for b in buttons(answer)] == [
        "/what_is_ir", "/training_pathways", "/membership_fee", "/upcoming_events"]
    assert all(b["type"] == "button" for b in buttons(answer))


def test_a_button_click_is_answered_and_its_message_updated(running_bot: Bot) -> None:
    channel, user, message_ts = unique("D"), unique("U"), "1700000200.000100"
    original = [
        {"type": "section", "text": {"type": "mrkdwn", "text": "Hi! What would you like to know?"}},
        {"type": "actions", "elements": [
            {"type": "button", "action_id": "button-0", "value": "/what_is_ir",
             "text": {"type": "plain_text", "text": "What is IR?"}},
            {"type": "button", "action_id": "button-1", "value": "/membership_fee",
             "text": {"type": "plain_text", "text": "Membership fees"}}]},
    ]
    payload = {
        "type": "block_actions", "trigger_id": unique("trigger."),
        "user": {"id": user}, "channel": {"id": channel},
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel},
        "message": {"ts": message_ts, "text": "Hi!", "blocks": original},
        "response_url": running_bot.slack.response_url(unique("click")),
        "actions": [{"type": "button", "action_id": "button-0", "value": "/what_is_ir",
                     "text": {"type": "plain_text", "text": "What is IR?"},
                     "action_ts": f"{time.time():.6f}"}],
    }
    status, _, _ = post(running_bot, form(payload=json.dumps(payload)),
                        "application/x-www-form-urlencoded")
    assert status == 200
    [answer] = running_bot.slack.wait_for("chat.postMessage", channel_is(channel))
    assert WHAT_IS_IR_ANSWER in text_of(answer)
    [update] = running_bot.slack.wait_for("chat.update", channel_is(channel))
    assert update.body["ts"] == message_ts
    assert blocks_of_type(update, "actions") == []  # cannot be clicked twice
    [note] = blocks_of_type(update, "context")
    assert "You chose: *What is IR?*" in note["elements"][0]["text"]
    assert blocks_of_type(update, "section") == original[:1]


async def test_any_number_of_buttons_is_delivered(running_bot: Bot) -> None:
    """Rasa's connector dropped every button beyond five; ours sends all of them."""
    channel = unique("C")
    output = SlackOutput(SlackApi(TOKEN, running_bot.slack.api_url), channel)
    eight = [{"title": f"Topic {i}", "payload": f"/topic_{i}"} for i in range(8)]
    await output.send_text_with_buttons("U0", "Pick one:", eight)
    thirty = [{"title": f"Option {i}", "payload": f"/option_{i}"} for i in range(30)]
    await output.send_text_with_buttons("U0", "Pick one of many:", thirty)
    await output.api.close()
    first, second = running_bot.slack.wait_for("chat.postMessage", channel_is(channel), count=2)
    assert [b["value"] for b in buttons(first)] == [b["payload"] for b in eight]
    assert [b["value"] for b in buttons(second)] == [b["payload"] for b in thirty]
    assert [len(block["elements"]) for block in blocks_of_type(second, "actions")] == [25, 5]


def test_the_slash_command_answers_through_the_response_url(running_bot: Bot) -> None:
    name = unique("cmd")
    body = form(command="/ircareers", text=WHAT_IS_IR, user_id=unique("U"), channel_id=unique("C"),
                team_id="T0TEST", response_url=running_bot.slack.response_url(name),
                trigger_id=unique("trigger."))
    status, ack, seconds = post(running_bot, body, "application/x-www-form-urlencoded")
    assert status == 200 and seconds < 3  # Slack's limit
    assert json.loads(ack)["response_type"] == "ephemeral"
    [answer] = running_bot.slack.wait_for("response_url", lambda c: c.path.endswith(name))
    assert answer.body["response_type"] == "ephemeral"
    assert WHAT_IS_IR_ANSWER in text_of(answer)
    assert "authorization" not in answer.headers  # the token goes only to Slack's Web API


def test_an_empty_slash_command_gets_help(running_bot: Bot) -> None:
    name = unique("cmd")
    body = form(command="/ircareers", text="", user_id=unique("U"), channel_id=unique("C"),
                response_url=running_bot.slack.response_url(name))
    status, ack, _ = post(running_bot, body, "application/x-www-form-urlencoded")
    assert status == 200
    reply = json.loads(ack)
    assert reply["response_type"] == "ephemeral" and "/ircareers" in reply["text"]
    assert calls_after(running_bot.slack, "response_url", lambda c: c.path.endswith(name), 1) == []


def test_opening_the_home_tab_publishes_the_greeting(running_bot: Bot) -> None:
    user = unique("U")
    opened = {"type": "app_home_opened", "user": user, "channel": unique("D"), "tab": "home",
              "event_ts": f"{time.time():.6f}"}
    assert post(running_bot, event(opened))[0] == 200
    [call] = running_bot.slack.wait_for("views.publish", lambda c: c.body.get("user_id") == user)
    view = call.body["view"]
    assert view["type"] == "home"
    assert "Training pathways" in json.dumps(view)

    messages_tab = {**opened, "user": unique("U"), "tab": "messages"}
    assert post(running_bot, event(messages_tab))[0] == 200
    assert calls_after(running_bot.slack, "views.publish",
                       lambda c: c.body.get("user_id") == messages_tab["user"]) == []

