"""The whole staff workflow in a real browser: an inbox question is assigned, another starts
a new topic, a candidate is trained with live progress, compared, released (the widget's
channel then answers the new question) and rolled back. On a copy of the assistant with its
own database, tracker store and Rasa server (API on, with a token); trains one model."""
from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from bot.serve import sandbox
from bot.training.noise import wait_for_other_trainings
from bot.training.project import Project
from bot.training.registry import ModelRegistry
from bot.training.release import release_baseline
from tests.bot.training.conftest import user_event
from tests.conftest import free_port
from tests.e2e.conftest import PUBLISHER, add_accounts, new_page, start_console
from tests.e2e.test_console_browser import shot, sign_in
from tests.e2e.test_release import TOKEN

pytestmark = pytest.mark.e2e
# Questions nobody has taught the assistant: one starts a new topic, the other is assigned to it.
NEW_TOPIC_QUESTION = "where can I park at the SIR annual meeting"
ASSIGNED_QUESTION = "is there parking near the meeting venue"
EXAMPLES = [
    "parking at the annual meeting", "is there parking at SIR meetings",
    "where do I leave my car at the SIR meeting", "how much does parking cost at the meeting",
    "can I park at the convention center", "parking for the SIR annual scientific meeting",
    "is there a car park at the venue", "where is the nearest parking garage to the meeting",
    "do attendees get free parking", "parking options at SIR conferences",
    "can I drive to the annual meeting and park there",
]
ANSWER = ("I don't have information about parking at SIR meetings. Please check the meeting's "
          "own page for travel details.")
HELDOUT = ["is parking available at SIR meetings", "where should I park for the annual meeting",
           "parking near the SIR conference", "do they have parking at the meeting venue",
           "what does parking cost at SIR", "car parking at the scientific meeting"]


@dataclass
class Setup:
    base: str
    console: str
    project: Project
    registry: ModelRegistry
    tracker: str

    def url(self, path: str) -> str:
        return f"{self.console}{path}"

    def ask(self, text: str, sender: str = "console-e2e") -> str:
        """Asks through the website widget's channel, as a visitor would."""
        request = urllib.request.Request(
            f"{self.base}/webhooks/web/webhook", headers={"Content-Type": "application/json"},
            data=json.dumps({"sender": sender, "message": text}).encode())
        with urllib.request.urlopen(request, timeout=60) as response:
            return "\n".join(m.get("text", "") for m in json.loads(response.read()))


