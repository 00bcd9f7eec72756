"""The review inbox, read from a tracker store laid out as Rasa writes it."""
from __future__ import annotations

from pathlib import Path
from typing import List

import pytest

from bot.errors import StaffError
from bot.training import review
from bot.training.data import load
from bot.training.project import Project
from tests.bot.training.conftest import NOW, refused


def test_the_inbox_groups_counts_and_filters(project: Project, tracker: str) -> None:
    items = review.inbox(project, tracker, now=NOW)
    assert [(i.text, i.count, i.guess) for i in items] == [
        ("can i do ir part-time", 3, "salary_lifestyle"),
        ("tell me about locum work", 1, "ir_workplaces"),
    ]
    assert items[0].fell_back == 3 and items[0].confidence == pytest.approx(0.21)
    assert "asked 3 times" in items[0].line(1) and "best guess salary_lifestyle (0.21)" in items[0].line(1)
    assert [i.text for i in review.inbox(project, tracker, threshold=0.3, now=NOW)] == [
        "can i do ir part-time"]
    assert len(review.inbox(project, tracker, days=60, now=NOW)) == 3


def test_assigning_adds_an_example_and_the_question_leaves_the_inbox(
    project: Project, tracker: str
) -> None:
    review.assign(project, "can i do ir part-time", "salary_lifestyle")
    assert "can i do ir part-time" in load(project).examples["salary_lifestyle"]
    review.mark_out_of_scope(project, "tell me about locum work")
    assert "tell me about locum work" in load(project).examples["out_of_scope"]
    assert review.inbox(project, tracker, now=NOW) == []


def test_assigning_to_an_unknown_intent_is_refused(project: Project) -> None:
    with refused(project, "Unknown intent 'part_time'"):
        review.assign(project, "can i do ir part-time", "part_time")


def test_interactive_review(project: Project, tracker: str) -> None:
    answers = iter(["?", "no_such_intent", "salary_lifestyle", "o"])
    said: List[str] = []
    done = review.interactive(project, review.inbox(project, tracker, now=NOW),
                              ask=lambda prompt: next(answers), say=said.append)
    assert done == {"assigned": 1, "out_of_scope": 1, "skipped": 0}
    assert any(line.startswith("  Intents: abr_certification") for line in said)
    assert any("Unknown intent 'no_such_intent'" in line for line in said)
    assert load(project).owner("tell me about locum work") == "out_of_scope"


def test_a_missing_tracker_store_is_a_clear_error(project: Project, tmp_path: Path) -> None:
    with pytest.raises(StaffError, match="No conversations yet"):
        review.inbox(project, f"sqlite:///{tmp_path / 'none.db'}")
