"""End to end: the real servers over HTTP, a real trained model, a real database."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.conftest import Bot

BOT = str(Path(sys.executable).with_name("bot"))


def test_a_question_gets_its_answer(running_bot: Bot) -> None:
    text = running_bot.texts("e2e-what", "who are interventional radiologists?")
    assert "minimally invasive" in text


def test_greeting_offers_topic_buttons(running_bot: Bot) -> None:
    reply = running_bot.send("e2e-greet", "hello there")
    assert [b["payload"] for b in reply[0]["buttons"]][:2] == ["/what_is_ir", "/training_pathways"]


def test_fee_without_category_then_category(running_bot: Bot) -> None:
    first = running_bot.send("e2e-fee", "how much is SIR membership?")
    assert first[0]["text"] == "Which membership category fits you?"
    payloads = [b["payload"] for b in first[0]["buttons"]]
    assert '/inform_category{"membership_category":"resident-in-training"}' in payloads
    assert "Resident-in-Training membership of SIR is" in running_bot.texts("e2e-fee", "I'm a PGY-3")


def test_clicking_a_button_payload_answers(running_bot: Bot) -> None:
    text = running_bot.texts("e2e-button", '/inform_category{"membership_category":"medical-student"}')
    assert "Medical Student membership of SIR is **free**" in text


def test_fee_change_with_the_bot_command_shows_in_the_next_reply(running_bot: Bot) -> None:
    before = running_bot.texts("e2e-change", "how much is membership for a fellow?")
    assert "Fellow-in-Training membership of SIR is **$50 per year**" in before
    env = {**os.environ, "DATABASE_URL": running_bot.database_url}
    result = subprocess.run([BOT, "fees", "set", "fellow-in-training", "65"], env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    after = running_bot.texts("e2e-change", "and what's the fee for a fellow now?")
    assert "**$65 per year**" in after
    subprocess.run([BOT, "fees", "set", "fellow-in-training", "50"], env=env, check=True)


def test_an_added_event_is_offered_at_once(running_bot: Bot) -> None:
    env = {**os.environ, "DATABASE_URL": running_bot.database_url}
    subprocess.run([BOT, "events", "add", "e2e-course", "--name", "E2E Test Course", "--kind",
                    "course", "--start", "2099-05-01", "--location", "Testville"], env=env, check=True)
    try:
        assert "E2E Test Course" in running_bot.texts("e2e-events", "what events are coming up?")
    finally:
        subprocess.run([BOT, "events", "remove", "e2e-course"], env=env, check=True)
    assert "E2E Test Course" not in running_bot.texts("e2e-events2", "any upcoming events?")


@pytest.mark.parametrize(
    "message, expected",
    [
        ("", "Please type a question"),
        ("   \n\t ", "Please type a question"),
        ("x" * 5000, "too long"),
    ],
)
def test_empty_and_huge_messages_get_a_clear_answer(running_bot: Bot, message: str, expected: str) -> None:
    assert expected in running_bot.texts("e2e-bad", message)


def test_malformed_requests_are_refused_clearly(running_bot: Bot) -> None:
    status, body = running_bot.post(None, raw=b"{not json")
    assert status == 400 and "JSON object" in body["error"]
    status, body = running_bot.post({"message": "hi"})
    assert status == 400 and '"sender"' in body["error"]


@pytest.mark.parametrize(
    "message",
    [
        "<img src=x onerror=alert(1)>",
        "Robert'); DROP TABLE membership_categories;--",
        "🤔🤔 ¿qué? \u202e\u0000",
        "{{7*7}} ${jndi:ldap://x} %s%s%n",
    ],
)
def test_hostile_input_gets_a_reply_and_harms_nothing(running_bot: Bot, message: str) -> None:
    reply = running_bot.send("e2e-hostile", message)
    assert reply and reply[0].get("text")
    assert "<img" not in " ".join(m.get("text", "") for m in reply)
    assert "**free**" in running_bot.texts("e2e-hostile", "is it free for med students")


def test_medical_advice_is_kindly_refused(running_bot: Bot) -> None:
    text = running_bot.texts("e2e-medical", "should I get my fibroids embolized?")
    assert "can't give medical advice" in text and "physician" in text


def test_conversations_are_kept_in_the_tracker_store(running_bot: Bot) -> None:
    import sqlite3

    running_bot.send("e2e-persist", "hi")
    with sqlite3.connect(running_bot.tracker_db) as connection:
        count = connection.execute(
            "SELECT COUNT(*) FROM events WHERE sender_id = 'e2e-persist'"
        ).fetchone()[0]
    assert count > 0


def test_the_http_api_is_closed_without_a_token(running_bot: Bot) -> None:
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(f"{running_bot.base}/conversations/e2e-persist/tracker", timeout=5)
    assert error.value.code in (403, 404)


def wait_until_the_actions_answer(bot: Bot, sender: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if "Recurring events" in bot.texts(sender, "upcoming events please"):
            return
        time.sleep(1)
    pytest.fail("the assistant did not recover when the action server came back")


def test_a_hanging_action_server_gets_an_apology_within_the_action_timeout(running_bot: Bot) -> None:
    """An action server that accepts connections and never answers (stuck or overloaded):
    Rasa's own wait would be five minutes; the user hears back within BOT_ACTION_TIMEOUT."""
    import socket

    from bot import settings

    servers = running_bot.servers
    actions = servers.processes[0]
    actions.terminate()
    actions.wait(timeout=15)
    with socket.socket() as hole:  # the kernel accepts connections; nobody ever reads them
        hole.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        hole.bind(("127.0.0.1", servers.action_port))
        hole.listen(64)
        started = time.monotonic()
        text = running_bot.texts("e2e-hang", "what events are coming up?")
        took = time.monotonic() - started
        assert "minimally invasive" in running_bot.texts("e2e-hang", "what is IR")  # still up
    assert "Sorry" in text and "try again" in text, text
    assert settings.action_timeout() - 0.5 < took < settings.action_timeout() + 5, took
    servers.restart_actions()
    wait_until_the_actions_answer(running_bot, "e2e-hang")


def test_action_server_down_gets_an_apology_then_recovers(running_bot: Bot) -> None:
    """Runs last in this module: it stops the action server and starts it again."""
    servers = running_bot.servers
    actions = servers.processes[0]
    actions.terminate()
    actions.wait(timeout=15)
    text = running_bot.texts("e2e-down", "what events are coming up?")
    assert "Sorry" in text and "try again" in text
    # Static answers need no action server.
    assert "minimally invasive" in running_bot.texts("e2e-down", "what is IR")
    servers.restart_actions()
    wait_until_the_actions_answer(running_bot, "e2e-down")