@pytest.fixture(scope="module")
def setup(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    work = tmp_path_factory.mktemp("console-release")
    project = Project.default().copy_to(work / "assistant")
    with project.heldout.open("a") as heldout:
        heldout.write("\n- intent: meeting_parking\n  examples: |\n"
                      + "".join(f"    - {q}\n" for q in HELDOUT))
    box = sandbox(trained_model, work, {"RASA_API_TOKEN": TOKEN})
    servers, database_url, tracker = box.servers, box.database_url, box.tracker_url
    registry = ModelRegistry(database_url)
    release_baseline(project, registry, trained_model)  # as `bot serve` does on a first start
    add_accounts(database_url, (*PUBLISHER, "publisher"))
    console_port = free_port()
    servers.start()
    console = None
    try:
        servers.wait_ready(timeout=240)
        console = start_console(
            {"DATABASE_URL": database_url, "CONSOLE_PORT": str(console_port),
             "TRACKER_STORE_URL": tracker, "CONSOLE_PROJECT": str(project.root),
             "RASA_SERVERS": box.base, "RASA_API_TOKEN": TOKEN},
            work / "console.log")
        yield Setup(box.base, f"http://127.0.0.1:{console_port}",
                    project, registry, tracker)
    finally:
        if console:
            console.terminate()
            console.wait(timeout=15)
        servers.stop()


@pytest.fixture
def page(browser):
    page = new_page(browser)
    yield page
    page.context.close()


def wait_for_job(page, timeout: float = 420_000) -> str:
    page.wait_for_selector("#progress h2:not(:has-text('running'))", timeout=timeout)
    return page.inner_text("#progress")


def unsure(setup: Setup, *questions: str) -> None:
    """Users asked these and the assistant was unsure (as Rasa stores such turns)."""
    from sqlalchemy import create_engine, insert

    from bot.training.review import EVENTS

    setup.ask("hello")  # Rasa creates its tables with the first message
    engine = create_engine(setup.tracker, future=True)
    with engine.begin() as connection:
        connection.execute(insert(EVENTS), [
            user_event(q, "nlu_fallback", 0.3, [{"name": "nlu_fallback", "confidence": 0.3},
                                               {"name": "events", "confidence": 0.2}])
            for q in questions])
    engine.dispose()


def test_inbox_topic_train_compare_release_and_roll_back(page, setup: Setup) -> None:
    unsure(setup, NEW_TOPIC_QUESTION, ASSIGNED_QUESTION)
    sign_in(page, setup, PUBLISHER, "/staff/inbox")  # type: ignore[arg-type]
    shot(page, "console-inbox.png")

    page.locator("li.card", has_text=NEW_TOPIC_QUESTION).get_by_role(
        "link", name="New topic from this").click()
    assert page.get_by_label("Ways people ask it").input_value() == NEW_TOPIC_QUESTION
    page.get_by_label("Name").fill("meeting_parking")
    page.get_by_label("Ways people ask it").fill("\n".join([NEW_TOPIC_QUESTION, *EXAMPLES]))
    page.get_by_label("Answer").fill(ANSWER)
    page.get_by_role("button", name="Add topic").click()
    assert "Added the topic meeting_parking with 12 examples" in page.get_by_role("status").inner_text()

    page.get_by_role("link", name="Inbox").click()
    assert page.locator("li.card", has_text=NEW_TOPIC_QUESTION).count() == 0  # now trained on
    card = page.locator("li.card", has_text=ASSIGNED_QUESTION)
    card.get_by_label("Topic").select_option("meeting_parking")
    card.get_by_role("button", name="Assign").click()
    assert (f'"{ASSIGNED_QUESTION}" is now an example of meeting_parking'
            in page.get_by_role("status").inner_text())
    assert page.locator("li.card", has_text=ASSIGNED_QUESTION).count() == 0

    page.goto(setup.url("/staff/topics"))
    problems = page.locator("ul.checks li.problem li").all_inner_texts()
    assert not [p for p in problems if "meeting_parking" in p], problems  # none from the new topic
    shot(page, "console-topics.png")

    page.goto(setup.url("/staff/models"))
    wait_for_other_trainings()
    page.get_by_role("button", name="Train a candidate").click()
    page.wait_for_selector("pre.progress")
    progress = wait_for_job(page)
    assert "training FastLogisticRegression" in progress or "reused" in progress, progress
    page.wait_for_load_state()
    if page.get_by_role("button", name="Compare").count():
        page.get_by_role("button", name="Compare").click()
        wait_for_job(page, 300_000)
        page.goto(setup.url("/staff/models"))
    assert "may be released" in page.inner_text("main")
    changes = page.get_by_role("table", name="Topics whose score changed")
    assert changes.get_by_role("row", name="meeting_parking").get_by_text("better").is_visible()
    assert page.get_by_role("table", name="Questions now answered differently").get_by_text(
        HELDOUT[0]).is_visible()
    shot(page, "console-models.png")

    page.get_by_label("Why release").fill("answers parking questions")
    page.get_by_role("button", name="Release #2").click()
    assert "Releasing — done" in wait_for_job(page, 300_000)
    assert "parking at SIR meetings" in setup.ask("is there parking for the annual meeting")
    page.goto(setup.url("/staff/topics/meeting_parking"))  # read from the released model's file
    assert "It cannot be removed here: The released model knows meeting_parking" in page.inner_text("main")

    page.goto(setup.url("/staff/models"))
    page.get_by_label("Why roll back").fill("the education committee reviews it first")
    page.get_by_role("button", name="Roll back").click()
    assert "Rolling back — done" in wait_for_job(page, 300_000)
    assert "parking at SIR meetings" not in setup.ask("is there parking for the annual meeting")
    assert setup.registry.released().id == 1
    page.goto(setup.url("/staff/audit"))
    for action in ("example added", "topic added", "model trained", "model released", "model rolled back"):
        assert page.get_by_role("cell", name=action, exact=True).count() >= 1, action
