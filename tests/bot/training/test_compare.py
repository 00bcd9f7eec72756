"""The comparison staff read before releasing, and the gate that refuses a worse model."""
from __future__ import annotations

from typing import List

from sklearn.metrics import classification_report

from bot.training.compare import NOISE_F1, Comparison, format_comparison, format_verdict
from bot.training.evaluate import Evaluation

INTENTS = ["fees", "join", "greet", "events"]
TEXTS = [f"{intent} question {n}" for intent in INTENTS for n in range(6)]
EXPECTED = [intent for intent in INTENTS for _ in range(6)]


def evaluation(predicted: List[str]) -> Evaluation:
    result = Evaluation(texts=list(TEXTS), expected=list(EXPECTED), predicted=predicted,
                        fell_back=[False] * len(predicted))
    result.report = classification_report(EXPECTED, predicted, output_dict=True, zero_division=0)
    return result


def test_an_identical_candidate_passes() -> None:
    same = Comparison(evaluation(list(EXPECTED)), evaluation(list(EXPECTED)))
    assert same.regressions() == [] and same.answer_changes() == []
    text = format_comparison(same, "#2", "#1", "heldout.yml")
    assert "No intent's F1 changed." in text
    assert "Every held-out question gets the same intent as before." in text
    assert format_verdict(same, "2")[0] is True


def test_one_question_moving_is_within_the_noise_margin() -> None:
    predicted = list(EXPECTED)
    predicted[0] = "join"  # one 'fees' question now goes to 'join'
    # One question of 24 here is 4.2 points; of the real 174, 0.6 (the margin is 2.5).
    comparison = Comparison(evaluation(predicted), evaluation(list(EXPECTED)), noise_accuracy=0.05)
    assert comparison.regressions() == []
    text = format_comparison(comparison, "#2", "#1", "heldout.yml")
    assert "17% of 'fees' questions now go to 'join' (1 of 6)" in text
    assert "broken  \"fees question 0\": fees -> join (should be fees)" in text


def test_swapped_intents_are_refused_and_named() -> None:
    swap = {"fees": "join", "join": "fees"}
    damaged = Comparison(evaluation([swap.get(e, e) for e in EXPECTED]), evaluation(list(EXPECTED)))
    problems = damaged.regressions()
    assert damaged.damaged_intents() == ["fees", "join"]
    assert any(p.startswith("accuracy 100.0% -> 50.0%") for p in problems)
    assert any(p.startswith("fees F1 1.00 -> 0.00") for p in problems)
    allowed, verdict = format_verdict(damaged, "3")
    assert not allowed and "WORSE" in verdict and "--force --reason" in verdict
    text = format_comparison(damaged, "#3", "#1", "heldout.yml")
    assert "100% of 'fees' questions now go to 'join' (6 of 6)" in text
    assert "WORSE, beyond the noise margin" in text


def test_a_new_intent_is_better_not_worse() -> None:
    released = evaluation([("fees" if e == "events" else e) for e in EXPECTED])  # never knew events
    candidate = evaluation(list(EXPECTED))
    comparison = Comparison(candidate, released)
    assert comparison.regressions() == []
    changes = {c.intent: (c.before, c.after) for c in comparison.intent_changes()}
    assert changes["events"] == (0.0, 1.0)
    assert [a.kind for a in comparison.answer_changes()] == ["fixed"] * 6


def test_the_margin_is_applied_to_each_intent() -> None:
    predicted = list(EXPECTED)
    predicted[0] = predicted[1] = predicted[2] = "join"  # half the 'fees' questions
    comparison = Comparison(evaluation(predicted), evaluation(list(EXPECTED)), noise_accuracy=1)
    fees = next(c for c in comparison.intent_changes() if c.intent == "fees")
    assert round(fees.delta, 2) == -0.33 and -fees.delta > NOISE_F1
    assert comparison.damaged_intents() == ["fees"]  # join's F1 fell less: 1.00 -> 0.80
    assert [p.split(" F1")[0] for p in comparison.regressions()] == ["fees"]
