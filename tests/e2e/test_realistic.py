"""Questions as real people asked them, answered by the running assistant (both servers).

Six sets, gathered from public pages and never trained on. tests/nlu/realistic.yml,
tests/nlu/realistic_forum.yml and tests/nlu/realistic_fresh.yml are used for error analysis,
so their figures are optimistic. tests/nlu/realistic_unseen.yml, realistic_more.yml and
realistic_extra.yml were each gathered by someone who never saw the assistant's answers, and
their failures are never looked at: the honest check. The worst outcome is a confident answer
to a different question. The goal is at least 85% of answerable questions answered right with
at most 5% off-target (README, "Quality", has the dated figures). These floors hold the levels
measured on 2026-11-28 so they can only improve; raise them as they do.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT
from bot.training import realistic
from bot.training.realistic import (
    EXTRA_FILE,
    FORUM_FILE,
    FRESH_FILE,
    IDK_VERDICT,
    MORE_FILE,
    OFF_TARGET,
    REALISTIC_FILE,
    REFUSED,
    RIGHT,
    UNSEEN_FILE,
    Question,
    judge,
)
from tests.e2e.conftest import Bot

ANSWERABLE_RIGHT = 0.71  # goal 0.85; measured 71.2%
MAX_OFF_TARGET = 0.01  # the goal is 0.05; measured 0.8%
FRESH_ANSWERABLE_RIGHT = 0.73  # measured 73.9% (78.3% before the second opinion)
FRESH_MAX_OFF_TARGET = 0.09  # measured 8.2%

UNSEEN_ANSWERABLE_RIGHT = 0.42  # measured 42.9%
UNSEEN_MAX_OFF_TARGET = 0.11  # measured 10.9%

MORE_ANSWERABLE_RIGHT = 0.55  # measured 55.6%
MORE_MAX_OFF_TARGET = 0.02  # measured 2.0%

EXTRA_ANSWERABLE_RIGHT = 0.64  # measured 64.3%
EXTRA_MAX_OFF_TARGET = 0.14  # measured 13.7%

FORUM_ANSWERABLE_RIGHT = 0.63  # measured 63.2%
FORUM_MAX_OFF_TARGET = 0.07  # measured 6.8%

FLOORS = {
    REALISTIC_FILE: (ANSWERABLE_RIGHT, MAX_OFF_TARGET),
    FRESH_FILE: (FRESH_ANSWERABLE_RIGHT, FRESH_MAX_OFF_TARGET),
    UNSEEN_FILE: (UNSEEN_ANSWERABLE_RIGHT, UNSEEN_MAX_OFF_TARGET),
    MORE_FILE: (MORE_ANSWERABLE_RIGHT, MORE_MAX_OFF_TARGET),
    EXTRA_FILE: (EXTRA_ANSWERABLE_RIGHT, EXTRA_MAX_OFF_TARGET),
    FORUM_FILE: (FORUM_ANSWERABLE_RIGHT, FORUM_MAX_OFF_TARGET),
}
MIN_SIZE = {
    REALISTIC_FILE: 100,
    FORUM_FILE: 59,
    FRESH_FILE: 60,
    UNSEEN_FILE: 55,
    MORE_FILE: 50,
    EXTRA_FILE: 50,
}
SETS = list(realistic.SET_FILES)  # every set `make evaluate` reports
SET_IDS = [file.stem.removeprefix("realistic_") for file in SETS]
# A training example sharing this much of a question's content words (and at least three
# of them) is a close paraphrase. These generic phrasings were in the training data before
# the sets were gathered, so they are coincidences, not leaks; anything new is a leak.
CLOSE_PARAPHRASE = 0.75
KNOWN_COINCIDENCES = {
    "What is the current training pathway for pediatric IR?",
    "What Does an Interventional Radiologist Do?",
    "How Many Hours a Week Do Interventional Radiologists Work?",
    "How long is the recovery following the procedure?",
    "How to apply for the IR independent residency",
    "How Many Letters Do You Need for IR?",
    # content words "IR away rotations" only, as in "where should I do my IR away rotations"
    "How many away rotations should I do for IR?",
    # realistic_more.yml: "what does IR mean" has been an example since the first round
    "What does IR mean medically?",
    # realistic_extra.yml: "competitiveness of integrated interventional radiology" and "what
    # makes a competitive integrated IR applicant" are examples from earlier rounds
    "What Makes Interventional Radiology So Competitive?",
    # realistic_forum.yml: "is interventional radiology competitive" has been an example
    # since the first rounds
    "How competitive is interventional radiology?",
    "How Competitive Is Interventional Radiology… Really?",
}

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("file", SETS, ids=SET_IDS)
def test_the_set_is_large_and_never_used_for_training(file: Path) -> None:
    from tests.nlu.test_heldout import normalise, training_examples

    questions = realistic.load(PROJECT_ROOT / file)
    assert len(questions) >= MIN_SIZE[file]
    assert all(q.source.startswith("http") for q in questions)
    assert all(q.expect for q in questions if q.kind == "answerable")
    training = training_examples()
    assert [q.text for q in questions if normalise(q.text) in training] == []
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    def content(text: str) -> set:
        return {w for w in normalise(text).split() if w not in ENGLISH_STOP_WORDS}

    examples = [content(example) for example in training]
    close = [
        q.text
        for q in questions
        if q.text not in KNOWN_COINCIDENCES
        and len(content(q.text)) >= 3
        and any(
            len(content(q.text) & e) / len(content(q.text) | e) >= CLOSE_PARAPHRASE
            for e in examples
        )
    ]
    assert close == []


def test_the_sets_do_not_share_questions() -> None:
    from tests.nlu.test_heldout import normalise

    seen: set = set()
    for file in SETS:
        texts = {normalise(q.text) for q in realistic.load(PROJECT_ROOT / file)}
        assert texts & seen == set(), file
        seen |= texts


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
    assert (
        judge(patient, "This sounds like an emergency. Call your local emergency number.")
        == OFF_TARGET
    )


@pytest.mark.parametrize("file", SETS, ids=SET_IDS)
def test_real_questions_get_right_answers_and_almost_never_off_target(
    running_bot: Bot, file: Path
) -> None:
    report = realistic.evaluate(realistic.load(PROJECT_ROOT / file), running_bot.send, file)
    # The unseen sets' failures stay unread, here as in `make evaluate`.
    shown = report.format(failures=file not in realistic.HIDDEN_FAILURES)
    print(shown)
    answerable_right, max_off_target = FLOORS[file]
    assert report.answerable_right >= answerable_right, shown
    assert report.off_target <= max_off_target, shown
