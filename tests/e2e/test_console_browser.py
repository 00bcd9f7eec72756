"""The staff console in a real browser (Debian's Chromium, Playwright) against a real console
and the real assistant: signing in, roles, CSRF, expiry, escaping, and changes that the
widget shows at once. Screenshots for docs/ are taken on the way."""
from __future__ import annotations

import os

import pytest

from bot.settings import PROJECT_ROOT
from tests.bot.training.conftest import VISA_ANSWER, VISA_EXAMPLES
from tests.e2e.conftest import EDITOR, PUBLISHER, Bot, Console, new_page

DOCS = PROJECT_ROOT / "docs"
ATTACK = "<img src=x onerror=alert(1)>"

pytestmark = pytest.mark.e2e



@pytest.fixture
def page(browser, console: Console):
    page = new_page(browser)
    yield page
    page.context.close()


def sign_in(page, console: Console, account=PUBLISHER, path: str = "/staff/") -> None:
    page.goto(console.url(path))
    page.get_by_label("Email").fill(account[0])
    page.get_by_label("Password").fill(account[1])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def shot(page, name: str) -> None:
    if os.environ.get("CONSOLE_SCREENSHOTS"):
        page.screenshot(path=str(DOCS / name), full_page=True)


def test_sign_in_and_a_wrong_password_is_refused(page, console: Console) -> None:
    page.goto(console.url("/staff/fees"))
    assert "/staff/login" in page.url
    shot(page, "console-sign-in.png")
    page.get_by_label("Email").fill(PUBLISHER[0])
    page.get_by_label("Password").fill("not my password at all")
    page.get_by_role("button", name="Sign in").click()
    assert "The email or password is not right" in page.get_by_role("alert").inner_text()
    page.get_by_label("Password").fill(PUBLISHER[1])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/fees")
    assert page.get_by_role("heading", name="Fees and events").is_visible()
    assert page.get_by_text(f"{PUBLISHER[0]} (publisher)").is_visible()


def test_an_editor_is_not_offered_and_not_allowed_publisher_pages(page, console: Console) -> None:
    sign_in(page, console, EDITOR, "/staff/fees")
    nav = page.get_by_role("navigation", name="Console")
    assert nav.get_by_role("link", name="Fees and events").is_visible()
    assert nav.get_by_role("link", name="Accounts").count() == 0
    response = page.goto(console.url("/staff/accounts"))
    assert response.status == 403 and "needs a publisher" in page.inner_text("main")


def test_a_fee_edit_shows_in_the_next_widget_answer(page, console: Console, running_bot: Bot) -> None:
    sign_in(page, console, EDITOR, "/staff/fees")
    page.get_by_label("New annual fee for Resident-in-Training, in USD").fill("65")
    page.get_by_role("row", name="Resident-in-Training").get_by_role("button", name="Save fee").click()
    status = page.get_by_role("status")
    assert "Resident-in-Training is now $65 per year (was $50 per year)" in status.inner_text()
    shot(page, "console-fees.png")
    try:
        widget = page.context.new_page()
        widget.goto(f"{running_bot.base}/demo/")
        widget.locator("button.irc-launcher").click()
        box = widget.get_by_role("textbox", name="Type your question")
        box.fill("how much is membership for a resident")
        box.press("Enter")
        widget.wait_for_function(
            "() => [...document.querySelectorAll('.irc-msg.irc-bot')].some(m => m.innerText.includes('$65'))",
            timeout=30000)
    finally:
        page.get_by_role("button", name="Undo (back to $50 per year)").click()
        assert "now $50 per year" in page.get_by_role("status").inner_text()
    assert "$50 per year" in running_bot.texts("console-fee", "how much is membership for a resident")


def test_a_form_posted_without_its_csrf_token_is_refused(page, console: Console) -> None:
    sign_in(page, console, PUBLISHER, "/staff/fees")
    row = page.get_by_role("row", name="Fellow-in-Training")
    page.evaluate("() => document.querySelectorAll('input[name=csrf]').forEach(e => e.remove())")
    row.get_by_role("textbox").fill("3")
    row.get_by_role("button", name="Save fee").click()
    assert "Nothing was changed" in page.inner_text("main")
    page.goto(console.url("/staff/fees"))
    assert "$3 per year" not in page.inner_text("main")


