"""The chat widget in a real browser (Debian's Chromium driven by Playwright) against the
real servers: greeting, answers, buttons, history, markup, offline, keyboard, phone."""
from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import expect

from bot.settings import PROJECT_ROOT
from tests.conftest import free_port
from tests.e2e.conftest import Bot

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
WEBHOOK = "**/webhooks/web/webhook"
DOCS = PROJECT_ROOT / "docs"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}: `make browser` installs Debian's chromium.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, running_bot: Bot):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{running_bot.base}/demo/")
    yield page
    context.close()


def launcher(page):
    return page.locator("button.irc-launcher")


def open_chat(page) -> None:
    launcher(page).click()
    page.get_by_role("textbox", name="Type your question").wait_for()


def bot_messages(page):
    return page.locator(".irc-msg.irc-bot")


def send(page, text: str) -> None:
    count = bot_messages(page).count()
    box = page.get_by_role("textbox", name="Type your question")
    box.fill(text)
    box.press("Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('.irc-msg.irc-bot').length > n", arg=count, timeout=20000
    )


def wait_for_greeting(page) -> None:
    bot_messages(page).first.wait_for(timeout=20000)
    page.locator(".irc-quick-reply").first.wait_for()


def test_greeting_once_then_a_question_answered(page) -> None:
    open_chat(page)
    wait_for_greeting(page)
    assert "IR careers assistant" in bot_messages(page).first.inner_text()
    assert page.locator(".irc-msg.irc-user").count() == 0  # the greeting payload is not shown
    send(page, "who are interventional radiologists?")
    assert "minimally invasive" in bot_messages(page).last.inner_text()
    page.keyboard.press("Escape")
    open_chat(page)
    page.reload()
    open_chat(page) if not page.get_by_role("textbox", name="Type your question").is_visible() else None
    page.wait_for_timeout(1000)
    greetings = [t for t in bot_messages(page).all_inner_texts() if "I'm the IR careers assistant" in t]
    assert len(greetings) == 1


def test_a_button_click_sends_its_payload_and_shows_its_title(page) -> None:
    open_chat(page)
    wait_for_greeting(page)
    count = bot_messages(page).count()
    page.locator(".irc-quick-reply", has_text="Membership fees").click()
    page.wait_for_function("n => document.querySelectorAll('.irc-msg.irc-bot').length > n", arg=count)
    assert page.locator(".irc-msg.irc-user").last.inner_text().strip().endswith("Membership fees")
    assert "Which membership category fits you?" in bot_messages(page).last.inner_text()
    count = bot_messages(page).count()
    page.locator(".irc-quick-reply", has_text="Medical student").click()
    page.wait_for_function("n => document.querySelectorAll('.irc-msg.irc-bot').length > n", arg=count)
    last = bot_messages(page).last
    assert "Medical Student membership of SIR is free" in last.inner_text()
    assert last.locator("strong", has_text="free").count() == 1  # **bold** rendered


def test_history_survives_reload_and_navigation_until_a_new_conversation(page, running_bot: Bot) -> None:
    open_chat(page)
    wait_for_greeting(page)
    send(page, "how competitive is the IR match?")
    before = page.locator(".irc-msg").all_inner_texts()
    sender = page.evaluate("() => JSON.parse(localStorage.getItem('ir-careers-chat')).sender")
    page.reload()
    page.locator(".irc-msg").first.wait_for()
    assert page.locator(".irc-msg").all_inner_texts() == before
    page.goto(f"{running_bot.base}/demo/about.html")
    page.locator(".irc-msg").first.wait_for(state="attached")
    assert page.locator(".irc-msg").all_inner_texts() == before
    assert page.evaluate("() => JSON.parse(localStorage.getItem('ir-careers-chat')).sender") == sender
    if not page.get_by_role("textbox", name="Type your question").is_visible():
        open_chat(page)
    page.get_by_role("button", name="Conversation menu").click()
    page.get_by_role("menuitem", name="Start a new conversation").click()
    wait_for_greeting(page)
    assert page.evaluate("() => JSON.parse(localStorage.getItem('ir-careers-chat')).sender") != sender
    assert not any("competitive" in t for t in page.locator(".irc-msg").all_inner_texts())


def test_markup_in_a_message_is_shown_as_text_and_runs_nothing(page) -> None:
    open_chat(page)
    wait_for_greeting(page)
    attack = "<img src=x onerror=alert(1)>"
    send(page, attack)
    assert page.locator(".irc-msg.irc-user").last.inner_text().strip().endswith(attack)
    assert page.locator(".irc-widget img").count() == 0
    page.wait_for_timeout(500)
    assert page.dialogs == []


def test_offline_then_back_keeps_the_message_and_retries(page) -> None:
    open_chat(page)
    wait_for_greeting(page)
    page.route(WEBHOOK, lambda route: route.abort("connectionrefused"))
    box = page.get_by_role("textbox", name="Type your question")
    box.fill("what is ESIR?")
    box.press("Enter")
    notice = page.locator(".irc-offline")
    expect(notice).to_contain_text("Can't reach the assistant")
    assert page.locator(".irc-msg.irc-unsent", has_text="what is ESIR?").count() == 1
    page.reload()  # nothing typed is lost, even across a reload
    if not page.get_by_role("textbox", name="Type your question").is_visible():
        open_chat(page)
    assert page.locator(".irc-msg", has_text="what is ESIR?").count() == 1
    page.unroute(WEBHOOK)
    count = bot_messages(page).count()
    page.get_by_role("button", name="Retry").click()
    page.wait_for_function("n => document.querySelectorAll('.irc-msg.irc-bot').length > n", arg=count)
    assert "ESIR" in bot_messages(page).last.inner_text()
    assert page.locator(".irc-msg.irc-unsent").count() == 0
    expect(notice).to_be_hidden()


