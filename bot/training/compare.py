"""Compare a candidate model with the released one on the same held-out questions, and
decide whether the candidate may be released.

Staff are not ML engineers: the comparison is said in plain words (which intents got
better or worse, which questions now get a different answer, which mix-ups are new), and
the release gate refuses a candidate that is worse by more than the noise margin: the
largest drop measured between equally good trainings (bot/training/noise.py; docs/staff.md).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import List, Tuple

from bot.training.evaluate import Evaluation
from bot.training.metrics import per_intent_f1

# Measured with `python -m bot.training.noise` (docs/staff.md). Three
# trainings with another random_state and example order: identical scores (lbfgs ignores the
# seed). Three trainings on different random 90% of the examples: the largest drop between two
# was 1.7 points of accuracy (3 of 174 questions) and 0.20 of one intent's F1 (with 6 questions
# per intent, one question moving costs 0.08-0.18). Margins: those, rounded up.
NOISE_ACCURACY = 0.025  # 2.5 points of accuracy
NOISE_F1 = 0.25  # of any one intent's F1
EPSILON = 1e-9


@dataclass(frozen=True)
class IntentChange:
    intent: str
    before: float
    after: float

    @property
    def delta(self) -> float:
        return self.after - self.before


@dataclass(frozen=True)
class AnswerChange:
    text: str
    expected: str
    before: str
    after: str

    @property
    def kind(self) -> str:
        if self.after == self.expected:
            return "fixed"
        if self.before == self.expected:
            return "broken"
        return "changed"


@dataclass(frozen=True)
class Confusion:
    expected: str
    predicted: str
    count: int
    before: int
    support: int

    @property
    def share(self) -> float:
        return self.count / self.support if self.support else 0.0


@dataclass
class Comparison:
    candidate: Evaluation
    released: Evaluation
    noise_accuracy: float = NOISE_ACCURACY
    noise_f1: float = NOISE_F1

    def __post_init__(self) -> None:
        if self.candidate.texts != self.released.texts:
            raise ValueError("the two evaluations are not on the same held-out questions")

    def intent_changes(self) -> List[IntentChange]:
        before, after = per_intent_f1(self.released), per_intent_f1(self.candidate)
        expected = set(self.candidate.expected)
        changes = [
            IntentChange(intent, before.get(intent, 0.0), after.get(intent, 0.0))
            for intent in sorted(expected)
            if abs(after.get(intent, 0.0) - before.get(intent, 0.0)) > EPSILON
        ]
        return sorted(changes, key=lambda c: c.delta)

    def answer_changes(self) -> List[AnswerChange]:
        changes = [
            AnswerChange(text, expected, before, after)
            for text, expected, before, after in zip(
                self.candidate.texts,
                self.candidate.expected,
                self.released.predicted,
                self.candidate.predicted,
            )
            if before != after
        ]
        order = {"broken": 0, "changed": 1, "fixed": 2}
        return sorted(changes, key=lambda c: order[c.kind])

    def new_confusions(self, top: int = 5) -> List[Confusion]:
        """Mix-ups (expected X, answered as Y) the candidate makes more often than before."""

        def pairs(evaluation: Evaluation) -> Counter:
            return Counter(
                (e, p) for e, p in zip(evaluation.expected, evaluation.predicted) if e != p
            )

        support = Counter(self.candidate.expected)
        now, before = pairs(self.candidate), pairs(self.released)
        confusions = [
            Confusion(e, p, count, before.get((e, p), 0), support[e])
            for (e, p), count in now.items()
            if count > before.get((e, p), 0)
        ]
        confusions.sort(key=lambda c: (-(c.count - c.before) / max(c.support, 1), c.expected))
        return confusions[:top]

    def regressions(self) -> List[str]:
        """Why the candidate is worse beyond the noise margin; empty when it is not."""
        problems = []
        drop = self.released.accuracy - self.candidate.accuracy
        if drop > self.noise_accuracy + EPSILON:
            problems.append(
                f"accuracy {pct(self.released.accuracy)} -> {pct(self.candidate.accuracy)} "
                f"(-{drop * 100:.1f} points; the noise margin is {self.noise_accuracy * 100:.1f})"
            )
        for change in self.intent_changes():
            if -change.delta > self.noise_f1 + EPSILON:
                problems.append(
                    f"{change.intent} F1 {change.before:.2f} -> {change.after:.2f} "
                    f"({change.delta:+.2f}; the noise margin is {self.noise_f1:.2f})"
                )
        return problems

    def damaged_intents(self) -> List[str]:
        return [c.intent for c in self.intent_changes() if -c.delta > self.noise_f1 + EPSILON]


def pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def _signed_points(delta: float) -> str:
    return f"{delta * 100:+.1f} points"


def format_comparison(
    comparison: Comparison,
    candidate_label: str,
    released_label: str,
    heldout_label: str,
    limit: int = 25,
) -> str:
    """The comparison in plain words, for staff deciding whether to release."""
    c, r = comparison.candidate, comparison.released
    lines = [
        f"Candidate {candidate_label} against the released model {released_label},",
        f"on the {len(c.texts)} held-out questions in {heldout_label} (never used for training):",
        "",
        f"  {'':<12} {'released':>9} {'candidate':>10}",
        f"  {'accuracy':<12} {pct(r.accuracy):>9} {pct(c.accuracy):>10}   "
        f"{_signed_points(c.accuracy - r.accuracy)}",
        f"  {'macro F1':<12} {r.macro_f1:>9.3f} {c.macro_f1:>10.3f}   {c.macro_f1 - r.macro_f1:+.3f}",
        "",
    ]
    changes = comparison.intent_changes()
    if changes:
        lines.append(
            "Intents whose F1 changed (1.00: all its questions answered right, "
            "and no other question taken for it):"
        )
        for change in changes:
            verdict = "better" if change.delta > 0 else "worse"
            if -change.delta > comparison.noise_f1 + EPSILON:
                verdict = "WORSE, beyond the noise margin"
            lines.append(
                f"  {change.intent:<28} {change.before:.2f} -> {change.after:.2f}  "
                f"({change.delta:+.2f}, {verdict})"
            )
    else:
        lines.append("No intent's F1 changed.")
    lines.append("")
    answers = comparison.answer_changes()
    if answers:
        counts = Counter(a.kind for a in answers)
        lines.append(
            f"Questions now answered differently ({len(answers)}: {counts['fixed']} now right, "
            f"{counts['broken']} now wrong, {counts['changed']} wrong before and after):"
        )
        for answer in answers[:limit]:
            lines.append(
                f'  {answer.kind:<7} "{answer.text}": {answer.before} -> {answer.after}'
                + ("" if answer.kind == "fixed" else f" (should be {answer.expected})")
            )
        if len(answers) > limit:
            lines.append(f"  ... and {len(answers) - limit} more")
    else:
        lines.append("Every held-out question gets the same intent as before.")
    lines.append("")
    confusions = comparison.new_confusions()
    if confusions:
        lines.append("Top new confusions:")
        for confusion in confusions:
            was = f", before: {confusion.before}" if confusion.before else ""
            lines.append(
                f"  {confusion.share:.0%} of '{confusion.expected}' questions now go to "
                f"'{confusion.predicted}' ({confusion.count} of {confusion.support}{was})"
            )
    else:
        lines.append("No new confusions between intents.")
    return "\n".join(lines)


def format_verdict(comparison: Comparison, candidate_ref: str) -> Tuple[bool, str]:
    """(may be released, the sentence saying so)."""
    problems = comparison.regressions()
    if not problems:
        return True, (
            "Verdict: the candidate is not worse than the released model beyond the noise "
            f"margin. Release it with: bot release {candidate_ref}"
        )
    return False, (
        "Verdict: the candidate is WORSE than the released model: "
        + "; ".join(problems)
        + ". Fix the training data (bot check) and train again, or release anyway with "
        f'bot release {candidate_ref} --force --reason "...".'
    )