def test_an_expired_session_goes_back_to_sign_in(page, console: Console) -> None:
    from bot.console.auth import token_hash
    from bot.db.staff import SessionRepository

    sign_in(page, console, EDITOR, "/staff/fees")
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "irc_staff")
    SessionRepository(console.database_url).expire(token_hash(token))
    page.get_by_role("link", name="Audit log").click()
    page.wait_for_url("**/staff/login?next=**")
    assert page.get_by_role("button", name="Sign in").is_visible()
    assert "Please sign in to continue" in page.inner_text("main")


def test_markup_typed_by_staff_is_shown_as_text(page, console: Console) -> None:
    sign_in(page, console, PUBLISHER, "/staff/fees")
    form = page.locator("form", has=page.get_by_role("button", name="Add event"))
    form.get_by_role("textbox", name="Name", exact=True).fill(ATTACK)
    form.get_by_label("Id").fill("markup-test")
    form.get_by_label("Or, without announced dates, its usual timing").fill(f"every May {ATTACK}")
    form.get_by_role("button", name="Add event").click()
    assert ATTACK in page.get_by_role("status").inner_text()
    assert page.get_by_role("row", name=ATTACK).is_visible()
    page.goto(console.url("/staff/audit"))
    assert page.get_by_role("cell", name=ATTACK).is_visible()
    assert page.locator("main img").count() == 0 and page.dialogs == []
    page.goto(console.url("/staff/fees"))
    page.get_by_role("button", name=f"Remove {ATTACK}").click()
    assert "Removed" in page.get_by_role("status").inner_text()


def test_a_wrong_answer_in_a_transcript_goes_to_the_inbox_and_the_dashboard_draws(
    page, console: Console, running_bot: Bot
) -> None:
    running_bot.texts("console-transcript", ATTACK)
    running_bot.texts("console-transcript", "is IR a good career for night owls")
    sign_in(page, console, EDITOR, "/staff/conversations")
    page.get_by_label("Words").fill("night owls")
    page.get_by_role("button", name="Search").click()
    page.locator("main tbody tr").first.get_by_role("link").click()
    transcript = page.locator("ol.transcript")
    assert transcript.get_by_text(ATTACK).is_visible()  # shown as text, not as an image
    assert page.locator("main img").count() == 0 and page.dialogs == []
    shot(page, "console-conversation.png")
    page.get_by_role("button", name="This answer was wrong").last.click()
    assert "is in the inbox now" in page.get_by_role("status").inner_text()
    page.get_by_role("link", name="Inbox").click()
    cards = page.locator("li.card", has_text="is IR a good career for night owls")
    assert cards.count() == 1 and "marked by ed@example.org" in cards.inner_text()
    page.get_by_role("link", name="Dashboard").click()
    charts = page.locator("svg.chart[role=img]")
    assert charts.count() == 4
    assert page.get_by_role("img", name="Messages per channel").locator("text", has_text="rest").count() >= 1
    shot(page, "console-dashboard.png")


