"""Editing the assistant's YAML keeps everything else as it was: comments, order, layout."""
from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import List

import pytest
from ruamel.yaml import YAML

from bot.errors import StaffError
from bot.training.intents import add_examples, add_intent
from bot.training.project import Project
from bot.training.yamlfile import YamlFile, append, long_text, write_all
from tests.bot.training.conftest import VISA_ANSWER, VISA_EXAMPLES, refused, snapshot


def yaml_files(project: Project) -> List[Path]:
    return [project.domain, project.rules, project.stories, project.heldout, *project.nlu_files()]


def added_lines_only(before: str, after: str) -> List[str]:
    """The lines `after` adds to `before`; fails if any line was changed or removed."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    assert not [d for d in diff if d.startswith("- ")], "a line was changed or removed"
    return [d[2:] for d in diff if d.startswith("+ ")]


def test_every_real_file_round_trips_byte_for_byte(project: Project) -> None:
    for path in yaml_files(project):
        assert YamlFile.load(path).render() == path.read_text(), path


def test_adding_an_intent_only_adds_lines_and_keeps_the_layout(project: Project) -> None:
    before = {p: p.read_text() for p in yaml_files(project)}
    change = add_intent(project, "visa_support", VISA_EXAMPLES, VISA_ANSWER)
    assert sorted(change.files) == sorted(
        [project.nlu_dir / "custom.yml", project.domain, project.rules])

    domain = project.domain.read_text()
    added = added_lines_only(before[project.domain], domain)
    assert added[:3] == ["  - visa_support", "  utter_visa_support:", "    - text: >-"]
    assert added[-1] == "" and len(added) == 6  # the answer folded on two lines, as the others
    assert all(line.startswith("        ") and len(line) <= 8 + 80 for line in added[3:5])
    assert domain.startswith("# The assistant's domain.")  # the header comment is kept
    # The new intent comes after the last one, before the blank line closing the list ...
    assert "  - no_info\n  - visa_support\n\nentities:" in domain
    # ... and the answer after the last response, separated like the others.
    assert "          payload: /help\n\n  utter_visa_support:\n" in domain
    old = before[project.domain]
    assert domain[domain.index("session_config:"):] == old[old.index("session_config:"):]

    rules = project.rules.read_text()
    assert added_lines_only(before[project.rules], rules) == [
        "", "- rule: answer visa_support", "  steps:", "  - intent: visa_support",
        "  - action: utter_visa_support"]

    custom = (project.nlu_dir / "custom.yml").read_text()
    assert custom.startswith("# Questions added by staff")
    assert "- intent: visa_support\n  examples: |\n    - do you help with visas\n" in custom
    for path in yaml_files(project):  # the other files are untouched
        if path not in change.files:
            assert path.read_text() == before[path]

    data = YAML(typ="safe").load(domain)
    assert data["responses"]["utter_visa_support"] == [{"text": VISA_ANSWER}]


def test_adding_to_an_existing_topic_and_examples_keep_the_block_scalar(project: Project) -> None:
    path = project.nlu_dir / "membership.yml"
    before = path.read_text()
    add_intent(project, "visa_support", VISA_EXAMPLES, VISA_ANSWER, topic="membership")
    add_examples(project, "join_sir", ["how can I sign up as a member online"])
    after = path.read_text()
    added = added_lines_only(before, after)
    assert added[:2] == ["    - how can I sign up as a member online", "- intent: visa_support"]
    assert "- intent: join_sir\n  examples: |\n" in after
    assert "    - how can I sign up as a member online\n- intent: membership_categories" in after


def test_examples_go_to_the_file_of_their_intent_and_keep_blank_lines(project: Project) -> None:
    path = project.nlu_dir / "chitchat.yml"
    before = path.read_text()
    change = add_examples(project, "greet", ["howdy assistant, good evening", "yo, anybody there"])
    assert change.files == [path]
    assert added_lines_only(before, path.read_text()) == [
        "    - howdy assistant, good evening", "    - yo, anybody there"]


def test_a_long_answer_is_folded_and_reads_back_exactly() -> None:
    text = "word " * 40 + "end."
    folded = long_text(text.strip())
    yaml = YAML()
    from io import StringIO
    out = StringIO()
    yaml.dump({"text": folded}, out)
    assert out.getvalue().startswith("text: >-\n")
    assert YAML(typ="safe").load(out.getvalue())["text"] == text.strip()
    assert long_text("short") == "short"
    assert YAML(typ="safe").load(
        _dump({"t": long_text("line one\nline two")}))["t"] == "line one\nline two"


def _dump(data) -> str:
    from io import StringIO
    out = StringIO()
    YAML().dump(data, out)
    return out.getvalue()


FEW = VISA_EXAMPLES[:9]


@pytest.mark.parametrize(
    "name, examples, answer, topic, message",
    [
        ("greet", VISA_EXAMPLES, VISA_ANSWER, "custom", "There is already an intent 'greet'"),
        ("Visa Support", VISA_EXAMPLES, VISA_ANSWER, "custom", "is not a valid intent name"),
        ("nlu_fallback", VISA_EXAMPLES, VISA_ANSWER, "custom", "Rasa reserves"),
        ("visa_support", FEW, VISA_ANSWER, "custom", "at least 10 different examples; got 9"),
        ("visa_support", FEW + ["Visa questions!"], VISA_ANSWER, "custom", "is given twice"),
        ("visa_support", FEW + ["how do i join SIR"], VISA_ANSWER, "custom",
         "'how do i join SIR' is already an example of intent 'join_sir'"),
        ("visa_support", FEW + ["Hiya bot, anyone home?"], VISA_ANSWER, "custom",
         "is a held-out test question"),
        ("visa_support", FEW + ["/greet"], VISA_ANSWER, "custom", "button payload"),
        ("visa_support", VISA_EXAMPLES, "   ", "custom", "The answer is empty"),
        ("visa_support", VISA_EXAMPLES, VISA_ANSWER, "../x", "is not a valid topic"),
    ],
)
def test_refused_input_leaves_every_file_byte_for_byte_unchanged(
    project: Project, name, examples, answer, topic, message
) -> None:
    with refused(project, message.replace("?", r"\?").replace("(", r"\(")):
        add_intent(project, name, examples, answer, topic=topic)


@pytest.mark.parametrize(
    "intent, examples, message",
    [
        ("nope", ["a question"], "Unknown intent 'nope'. Known intents: abr_certification"),
        ("join_sir", ["how do i join SIR"], "is already an example of 'join_sir'"),
        ("join_sir", ["how much does SIR membership cost"], "already an example of intent 'membership_fee'"),
        ("join_sir", ["   "], "No example given"),
    ],
)
def test_refused_examples_leave_files_unchanged(project: Project, intent, examples, message) -> None:
    with refused(project, message):
        add_examples(project, intent, examples)


def test_a_malformed_data_file_is_named_and_nothing_is_written(project: Project) -> None:
    broken = project.nlu_dir / "events.yml"
    broken.write_text(broken.read_text() + "- intent: [unclosed\n")
    with refused(project, r"events.yml is not valid YAML \(line \d+"):
        add_intent(project, "visa_support", VISA_EXAMPLES, VISA_ANSWER)


def test_a_failed_write_puts_back_the_files_already_replaced(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(project)
    real_replace = os.replace
    calls = []

    def failing_replace(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError("disk full")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        add_intent(project, "visa_support", VISA_EXAMPLES, VISA_ANSWER, topic="membership")
    assert snapshot(project) == before
    assert not [p for p in project.root.rglob(".*.yml.*")]  # no temporary files left


def test_a_file_ruamel_cannot_reproduce_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "odd.yml"
    path.write_text("a:   1\nb: [1,2]\n")
    with pytest.raises(StaffError, match="cannot be edited without changing its layout"):
        YamlFile.load(path)


def test_append_to_a_new_file() -> None:
    file = YamlFile.new(Path("/nonexistent/x.yml"), "# c\nitems: []\n")
    from ruamel.yaml.comments import CommentedSeq
    file.doc["items"] = CommentedSeq()
    append(file, file.doc["items"], "one")
    append(file, file.doc["items"], "two")
    assert file.render() == "# c\nitems:\n- one\n- two\n"


def test_write_all_skips_unchanged_files(project: Project) -> None:
    file = YamlFile.load(project.domain)
    assert write_all([file]) == []
