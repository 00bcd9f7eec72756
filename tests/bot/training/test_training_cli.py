"""The retraining commands as staff run them: real processes, on a copy of the files."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Optional

import pytest
import yaml

from bot.settings import PROJECT_ROOT
from bot.training.data import load
from bot.training.project import Project
from tests.bot.training.conftest import VISA_ANSWER, VISA_EXAMPLES, snapshot

BOT = str(Path(sys.executable).with_name("bot"))


def bot(*args: str, stdin: Optional[str] = None, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([BOT, *args], env={**os.environ, **env}, input=stdin,
                          capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=300)


def intent_file(tmp_path: Path, name: str, content: str) -> str:
    path = tmp_path / name
    path.write_text(content)
    return str(path)


def test_intent_add_from_a_file(project: Project, tmp_path: Path) -> None:
    source = intent_file(tmp_path, "visa.yml",
                         yaml.safe_dump({"examples": VISA_EXAMPLES, "answer": VISA_ANSWER}))
    result = bot("intent", "add", "visa_support", "--from", source, "--project", str(project.root))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "Added intent visa_support with 11 examples and its answer (utter_visa_support), in: "
        "data/nlu/custom.yml, domain.yml, data/rules.yml.")
    assert "Next: bot check, then bot train." in result.stdout
    assert load(project).examples["visa_support"] == VISA_EXAMPLES


def test_intent_add_asks_when_there_is_no_file(project: Project) -> None:
    typed = "\n".join(VISA_EXAMPLES) + "\n\n" + VISA_ANSWER + "\n\n"
    result = bot("intent", "add", "visa_support", "--topic", "international", "--project",
                 str(project.root), stdin=typed)
    assert result.returncode == 0, result.stderr
    assert "Type at least 10 different ways" in result.stdout
    assert (project.nlu_dir / "international.yml").exists()
    assert load(project).responses["utter_visa_support"] == [VISA_ANSWER]


def test_examples_add(project: Project) -> None:
    result = bot("examples", "add", "join_sir", "how can I sign up as a member online",
                 "where is the SIR sign-up form", "--project", str(project.root))
    assert result.returncode == 0, result.stderr
    assert "Added 2 example(s) to join_sir in data/nlu/membership.yml." in result.stdout


BAD_INPUTS = [
    (("examples", "add", "no_such_intent", "a new question"),
     None, "error: Unknown intent 'no_such_intent'. Known intents: abr_certification"),
    (("intent", "add", "greet", "--from", "{ok}"), None, "error: There is already an intent 'greet'"),
    (("intent", "add", "visa_support", "--from", "{few}"), None,
     "error: An intent needs at least 10 different examples; got 3."),
    (("intent", "add", "visa_support", "--from", "{bad}"), None,
     "error: bad.yml is not valid YAML (line 3, column 7): expected ',' or ']'"),
    (("intent", "add", "visa_support", "--from", "{shape}"), None,
     "error: shape.yml needs `examples:` (a list of questions) and `answer:` (the reply text)."),
    (("intent", "add", "visa_support"), "only one question\n\n\n",
     "error: An intent needs at least 10 different examples; got 1."),
    (("examples", "add", "join_sir", "how much does SIR membership cost"), None,
     "is already an example of intent 'membership_fee'"),
]


@pytest.mark.parametrize("args, stdin, message", BAD_INPUTS)
def test_bad_input_is_a_clear_error_and_changes_nothing(
    project: Project, tmp_path: Path, args, stdin, message: str
) -> None:
    files = {
        "ok": intent_file(tmp_path, "ok.yml", yaml.safe_dump(
            {"examples": VISA_EXAMPLES, "answer": VISA_ANSWER})),
        "few": intent_file(tmp_path, "few.yml", yaml.safe_dump(
            {"examples": VISA_EXAMPLES[:3], "answer": VISA_ANSWER})),
        "bad": intent_file(tmp_path, "bad.yml", "examples:\n  - [unclosed\nanswer: x\n"),
        "shape": intent_file(tmp_path, "shape.yml", "- just\n- a list\n"),
    }
    before = snapshot(project)
    result = bot(*[a.format(**files) for a in args], "--project", str(project.root), stdin=stdin)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert snapshot(project) == before


def test_review_lists_assigns_and_marks_out_of_scope(project: Project, tracker: str) -> None:
    env = {"TRACKER_STORE_URL": tracker}
    listed = bot("review", "--list", "--project", str(project.root), **env)
    assert listed.returncode == 0, listed.stderr
    assert "Inbox: 2 question(s) from the last 30 days" in listed.stdout
    assert '  1. "can i do ir part-time" asked 3 times' in listed.stdout
    assigned = bot("review", "--assign", "can i do ir part-time", "salary_lifestyle",
                   "--project", str(project.root), **env)
    assert assigned.returncode == 0, assigned.stderr
    assert '"can i do ir part-time" is now an example of salary_lifestyle.' in assigned.stdout
    scoped = bot("review", "--out-of-scope", "tell me about locum work",
                 "--project", str(project.root), **env)
    assert scoped.returncode == 0, scoped.stderr
    assert "Inbox: 0 question(s)" in bot("review", "--project", str(project.root), **env).stdout


def test_review_interactively(project: Project, tracker: str) -> None:
    result = bot("review", "--project", str(project.root), stdin="salary_lifestyle\ns\n",
                 TRACKER_STORE_URL=tracker)
    assert result.returncode == 0, result.stderr
    assert "Assigned 1, out of scope 0, skipped 1. Next: bot check, then bot train." in result.stdout


@pytest.mark.parametrize("command", [("release",), ("rollback",), ("release", "3", "--force")])
def test_release_and_rollback_need_the_api_token(command) -> None:
    result = bot(*command, RASA_API_TOKEN="")
    assert result.returncode == 2
    assert result.stderr.startswith("error: RASA_API_TOKEN is not set.")


def test_registry_commands_on_an_empty_registry(migrated_db: str) -> None:
    assert "No models registered yet: run `bot train`." in bot("models", DATABASE_URL=migrated_db).stdout
    result = bot("evaluate", DATABASE_URL=migrated_db)
    assert result.returncode == 2
    assert "error: There is no candidate model: run `bot train` first." in result.stderr


def test_train_without_a_registry_stops_before_training(tmp_path: Path) -> None:
    result = bot("train", DATABASE_URL=f"sqlite:///{tmp_path / 'empty.db'}")
    assert result.returncode == 2
    assert "run `bot db setup`" in result.stderr
    assert "Training" not in result.stdout


def test_check_reports_problems_with_exit_status_1(project: Project) -> None:
    (project.nlu_dir / "chitchat.yml").write_text(
        (project.nlu_dir / "chitchat.yml").read_text() + "- intent: thank\n  examples: |\n"
        "    - how do i join SIR\n")
    result = bot("check", "--project", str(project.root))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Problems (" in result.stdout
    assert "\"how do i join SIR\" (join_sir) and \"how do i join SIR\" (thank)" in result.stdout \
        or "\"how do i join SIR\" (thank) and \"how do i join SIR\" (join_sir)" in result.stdout


def test_taking_back_an_example_and_a_topic(project: Project, tmp_path: Path, migrated_db: str) -> None:
    from bot.db.staff import AuditLog

    before = snapshot(project)
    source = intent_file(tmp_path, "visa.yml",
                         yaml.safe_dump({"examples": VISA_EXAMPLES, "answer": VISA_ANSWER}))
    where = ("--project", str(project.root))
    assert bot("intent", "add", "visa_support", "--from", source, *where).returncode == 0
    assert bot("examples", "add", "visa_support", "visa for a research year", *where).returncode == 0
    removed = bot("examples", "remove", "visa_support", "visa for a research year", *where)
    assert removed.returncode == 0, removed.stderr
    assert ("Removed 1 example(s) from visa_support in data/nlu/custom.yml. Next: bot check, "
            "then bot train.") in removed.stdout

    kept = bot("intent", "remove", "visa_support", *where, stdin="visa\n")  # not its name
    assert "Type visa_support to remove it" in kept.stdout and "Nothing was removed." in kept.stdout
    assert "visa_support" in load(project).examples
    gone = bot("intent", "remove", "visa_support", *where, stdin="visa_support\n")
    assert gone.returncode == 0, gone.stderr
    assert ("Removed intent visa_support: 11 examples, its answer and its rule, from: "
            "data/nlu/custom.yml, domain.yml, data/rules.yml (data/nlu/custom.yml held nothing "
            "else and is gone). Next: bot check, then bot train.") in gone.stdout
    assert snapshot(project) == before

    entries = AuditLog(migrated_db).list()
    assert [(e.action, e.target) for e in entries[:2]] == [
        ("topic removed", "visa_support"), ("example removed", "visa_support")]
    assert entries[1].details == "visa for a research year"
    assert "- IMG visa support" in entries[0].details and VISA_ANSWER in entries[0].details
    assert all(e.actor.endswith("(command line)") for e in entries[:2])


def test_a_topic_users_get_is_not_removed(project: Project, migrated_db: str) -> None:
    before = snapshot(project)
    result = bot("intent", "remove", "join_sir", "--yes", "--project", str(project.root))
    assert result.returncode == 2
    assert result.stderr.startswith("error: The test questions (tests/nlu/heldout.yml) have 6 "
                                    "question(s) for join_sir; a developer keeps that file")
    assert result.stderr.rstrip().endswith("Nothing was removed.")
    assert snapshot(project) == before
