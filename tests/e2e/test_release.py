"""End to end: staff add a question, check, train, compare and release it to a running server
without a restart; a damaged candidate is refused; rollback brings the earlier answers back.

Everything works on a copy of the assistant's files, with its own database, tracker store and
Rasa server (started with the HTTP API and a token), so the real files and the session's
`running_bot` (which has no API) are untouched. Trains two models.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import pytest
import yaml

from bot.serve import Servers, sandbox
from bot.settings import PROJECT_ROOT
from bot.training.candidates import Candidate, register, train_candidate
from bot.training.noise import wait_for_other_trainings
from bot.training.project import Project
from bot.training.registry import ModelRegistry
from bot.training.servers import RasaServer, ServerUnreachable
from bot.training.yamlfile import YamlFile, write_all
from tests.bot.training.conftest import VISA_ANSWER, VISA_EXAMPLES, snapshot

BOT = str(Path(sys.executable).with_name("bot"))
TOKEN = "e2e-release-token"
VISA_QUESTION = "can international graduates get visa help from you"
# The gate's held-out set asks the new question too, in words never used for training.
VISA_HELDOUT = [
    "can SIR sponsor my visa",
    "I'm an IMG, what about visas",
    "visa options for foreign medical graduates",
    "does the society help with immigration",
    "H1B or J1 for IR training?",
    "help with my work visa please",
]


@dataclass
class Staff:
    project: Project
    registry: ModelRegistry
    database_url: str
    servers: Servers
    base: str
    work: Path

    @property
    def rasa(self) -> List[RasaServer]:
        return [RasaServer(self.base, TOKEN)]

    def bot(self, *args: str, stdin: Optional[str] = None) -> subprocess.CompletedProcess:
        """The `bot` command as staff run it, on the copy, against this server."""
        env = {**os.environ, "DATABASE_URL": self.database_url, "RASA_API_TOKEN": TOKEN,
               "RASA_SERVERS": self.base}
        return subprocess.run([BOT, *args, "--project", str(self.project.root)], env=env,
                              input=stdin, capture_output=True, text=True, cwd=PROJECT_ROOT,
                              timeout=600)

    def ask(self, message: str, sender: str = "e2e-release") -> str:
        request = urllib.request.Request(
            f"{self.base}/webhooks/rest/webhook", headers={"Content-Type": "application/json"},
            data=json.dumps({"sender": sender, "message": message}).encode(),
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return "\n".join(m.get("text", "") for m in json.loads(response.read()))

    def train(self) -> Candidate:
        wait_for_other_trainings()  # a 2-core machine: never two trainings at once
        lines: List[str] = []
        candidate = train_candidate(self.project, self.registry, progress=lines.append)
        assert candidate.trained
        # Progress: a line per component, trained or (same inputs as before) reused from
        # Rasa's cache.
        assert lines[0].endswith("0 s  reading the data and planning the training"), lines
        assert [line for line in lines if line.endswith((
            "s  training FastLogisticRegression",
            "s  FastLogisticRegression: unchanged, reused"))], lines
        return candidate

    def rasa_pid(self) -> int:
        return self.servers.processes[1].pid


@pytest.fixture(scope="module")
def staff(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Staff]:
    work = tmp_path_factory.mktemp("release")
    project = Project.default().copy_to(work / "assistant")
    with project.heldout.open("a") as heldout:
        heldout.write("\n- intent: visa_support\n  examples: |\n"
                      + "".join(f"    - {q}\n" for q in VISA_HELDOUT))
    box = sandbox(trained_model, work, {"RASA_API_TOKEN": TOKEN})
    servers, database_url = box.servers, box.database_url
    servers.start()
    try:
        servers.wait_ready(timeout=240)
        yield Staff(project, ModelRegistry(database_url), database_url, servers, box.base, work)
    finally:
        servers.stop()


def test_the_api_is_closed_without_the_token(staff: Staff) -> None:
    argv = Path(f"/proc/{staff.rasa_pid()}/cmdline").read_bytes()
    assert TOKEN.encode() not in argv  # the token works (below) but is on no command line
    with pytest.raises(ServerUnreachable, match="refused the token"):
        RasaServer(staff.base, "not-the-token").model_file()
    request = urllib.request.Request(f"{staff.base}/model", method="PUT", data=b"{}")
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=10)
    assert error.value.code == 401


def test_the_model_in_use_is_released_first(staff: Staff, trained_model: Path) -> None:
    baseline = register(staff.project, trained_model, staff.registry)
    assert baseline.record.status == "candidate"
    result = staff.bot("release", str(baseline.record.id), "--by", "e2e", "--reason", "in use")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No model has been released yet: releasing #1" in result.stdout
    assert "Released #1 (ir-careers-" in result.stdout
    assert "I don't have information about visas" not in staff.ask(VISA_QUESTION)


def test_a_new_question_is_added_checked_trained_compared_and_released(
    staff: Staff, tmp_path: Path
) -> None:
    source = tmp_path / "visa.yml"
    source.write_text(yaml.safe_dump({"examples": VISA_EXAMPLES, "answer": VISA_ANSWER}))
    added = staff.bot("intent", "add", "visa_support", "--from", str(source))
    assert added.returncode == 0, added.stderr

    checked = staff.bot("check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "No problems found" in checked.stdout

    candidate = staff.train()
    assert candidate.record.status == "candidate" and candidate.evaluation.accuracy >= 0.9

    evaluated = staff.bot("evaluate")
    assert evaluated.returncode == 0, evaluated.stderr
    report = evaluated.stdout
    assert f"Candidate #{candidate.record.id} (" in report and "against the released model #1" in report
    assert "visa_support" in report and "better" in report
    assert "now right" in report and "fixed   \"can SIR sponsor my visa\"" in report
    assert "Verdict: the candidate is not worse" in report

    pid = staff.rasa_pid()
    replies: Dict[str, int] = {"ok": 0, "failed": 0}
    stop = threading.Event()

    def traffic() -> None:  # users keep talking during the release
        while not stop.is_set():
            try:
                replies["ok" if staff.ask("hello", sender="e2e-traffic") else "failed"] += 1
            except OSError:
                replies["failed"] += 1
            time.sleep(0.05)

    thread = threading.Thread(target=traffic)
    thread.start()
    try:
        released = staff.bot("release", "--by", "e2e", "--reason", "answers visa questions")
    finally:
        stop.set()
        thread.join()
    assert released.returncode == 0, released.stdout + released.stderr
    assert f"now on {Path(candidate.record.path).name} (loaded and warmed up" in released.stdout
    assert f"Released #{candidate.record.id}" in released.stdout
    assert replies["failed"] == 0 and replies["ok"] > 0, replies

    assert "I don't have information about visas" in staff.ask(VISA_QUESTION)
    assert staff.rasa_pid() == pid and staff.servers.processes[1].poll() is None  # no restart
    assert staff.registry.released().id == candidate.record.id


def swap_examples(project: Project, a: str, b: str) -> None:
    """Damage the data: the examples of two intents change places."""
    file = YamlFile.load(project.nlu_dir / "membership.yml")
    blocks = {item["intent"]: item for item in file.doc["nlu"]}
    blocks[a]["examples"], blocks[b]["examples"] = blocks[b]["examples"], blocks[a]["examples"]
    write_all([file])


def test_a_damaged_candidate_is_refused_and_named(staff: Staff) -> None:
    released = staff.registry.released()
    swap_examples(staff.project, "membership_fee", "join_sir")
    damaged = staff.train()
    result = staff.bot("release")
    assert result.returncode == 2, result.stdout + result.stderr
    error = result.stderr.strip()
    assert error.startswith(f"error: Release refused: #{damaged.record.id} (")
    # The swapped intents' F1 falls from the released model's to below 0.5.
    assert re.search(r"membership_fee F1 [01]\.\d\d -> 0\.[0-4]", error), error
    assert "join_sir F1 " in error
    assert error.endswith("Nothing was changed.")
    assert "of 'membership_fee' questions now go to 'join_sir'" in result.stdout
    assert "WORSE, beyond the noise margin" in result.stdout
    assert staff.registry.released().id == released.id
    assert staff.rasa[0].model_file() == Path(released.path).name
    assert "I don't have information about visas" in staff.ask(VISA_QUESTION)


def test_rollback_restores_the_earlier_answers(staff: Staff, trained_model: Path) -> None:
    result = staff.bot("rollback", "--by", "e2e")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Rolled back: #1 (" in result.stdout
    assert staff.rasa[0].model_file() == trained_model.name
    assert "I don't have information about visas" not in staff.ask(VISA_QUESTION)
    assert [h.action for h in staff.registry.history()] == ["release", "release", "rollback"]
    models = staff.bot("models").stdout
    assert "#1   released" in models and "#2   retired" in models and "#3   candidate" in models


def test_bad_input_gets_a_clear_error_and_changes_no_file(staff: Staff, tmp_path: Path) -> None:
    few = tmp_path / "few.yml"
    few.write_text(yaml.safe_dump({"examples": [f"fellowship visa question {n}" for n in "abcd"],
                                   "answer": "x"}))
    malformed = tmp_path / "malformed.yml"
    malformed.write_text("examples: [one, two\nanswer: x\n")
    ok = tmp_path / "ok.yml"
    ok.write_text(yaml.safe_dump({"examples": ["a brand new question"], "answer": "x"}))
    before = snapshot(staff.project)
    for args, message in [
        (("examples", "add", "visa_sponsorship", "a question"), "Unknown intent 'visa_sponsorship'"),
        (("intent", "add", "visa_support", "--from", str(ok)), "There is already an intent 'visa_support'"),
        (("intent", "add", "fellowship_visas", "--from", str(few)), "at least 10 different examples; got 4"),
        (("intent", "add", "fellowship_visas", "--from", str(malformed)), "malformed.yml is not valid YAML"),
    ]:
        result = staff.bot(*args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert result.stderr.startswith("error: ") and message in result.stderr
        assert "Traceback" not in result.stderr
    assert snapshot(staff.project) == before