def test_keyboard_only(page) -> None:
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('irc-launcher')"):
            break
    else:
        pytest.fail("the launcher cannot be reached with Tab")
    assert "chat" in page.evaluate("() => document.activeElement.getAttribute('aria-label')").lower()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'irc-input'")
    wait_for_greeting(page)
    page.keyboard.type("what do IRs treat?")
    count = bot_messages(page).count()
    page.keyboard.press("Enter")
    page.wait_for_function("n => document.querySelectorAll('.irc-msg.irc-bot').length > n", arg=count)
    assert "embolization" in bot_messages(page).last.inner_text()
    for _ in range(40):  # Tab (backwards) to a quick reply and choose it with Enter
        page.keyboard.press("Shift+Tab")
        if page.evaluate("() => document.activeElement.classList.contains('irc-quick-reply')"):
            break
    else:
        pytest.fail("no quick reply reachable with the keyboard")
    count = bot_messages(page).count()
    page.keyboard.press("Enter")
    page.wait_for_function("n => document.querySelectorAll('.irc-msg.irc-bot').length > n", arg=count)
    page.keyboard.press("Escape")
    page.get_by_role("dialog").wait_for(state="hidden")
    assert page.evaluate("() => document.activeElement.classList.contains('irc-launcher')")


def test_new_messages_are_announced_and_text_has_enough_contrast(page) -> None:
    open_chat(page)
    wait_for_greeting(page)
    send(page, "what is the RFS?")
    assert page.get_by_role("log").get_attribute("aria-live") == "polite"
    ratios = page.evaluate(
        """() => {
          const lum = c => { const v = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map(x => {
              x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
            return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
          const ratio = el => { const s = getComputedStyle(el);
            const a = lum(s.color), b = lum(s.backgroundColor);
            return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); };
          return ['.irc-msg.irc-user', '.irc-msg.irc-bot', '.irc-launcher', '.irc-send',
                  '.irc-quick-reply'].map(s => [s, ratio(document.querySelector(s))]);
        }"""
    )
    for selector, ratio in ratios:
        assert ratio >= 4.5, f"{selector}: contrast {ratio:.2f}"


def test_reduced_motion_is_respected(browser, running_bot: Bot) -> None:
    context = browser.new_context(reduced_motion="reduce")
    page = context.new_page()
    page.goto(f"{running_bot.base}/demo/")
    open_chat(page)
    durations = page.evaluate(
        "() => [...document.querySelectorAll('.irc-widget, .irc-widget *')].map(e => "
        "getComputedStyle(e).transitionDuration + getComputedStyle(e).animationName)"
    )
    assert all(d in ("0snone",) for d in durations), set(durations)
    context.close()


def screenshot_path(name: str, tmp_path: Path) -> Path:
    """docs/ when UPDATE_SCREENSHOTS=1 (for the README), else a temporary file."""
    return (DOCS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path) / name


def test_desktop_panel_and_screenshot(page, tmp_path: Path) -> None:
    open_chat(page)
    wait_for_greeting(page)
    send(page, "how much is membership for a PGY-3?")
    box = page.get_by_role("dialog").bounding_box()
    assert box["width"] < 600 and box["height"] < 800
    page.screenshot(path=str(screenshot_path("widget-desktop.png", tmp_path)))


def test_phone_viewport_fills_the_screen(browser, running_bot: Bot, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.goto(f"{running_bot.base}/demo/")
    open_chat(page)
    wait_for_greeting(page)
    box = page.get_by_role("dialog").bounding_box()
    assert (box["x"], box["y"]) == (0, 0) and box["width"] == 390 and abs(box["height"] - 844) <= 1
    textbox = page.get_by_role("textbox", name="Type your question").bounding_box()
    assert textbox["y"] + textbox["height"] <= 844
    send(page, "what training pathways are there?")
    page.screenshot(path=str(screenshot_path("widget-phone.png", tmp_path)))
    context.close()


class _Site(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output clean
        pass


def serve_site(directory: Path, port: int) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(_Site, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def host_page(directory: Path, bot: Bot) -> None:
    (directory / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title></head>'
        "<body><h1>A society page</h1>"
        f'<script src="{bot.base}/widget.js" data-server="{bot.base}" '
        'data-title="IR careers assistant" defer></script></body></html>'
    )


@pytest.mark.parametrize("allowed", [True, False])
def test_cross_origin_embedding_only_for_listed_origins(browser, running_bot: Bot, tmp_path: Path,
                                                        allowed: bool) -> None:
    host_page(tmp_path, running_bot)
    port = running_bot.site_port if allowed else free_port()
    site = serve_site(tmp_path, port)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{port}/index.html")
        open_chat(page)
        if allowed:
            wait_for_greeting(page)
            send(page, "what is IR?")
            assert "minimally invasive" in bot_messages(page).last.inner_text()
        else:
            page.locator(".irc-offline").wait_for(timeout=20000)
            assert bot_messages(page).count() == 0
    finally:
        context.close()
        site.shutdown()
