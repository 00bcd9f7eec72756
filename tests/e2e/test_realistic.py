"""Questions as real people asked them, answered by the running assistant (both servers).

The set (tests/nlu/realistic.yml) is gathered from public pages and never trained on. The
worst outcome is a confident answer to a different question. The goal is at least 85% of
answerable questions answered right with at most 5% off-target; measured on 2026-11-28:
84.7% right and 14.9% off-target (mostly unanswerable questions answered with a related
topic). These floors hold today's level so it can only improve; raise them as it does.
"""

from __future__ import annotations

import pytest

from bot.training import realistic
from bot.training.realistic import IDK_VERDICT, OFF_TARGET, REFUSED, RIGHT, Question, judge
from tests.e2e.conftest import Bot

ANSWERABLE_RIGHT = 0.80  # goal 0.85
MAX_OFF_TARGET = 0.16  # goal 0.05

pytestmark = pytest.mark.e2e


def test_the_set_is_large_and_never_used_for_training() -> None:
    from tests.nlu.test_heldout import normalise, training_examples

    questions = realistic.load()
    assert len(questions) >= 100
    assert all(q.source.startswith("http") for q in questions)
    assert all(q.expect for q in questions if q.kind == "answerable")
    training = training_examples()
    assert [q.text for q in questions if normalise(q.text) in training] == []


def test_the_judge_tells_right_idk_off_target_and_refused_apart() -> None:
    asked = Question("answerable", "how long is ESIR?", ("6 years | six years",))
    assert judge(asked, "ESIR ... so training totals 6 years.") == RIGHT
    assert judge(asked, "I don't have information on that, so I won't guess.") == IDK_VERDICT
    assert judge(asked, "Integrated IR positions in the NRMP Main Match ...") == OFF_TARGET
    assert judge(asked, "I'm sorry, I can't give medical advice: ...") == REFUSED
    unknown = Question("unanswerable", "what step 1 score do I need?")
    assert judge(unknown, "I don't have reliable figures, so I won't guess.") == RIGHT
    assert judge(unknown, "IR became a specialty in 2012.") == OFF_TARGET
    patient = Question("medical", "recovery after fibroid embolization?")
    assert judge(patient, "I'm sorry, I can't give medical advice: ask your physician.") == RIGHT
    assert judge(patient, "This sounds like an emergency. Call your local emergency number.") == OFF_TARGET


def test_real_questions_get_right_answers_and_almost_never_off_target(running_bot: Bot) -> None:
    report = realistic.evaluate(realistic.load(), running_bot.send)
    print(report.format())
    assert report.answerable_right >= ANSWERABLE_RIGHT, report.format()
    assert report.off_target <= MAX_OFF_TARGET, report.format()
