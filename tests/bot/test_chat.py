"""The terminal chat's rendering: what a person reads in `make chat`."""
from __future__ import annotations

from bot.chat import buttons_of, message_for, render_replies, render_text

REPLIES = [
    {"text": "Fees are **$50 per year**.\nSee [Join SIR](https://www.sirweb.org/member-central/join-now/).",
     "buttons": [{"title": "How do I join?", "payload": "/join_sir"}]},
    {"text": "Anything else?", "buttons": [
        {"title": "Medical student", "payload": '/inform_category{"membership_category":"medical-student"}'}]},
]


def test_markdown_is_rendered_not_shown_raw() -> None:
    assert render_text("is **free**", ansi=False) == "is free"
    assert render_text("is **free**", ansi=True) == "is \033[1mfree\033[0m"
    assert render_text("[SIR](https://www.sirweb.org/)", ansi=False) == "SIR (https://www.sirweb.org/)"


def test_buttons_are_numbered_by_title_and_never_show_payloads() -> None:
    lines = render_replies(REPLIES, ansi=False)
    assert lines[0] == "bot> Fees are $50 per year."
    assert "     [1] How do I join?" in lines and "     [2] Medical student" in lines
    assert not any("/inform_category" in line or "/join_sir" in line for line in lines)


def test_typing_a_number_sends_that_buttons_payload() -> None:
    buttons = buttons_of(REPLIES)
    assert message_for("2", buttons) == '/inform_category{"membership_category":"medical-student"}'
    assert message_for(" 1 ", buttons) == "/join_sir"
    assert message_for("3", buttons) == "3"  # no such button: sent as typed
    assert message_for("how much?", buttons) == "how much?"
