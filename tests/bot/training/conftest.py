"""A copy of the assistant's files per test: the real ones are never edited."""
from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import pytest
from sqlalchemy import create_engine, insert

from bot.errors import StaffError
from bot.training import review
from bot.training.project import Project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project.default().copy_to(tmp_path / "assistant")


def snapshot(project: Project) -> Dict[str, str]:
    """A hash of every file of the copy, to prove a refused change wrote nothing."""
    return {
        str(path.relative_to(project.root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(project.root.rglob("*")) if path.is_file()
    }


@contextmanager
def refused(project: Project, message: str) -> Iterator[None]:
    """The change made inside is refused with `message`, and no file of the copy changes."""
    before = snapshot(project)
    with pytest.raises(StaffError, match=message):
        yield
    assert snapshot(project) == before


VISA_EXAMPLES = [
    "do you help with visas",
    "visa help for IMGs",
    "J-1 visa for residency",
    "H-1B sponsorship for IR residency",
    "I am an international medical graduate, can SIR help with my visa",
    "visa questions",
    "which programs sponsor visas",
    "IMG visa support",
    "does SIR give immigration advice",
    "visa sponsorship for IR fellows",
    "can foreign grads get a visa for IR",
]
# Written like staff would: no claim beyond what the knowledge files support.
VISA_ANSWER = (
    "I don't have information about visas. Please ask each program you apply to whether "
    "it sponsors visas."
)


NOW = datetime.now(timezone.utc).replace(microsecond=0)  # rows are relative to today


def user_event(text: str, intent: str, confidence: float, ranking: Optional[List] = None,
               at: datetime = NOW - timedelta(hours=1)) -> dict:
    """A `user` event row as Rasa's SQLTrackerStore stores it."""
    parse = {"intent": {"name": intent, "confidence": confidence}, "entities": [], "text": text,
             "intent_ranking": ranking or [{"name": intent, "confidence": confidence}]}
    data = {"event": "user", "timestamp": at.timestamp(), "text": text, "parse_data": parse}
    return {"sender_id": "s1", "type_name": "user", "timestamp": at.timestamp(),
            "intent_name": intent, "action_name": None, "data": json.dumps(data)}


@pytest.fixture
def tracker(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = create_engine(url, future=True)
    review.EVENTS.metadata.create_all(engine)
    fallback = [{"name": "nlu_fallback", "confidence": 0.35},
                {"name": "salary_lifestyle", "confidence": 0.21}]
    rows = [
        user_event("Can I do IR part time?", "nlu_fallback", 0.35, fallback),
        user_event("can i do ir part-time", "nlu_fallback", 0.35, fallback,
                   at=NOW - timedelta(minutes=5)),
        user_event("can I do IR  part time", "nlu_fallback", 0.35, fallback,
                   at=NOW - timedelta(days=2)),
        user_event("tell me about locum work", "ir_workplaces", 0.41),  # low confidence
        user_event("how much is membership", "membership_fee", 0.97),  # sure: not listed
        user_event("/greet", "nlu_fallback", 0.35, fallback),  # a button payload
        user_event("how do i join SIR", "nlu_fallback", 0.35, fallback),  # already trained
        user_event("an old question", "nlu_fallback", 0.35, fallback, at=NOW - timedelta(days=40)),
    ]
    with engine.begin() as connection:
        connection.execute(insert(review.EVENTS), rows)
        connection.execute(insert(review.EVENTS), [{**rows[4], "type_name": "bot"}])
    engine.dispose()
    return url
