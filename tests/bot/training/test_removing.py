"""Taking back what staff added, on a copy of the real files: removing is the exact undo of
adding, and what users already get (or developers keep) is refused, with nothing written."""
from __future__ import annotations

import difflib
import io
import json
import tarfile
from pathlib import Path

import pytest

from bot.errors import StaffError
from bot.training import review
from bot.training.checks import run_checks
from bot.training.data import load
from bot.training.intents import (
    add_examples,
    add_intent,
    released_intents,
    removal_refused,
    remove_examples,
    remove_intent,
)
from bot.training.project import Project
from bot.training.registry import ModelRegistry
from tests.bot.training.conftest import NOW, VISA_ANSWER, VISA_EXAMPLES, refused, snapshot

PARKING = [
    "parking at the annual meeting", "is there parking at SIR meetings",
    "where do I leave my car at the SIR meeting", "how much does parking cost at the meeting",
    "can I park at the convention center", "parking for the SIR annual scientific meeting",
    "is there a car park at the venue", "where is the nearest parking garage to the meeting",
    "do attendees get free parking", "parking options at SIR conferences",
]
PARKING_ANSWER = "I don't have information about parking at SIR meetings."


@pytest.mark.parametrize("topic", ["custom", "membership"])
def test_removing_an_added_topic_leaves_every_file_as_before(project: Project, topic: str) -> None:
    before = snapshot(project)
    add_intent(project, "visa_support", VISA_EXAMPLES, VISA_ANSWER, topic=topic)
    assert removal_refused(project, "visa_support", released=set()) is None
    removal = remove_intent(project, "visa_support", released=set())
    assert snapshot(project) == before  # byte for byte; custom.yml, made for it, is gone
    assert removal.examples == VISA_EXAMPLES and removal.answer == VISA_ANSWER
    assert removal.deleted == ([project.nlu_dir / "custom.yml"] if topic == "custom" else [])
    assert "- J-1 visa for residency" in removal.details() and VISA_ANSWER in removal.details()


def test_removing_a_topic_between_others_keeps_their_layout_and_the_checks_pass(
    project: Project, tmp_path: Path
) -> None:
    expected = Project.default().copy_to(tmp_path / "expected")
    add_intent(expected, "meeting_parking", PARKING, PARKING_ANSWER)
    add_intent(project, "visa_support", VISA_EXAMPLES, VISA_ANSWER)
    add_intent(project, "meeting_parking", PARKING, PARKING_ANSWER)
    remove_intent(project, "visa_support", released=set())
    mine, theirs = snapshot(project), snapshot(expected)
    for name in sorted(set(mine) | set(theirs)):
        a, b = (p / name for p in (expected.root, project.root))
        assert mine.get(name) == theirs.get(name), "".join(difflib.unified_diff(
            a.read_text().splitlines(True), b.read_text().splitlines(True)))
    report = run_checks(project, include_rasa=True)
    assert report.ok, report.problems


def model_archive(path: Path, intents: list) -> Path:
    """A model file as Rasa writes it, as far as its metadata.json (the domain) goes."""
    metadata = json.dumps({"domain": {"intents": intents}}).encode()
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("metadata.json")
        info.size = len(metadata)
        archive.addfile(info, io.BytesIO(metadata))
    return path


def test_the_released_models_topics_are_read_from_its_file(migrated_db: str, tmp_path: Path) -> None:
    registry = ModelRegistry(migrated_db)
    assert released_intents(registry) == frozenset()  # nothing released yet
    path = model_archive(tmp_path / "ir-careers-1.tar.gz", ["greet", {"visa_support": {}}])
    record = registry.add(path, "1", None)
    registry.record(record.id, "release", "alice", "first")
    assert released_intents(registry) == {"greet", "visa_support"}
    path.unlink()
    with pytest.raises(StaffError, match="The file of the released model #1 .* is missing"):
        released_intents(registry)


def refer_to_it_in_a_story(project: Project) -> None:
    with project.stories.open("a") as stories:
        stories.write("\n- story: visa then thanks\n  steps:\n  - intent: visa_support\n"
                      "  - action: utter_visa_support\n  - intent: thank\n  - action: utter_thank\n")


def link_to_it_from_a_button(project: Project) -> None:
    text = project.domain.read_text().replace(
        "          payload: /help\n", "          payload: /help\n        - title: Visas\n"
        "          payload: /visa_support\n", 1)
    project.domain.write_text(text)