def test_a_wrong_example_or_topic_is_taken_back(page, console: Console) -> None:
    from bot.db.staff import FlaggedQuestions
    from bot.training.data import load
    from bot.training.project import Project

    project = Project(console.project_root)
    question = "can SIR write a letter for my visa"
    FlaggedQuestions(console.database_url).add(question, "help", "tests")
    wrong = f"visa letters {ATTACK}"
    sign_in(page, console, EDITOR, "/staff/topics/new")
    page.get_by_label("Name").fill("visa_support")
    page.get_by_label("Ways people ask it").fill("\n".join([*VISA_EXAMPLES, wrong]))
    page.get_by_label("Answer").fill(VISA_ANSWER)
    page.get_by_role("button", name="Add topic").click()
    assert "Added the topic visa_support with 12 examples" in page.get_by_role("status").inner_text()
    page.get_by_role("button", name="Undo (remove it)").click()  # asks first; kept on Cancel
    assert page.get_by_role("heading", name="Remove the topic visa_support?").is_visible()
    page.get_by_role("link", name="Cancel, keep it").click()
    assert page.get_by_role("heading", name="visa_support").is_visible()

    page.get_by_role("link", name="Inbox").click()  # an assignment taken back: in the inbox again
    page.locator("li.card", has_text=question).get_by_label("Topic").select_option("visa_support")
    page.locator("li.card", has_text=question).get_by_role("button", name="Assign").click()
    assert page.locator("li.card", has_text=question).count() == 0
    page.get_by_role("button", name="Undo (take it out again)").click()
    page.wait_for_url("**/staff/inbox")
    assert f'Removed "{question}" from visa_support' in page.get_by_role("status").inner_text()
    assert page.locator("li.card", has_text=question).count() == 1
    assert question not in load(project).examples["visa_support"]

    page.goto(console.url("/staff/topics/visa_support"))  # an example removed, shown as text
    examples = page.locator("ul.examples")
    assert examples.get_by_text(wrong).is_visible()
    examples.get_by_role("button", name=f"Remove “{wrong}”").click()
    assert f'Removed "{wrong}" from visa_support' in page.get_by_role("status").inner_text()
    assert page.locator("ul.examples").get_by_text(wrong).count() == 0
    assert page.get_by_role("heading", name="Ways people ask it (11)").is_visible()
    assert wrong not in load(project).examples["visa_support"]
    assert page.locator("main img").count() == 0 and page.dialogs == []
    page.get_by_role("button", name="Undo (add it back)").click()
    assert page.locator("ul.examples").get_by_text(wrong).is_visible()
    page.locator("ul.examples").get_by_role("button", name=f"Remove “{wrong}”").click()

    page.goto(console.url("/staff/topics/visa_support"))
    remove = page.locator("ul.examples").get_by_role("button", name="Remove").first
    assert remove.evaluate("b => getComputedStyle(b).color") != "rgb(255, 255, 255)"  # on white
    shot(page, "console-topic.png")
    page.get_by_role("link", name="Remove visa_support…").click()  # the topic, after asking
    assert page.get_by_role("heading", name="Remove the topic visa_support?").is_visible()
    page.get_by_role("button", name="Remove visa_support").click()
    page.wait_for_url("**/staff/topics")
    assert "Removed the topic visa_support: its 11 examples" in page.get_by_role("status").inner_text()
    assert page.get_by_role("link", name="visa_support").count() == 0
    known = load(project)
    assert "visa_support" not in known.examples and "utter_visa_support" not in known.responses

    page.goto(console.url("/staff/audit"))
    for action in ("example removed", "topic removed"):
        assert page.get_by_role("cell", name=action, exact=True).count() >= 1, action
    assert page.get_by_role("cell", name=wrong).count() >= 1
    assert page.locator("main img").count() == 0 and page.dialogs == []

    page.goto(console.url("/staff/topics/join_sir"))  # the assistant's own topics stay
    assert "It cannot be removed here: The test questions" in page.inner_text("main")
    assert page.get_by_role("link", name="Remove join_sir…").count() == 0


def test_the_console_works_on_a_tablet_and_by_keyboard(browser, console: Console) -> None:
    context = browser.new_context(viewport={"width": 820, "height": 1180}, has_touch=True)
    page = context.new_page()
    try:
        page.goto(console.url("/staff/login"))
        assert page.evaluate("document.activeElement.id") == "email"  # ready to type
        page.keyboard.type(PUBLISHER[0])
        page.keyboard.press("Tab")
        page.keyboard.type(PUBLISHER[1])
        page.keyboard.press("Enter")
        page.wait_for_url("**/staff/")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shot(page, "console-tablet.png")
        page.goto(console.url("/staff/topics/join_sir"))  # Remove beside each example
        removes = page.locator("ul.examples button").all()
        assert removes
        for button in removes:
            box = button.bounding_box()
            assert box and box["height"] >= 40 and box["width"] >= 44, box  # a finger fits
    finally:
        context.close()
