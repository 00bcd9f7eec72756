"""The realistic evaluation: questions as real people asked them, judged on the whole answer.

`tests/nlu/realistic.yml`, `tests/nlu/realistic_forum.yml` (long forum posts with the
writer's background) and `tests/nlu/realistic_fresh.yml` hold questions gathered from
public pages (never trained on, but used for error analysis, so their figures are
optimistic); `tests/nlu/realistic_unseen.yml`, `tests/nlu/realistic_more.yml` and
`tests/nlu/realistic_extra.yml` three more such sets, each gathered by someone who never saw
the assistant's answers, whose failures nobody reads (`make evaluate` prints the failures
of the first two sets only). Each question is labelled by what the knowledge allows:
`answerable` (with the facts a right answer must contain), `unanswerable` (in the domain,
but the knowledge has no answer), `medical` (a patient's own health) and `out_of_domain`.
Each question is sent, as the first message of a new conversation, to a running assistant
(both servers), and the reply is judged:

- right: an answerable question whose reply holds every expected fact; an unanswerable or
  out-of-domain question answered with an honest "I don't know"; a medical question
  kindly refused (the emergency reply only for an emergency);
- honest "I don't know": an answerable question the assistant said it cannot answer;
- off-target: an answer meant for another question, which is the worst outcome;
- wrongly refused: an answerable question refused as medical advice or out of scope.
"""

from __future__ import annotations

import json
import re
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

from bot import settings

REALISTIC_FILE = Path("tests") / "nlu" / "realistic.yml"
FRESH_FILE = Path("tests") / "nlu" / "realistic_fresh.yml"
UNSEEN_FILE = Path("tests") / "nlu" / "realistic_unseen.yml"
MORE_FILE = Path("tests") / "nlu" / "realistic_more.yml"
EXTRA_FILE = Path("tests") / "nlu" / "realistic_extra.yml"
FORUM_FILE = Path("tests") / "nlu" / "realistic_forum.yml"
SET_FILES = (REALISTIC_FILE, FORUM_FILE, FRESH_FILE, UNSEEN_FILE, MORE_FILE, EXTRA_FILE)
# Their failures are not printed by `make evaluate` (the unseen sets are never analysed).
HIDDEN_FAILURES = (FRESH_FILE, UNSEEN_FILE, MORE_FILE, EXTRA_FILE)
KINDS = ("answerable", "unanswerable", "medical", "out_of_domain")

# How the assistant's replies say each thing (domain.yml and actions/ keep these words).
IDK = re.compile(
    r"I don't have (reliable|any|current|information|details|figures)|outside what I know",
    re.IGNORECASE,
)
MEDICAL_REFUSAL = re.compile(r"can't give (personal )?medical advice", re.IGNORECASE)
EMERGENCY = re.compile(r"emergency number", re.IGNORECASE)

RIGHT, IDK_VERDICT, OFF_TARGET, REFUSED = (
    "right",
    "honest I don't know",
    "off-target",
    "wrongly refused",
)


@dataclass(frozen=True)
class Question:
    kind: str
    text: str
    expect: Sequence[str] = ()
    source: str = ""
    emergency: bool = False


def load(path: Optional[Path] = None) -> List[Question]:
    import yaml

    data = yaml.safe_load((path or settings.PROJECT_ROOT / REALISTIC_FILE).read_text("utf-8"))
    questions = []
    for kind in KINDS:
        for item in data.get(kind) or []:
            questions.append(
                Question(
                    kind,
                    str(item["q"]),
                    tuple(item.get("expect") or ()),
                    str(item.get("source") or ""),
                    bool(item.get("emergency")),
                )
            )
    return questions


def has_fact(reply: str, expected: str) -> bool:
    """Whether the reply holds one of the " | "-separated alternatives (case ignored)."""
    folded = reply.casefold()
    return any(alt.strip().casefold() in folded for alt in expected.split("|") if alt.strip())


def judge(question: Question, reply: str) -> str:
    """The verdict on one reply (see the module docstring)."""
    says_idk = bool(IDK.search(reply))
    refused = bool(MEDICAL_REFUSAL.search(reply))
    emergency = bool(EMERGENCY.search(reply)) and not refused
    if question.kind == "answerable":
        if question.expect and all(has_fact(reply, fact) for fact in question.expect):
            return RIGHT
        if refused or emergency:
            return REFUSED
        return IDK_VERDICT if says_idk else OFF_TARGET
    if question.kind == "medical":
        if question.emergency:
            return RIGHT if emergency else (IDK_VERDICT if refused or says_idk else OFF_TARGET)
        return RIGHT if refused else (IDK_VERDICT if says_idk else OFF_TARGET)
    # unanswerable and out of domain: only an honest "I don't know" (or a refusal) is right
    return RIGHT if says_idk or refused else OFF_TARGET