def answer_it_with_another_action(project: Project) -> None:
    text = project.rules.read_text().replace(
        "  - intent: visa_support\n  - action: utter_visa_support",
        "  - intent: visa_support\n  - action: utter_no_info")
    project.rules.write_text(text)


def send_it_from_a_custom_action(project: Project) -> None:
    (project.root / "actions").mkdir()
    (project.root / "actions" / "visas.py").write_text(
        'dispatcher.utter_message(response="utter_visa_support")\n')


def name_it_in_the_package(project: Project) -> None:
    (project.root / "bot" / "nlu").mkdir(parents=True)
    (project.root / "bot" / "nlu" / "visas.py").write_text('TOPIC = "visa_support"\n')


REFUSALS = [
    ("the released model knows it", None, {"visa_support"}, "The released model knows visa_support"),
    ("a story", refer_to_it_in_a_story, set(),
     r"Other parts of the assistant refer to visa_support: data/stories.yml \(visa then thanks\)"),
    ("a button", link_to_it_from_a_button, set(), r"domain.yml \(a button or slot"),
    ("another answer", answer_it_with_another_action, set(), "was not added as staff add topics"),
    ("a custom action", send_it_from_a_custom_action, set(), "refer to visa_support: actions/visas.py"),
    ("the package", name_it_in_the_package, set(), "refer to visa_support: bot/nlu/visas.py"),
]


@pytest.mark.parametrize("why, change, released, message", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_a_topic_users_get_or_others_use_is_not_removed(
    project: Project, why, change, released, message: str
) -> None:
    add_intent(project, "visa_support", VISA_EXAMPLES, VISA_ANSWER)
    if change:
        change(project)
    assert removal_refused(project, "visa_support", released=released) is not None
    with refused(project, message + ".* Nothing was removed."):
        remove_intent(project, "visa_support", released=released)


@pytest.mark.parametrize("intent, message", [
    ("join_sir", r"The test questions \(tests/nlu/heldout.yml\) have 6 question\(s\) for join_sir"),
    ("out_of_scope", "a name Rasa reserves"),
    ("no_such_topic", "Unknown intent 'no_such_topic'"),
])
def test_the_assistants_own_topics_are_not_removed(project: Project, intent, message) -> None:
    with refused(project, message):
        remove_intent(project, intent, released=set())


def test_removing_examples_takes_out_only_their_lines(project: Project) -> None:
    path = project.nlu_dir / "chitchat.yml"
    before = snapshot(project)
    original = path.read_text()
    add_examples(project, "greet", ["howdy assistant, good evening", "yo, anybody there"])
    change = remove_examples(project, "greet", ["Howdy assistant good evening!"])  # as shown, or not
    assert change.removed == ["howdy assistant, good evening"] and change.files == [path]
    diff = [d for d in difflib.ndiff(original.splitlines(), path.read_text().splitlines())
            if d[:2] in ("- ", "+ ")]
    assert diff == ["+     - yo, anybody there"]
    remove_examples(project, "greet", ["yo, anybody there"])
    assert snapshot(project) == before


@pytest.mark.parametrize("intent, texts, message", [
    ("greet", ["how much is membership"], "'how much is membership' is not an example of 'greet'"),
    ("no_such_intent", ["hello"], "Unknown intent 'no_such_intent'"),
    ("greet", [" "], "No example given."),
])
def test_removing_what_is_not_there_is_refused(project: Project, intent, texts, message) -> None:
    with refused(project, message):
        remove_examples(project, intent, texts)


def test_a_topic_keeps_its_minimum_of_examples(project: Project) -> None:
    add_intent(project, "meeting_parking", PARKING, PARKING_ANSWER)  # exactly 10
    with refused(project, "meeting_parking would have 9 examples left; a topic needs at "
                 "least 10. Add the right ways of asking first"):
        remove_examples(project, "meeting_parking", [PARKING[3]])
    add_examples(project, "meeting_parking", ["where can I park my car for the meeting"])
    remove_examples(project, "meeting_parking", [PARKING[3]])
    assert PARKING[3] not in load(project).examples["meeting_parking"]


def test_a_question_taken_back_returns_to_the_inbox(project: Project, tracker: str) -> None:
    review.assign(project, "can i do ir part-time", "salary_lifestyle")
    assert "can i do ir part-time" not in [i.text for i in review.inbox(project, tracker, now=NOW)]
    remove_examples(project, "salary_lifestyle", ["can i do ir part-time"])
    items = review.inbox(project, tracker, now=NOW)
    assert [(i.text, i.count) for i in items][0] == ("can i do ir part-time", 3)
