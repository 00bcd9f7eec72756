"""Answers people can trust, through the real servers: follow-ups, live data, safety, links.

Each conversation runs in its own sender id, as a user of the widget would, and checks the
facts the reply must hold (never exact wording).
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from typing import List

import pytest

from bot.settings import PROJECT_ROOT
from tests.e2e.conftest import Bot

pytestmark = pytest.mark.e2e


def conversation(bot: Bot, *messages: str) -> List[str]:
    """The assistant's reply text to each message, in one new conversation."""
    sender = f"answers-{uuid.uuid4().hex[:10]}"
    return [bot.texts(sender, message) for message in messages]


def test_another_pathway_as_a_follow_up(running_bot: Bot) -> None:
    first, second = conversation(running_bot, "tell me about the integrated IR residency",
                                 "and the independent one?")
    assert "Integrated IR residency" in first
    assert "Independent IR residency" in second and "2 years" in second


def test_how_long_is_that_refers_to_the_pathway_just_discussed(running_bot: Bot) -> None:
    _, length = conversation(running_bot, "what is ESIR?", "how long is that?")
    assert "ESIR" in length and "6 years" in length


def test_what_about_esir_and_the_spelled_out_name(running_bot: Bot) -> None:
    _, esir = conversation(running_bot, "tell me about the integrated residency", "what about ESIR?")
    assert "Early Specialization in Interventional Radiology" in esir
    (spelled,) = conversation(running_bot, "tell me about early specialization in interventional radiology")
    assert "500" in spelled


def test_fee_follow_ups_for_other_roles(running_bot: Bot) -> None:
    resident, student, fellow = conversation(
        running_bot, "how much is SIR membership for a resident?", "and for a med student?",
        "what about for a fellow?",
    )
    assert "Resident-in-Training" in resident and "$50 per year" in resident
    assert "Medical Student" in student and "free" in student
    assert "Fellow-in-Training" in fellow and "$50 per year" in fellow


def test_a_role_said_earlier_decides_the_fee(running_bot: Bot) -> None:
    _, fee = conversation(running_bot, "hi, I'm an IR fellow", "how much would membership cost me?")
    assert "Fellow-in-Training" in fee and "$50 per year" in fee


def test_event_follow_ups_when_where_and_registration(running_bot: Bot) -> None:
    about, where, when, register = conversation(
        running_bot, "tell me about the SIR annual scientific meeting", "where is it?",
        "when is it?", "how do I register?",
    )
    assert "Annual Scientific Meeting" in about
    assert "Salt Lake City" in where
    assert "March" in when
    assert "registration" in register.lower() and "https://www.sirweb.org/" in register


def test_emergencies_patients_and_career_questions_are_told_apart(running_bot: Bot) -> None:
    (emergency,) = conversation(running_bot, "I have chest pain right now, what do I do")
    assert "emergency number" in emergency
    (bleeding,) = conversation(running_bot, "I'm bleeding heavily and it won't stop")
    assert "emergency number" in bleeding
    (patient,) = conversation(running_bot, "what is the recovery like after fibroid embolization?")
    assert "can't give medical advice" in patient and "emergency" not in patient
    (career,) = conversation(
        running_bot, "For IR, does my prelim year matter? Surgery, medicine or transitional?"
    )
    assert "preliminary surgery year" in career and "medical advice" not in career


def test_an_unanswerable_question_gets_an_honest_answer_with_topics_and_a_link(running_bot: Bot) -> None:
    replies = running_bot.send(f"idk-{uuid.uuid4().hex[:8]}", "will AI replace interventional radiologists?")
    text = replies[0]["text"]
    assert "I don't have information on that" in text and "https://www.sirweb.org/" in text
    assert replies[0].get("buttons")


def test_answers_that_point_to_a_page_carry_its_link(running_bot: Bot) -> None:
    (join,) = conversation(running_bot, "how do I join SIR?")
    assert "https://www.sirweb.org/member-central/join-now/" in join
    (abr,) = conversation(running_bot, "what is the ABR IR/DR certificate?")
    assert "https://www.theabr.org/" in abr
    (rfs,) = conversation(running_bot, "what is the RFS section?")
    assert "https://www.sirweb.org/member-central/volunteer/sections/" in rfs


def bot_cli(bot: Bot, *args: str) -> subprocess.CompletedProcess:
    env = {"DATABASE_URL": bot.database_url, "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_fees_in_every_answer_come_from_the_database(running_bot: Bot) -> None:
    changed = bot_cli(running_bot, "fees", "set", "medical-student", "10")
    assert changed.returncode == 0, changed.stderr
    try:
        (join,) = conversation(running_bot, "how do I join SIR?")
        assert "Medical Student**: $10 per year" in join and "free" not in join
    finally:
        assert bot_cli(running_bot, "fees", "set", "medical-student", "0").returncode == 0


def test_an_event_staff_add_is_found_by_its_name_with_a_typo(running_bot: Bot) -> None:
    added = bot_cli(running_bot, "events", "add", "mock-orals-2031", "--name",
                    "IR Mock Oral Boards Course", "--kind", "course", "--start", "2031-05-02",
                    "--location", "Chicago")
    assert added.returncode == 0, added.stderr
    try:
        # Rasa reads event names every few seconds, in the background.
        deadline, exact = time.monotonic() + 20, ""
        while "IR Mock Oral Boards Course" not in exact and time.monotonic() < deadline:
            (exact,) = conversation(running_bot, "tell me about the IR Mock Oral Boards Course")
            time.sleep(0.5)
        assert "IR Mock Oral Boards Course" in exact and "Chicago" in exact
        (typo,) = conversation(running_bot, "when is the mock oral bords course?")
        assert "IR Mock Oral Boards Course" in typo
    finally:
        bot_cli(running_bot, "events", "remove", "mock-orals-2031")