@dataclass
class Result:
    question: Question
    reply: str
    verdict: str


@dataclass
class Report:
    results: List[Result] = field(default_factory=list)
    source: Path = REALISTIC_FILE

    def of(self, kind: str) -> List[Result]:
        return [r for r in self.results if r.question.kind == kind]

    def share(self, verdict: str, kind: Optional[str] = None) -> float:
        pool = self.of(kind) if kind else self.results
        return sum(r.verdict == verdict for r in pool) / len(pool) if pool else 0.0

    @property
    def answerable_right(self) -> float:
        return self.share(RIGHT, "answerable")

    @property
    def off_target(self) -> float:
        return self.share(OFF_TARGET)

    def format(self, failures: bool = True) -> str:
        lines = [f"Realistic questions: {len(self.results)} ({self.source})", ""]
        lines.append(
            f"{'set':<14} {'n':>4} {'right':>7} {'idk':>7} {'off-target':>11} {'refused':>8}"
        )
        for kind in KINDS:
            pool = self.of(kind)
            counts = Counter(r.verdict for r in pool)
            lines.append(
                f"{kind:<14} {len(pool):>4} {counts[RIGHT]:>7} {counts[IDK_VERDICT]:>7} "
                f"{counts[OFF_TARGET]:>11} {counts[REFUSED]:>8}"
            )
        lines += [
            "",
            f"Answerable, answered right:  {self.answerable_right:.1%}",
            f"Answerable, honest I don't know: {self.share(IDK_VERDICT, 'answerable'):.1%}",
            f"Answerable, wrongly refused: {self.share(REFUSED, 'answerable'):.1%}",
            f"Unanswerable, honest I don't know: {self.share(RIGHT, 'unanswerable'):.1%}",
            f"Off-target (all questions):  {self.off_target:.1%}",
        ]
        if not failures:
            lines += ["", "(Failures not shown for this set: see HIDDEN_FAILURES.)"]
        else:
            unsure = [r for r in self.of("answerable") if r.verdict == IDK_VERDICT]
            if unsure:
                lines += ["", "Answerable, but the assistant said it doesn't know:"]
                lines += [f"  {r.question.text[:100]!r}" for r in unsure]
            wrong = [r for r in self.results if r.verdict in (OFF_TARGET, REFUSED)]
            if wrong:
                lines += ["", "Off-target or wrongly refused:"]
                for r in wrong:
                    reply = " ".join(r.reply.split())[:110]
                    lines.append(
                        f"  [{r.question.kind}] {r.question.text[:90]!r}\n      -> {reply}"
                    )
        return "\n".join(lines)


def post_message(
    base_url: str, sender: str, text: str, timeout: float = 30
) -> List[Dict[str, Any]]:
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(
        f"{base_url}/webhooks/rest/webhook", body, {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return list(json.loads(response.read()))


def evaluate(
    questions: Sequence[Question],
    send: Callable[[str, str], List[Dict[str, Any]]],
    source: Path = REALISTIC_FILE,
) -> Report:
    """Ask each question in a new conversation through `send(sender, text)`; judge the replies."""
    report = Report(source=source)
    for question in questions:
        replies = send(f"realistic-{uuid.uuid4().hex[:12]}", question.text)
        reply = "\n".join(str(m.get("text") or "") for m in replies)
        report.results.append(Result(question, reply, judge(question, reply)))
    return report


def evaluate_model(model: Path, files: Sequence[Path] = SET_FILES) -> List[Report]:
    """Start both servers on `model` with a fresh database, ask every set's questions (one
    report per file), stop them."""
    import tempfile

    from bot.serve import sandbox

    with tempfile.TemporaryDirectory(prefix="realistic-") as tmp:
        box = sandbox(model, Path(tmp))
        servers, base = box.servers, box.base
        servers.start()
        try:
            servers.wait_ready(timeout=240)
            return [
                evaluate(
                    load(settings.PROJECT_ROOT / file),
                    lambda s, t: post_message(base, s, t),
                    file,
                )
                for file in files
            ]
        finally:
            servers.stop()
