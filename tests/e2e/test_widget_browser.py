"""The chat widget in a real browser (Debian's Chromium driven by Playwright) against the
real servers: greeting, answers, buttons, history, markup, offline, keyboard, phone,
the "not medical advice" line, spacing of long answers, avatar/subtitle and favicons."""
from __future__ import annotations

import functools
import html
import http.server
import json
import os
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect

from bot.settings import PROJECT_ROOT
from tests.conftest import free_port
from tests.e2e.conftest import Bot

WEBHOOK = "**/webhooks/web/webhook"
DOCS = PROJECT_ROOT / "docs"

# WCAG contrast ratio of an element's text on its own (opaque) background, in the page.
CONTRAST = """el => {
  const lum = c => { const v = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map(x => {
      x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const s = getComputedStyle(el);
  const a = lum(s.color), b = lum(s.backgroundColor);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""

# Every bot message with quick replies, in order: whether the user said something after
# it ("answered") and whether each of its buttons is disabled / aria-disabled / focusable.
BUTTON_STATES = """() => {
  const items = [...document.querySelectorAll('.irc-log > .irc-msg')];
  return items.map((el, i) => ({
    answered: items.slice(i + 1).some(m => m.classList.contains('irc-user')),
    buttons: [...el.querySelectorAll('.irc-quick-reply')].map(b => {
      b.focus();
      return { title: b.textContent, disabled: b.disabled,
               ariaDisabled: b.getAttribute('aria-disabled') === 'true',
               focusable: document.activeElement === b,
               chosen: b.classList.contains('irc-chosen') };
    }),
  })).filter(m => m.buttons.length);
}"""



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
    # The greeting's quick replies: only the latest bot turn's buttons are live (earlier
    # ones are disabled once the user moves on), so choose one before typing.
    for _ in range(40):  # Tab (backwards) to a quick reply and choose it with Enter
        page.keyboard.press("Shift+Tab")
        if page.evaluate("() => document.activeElement.classList.contains('irc-quick-reply')"):
            break
    else:
        pytest.fail("no quick reply reachable with the keyboard")
    count = bot_messages(page).count()
    page.keyboard.press("Enter")
    page.wait_for_function("n => document.querySelectorAll('.irc-msg.irc-bot').length > n", arg=count)
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'irc-input'")
    page.keyboard.type("what do IRs treat?")
    count = bot_messages(page).count()
    page.keyboard.press("Enter")
    page.wait_for_function("n => document.querySelectorAll('.irc-msg.irc-bot').length > n", arg=count)
    assert "embolization" in bot_messages(page).last.inner_text()
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


def choose(page, title: str, question: str) -> None:
    """Click the live quick reply with this title (or, if the bot offers none, type the
    question) and wait for the answer."""
    button = live_quick_replies(page).filter(has_text=title)
    if not button.count():
        send(page, question)
        return
    count = bot_messages(page).count()
    button.first.click()
    page.wait_for_function("n => document.querySelectorAll('.irc-msg.irc-bot').length > n", arg=count)


def show_from_quick_replies(page, index: int) -> None:
    """For a picture: scroll the log so the index-th message's quick replies (disabled by
    now) are at the top, with what followed below."""
    page.mouse.move(0, 0)  # no hover effect in the picture
    page.wait_for_timeout(800)  # the smooth scroll to the last answer has ended
    page.evaluate(
        """i => { const log = document.querySelector('.irc-log');
                  const group = log.querySelectorAll('.irc-msg')[i].querySelector('.irc-quick-replies');
                  if (group) log.scrollTop = group.offsetTop - 12; }""", index)


def test_desktop_panel_and_screenshot(page, tmp_path: Path) -> None:
    open_chat(page)
    wait_for_greeting(page)
    # For the picture: the greeting's buttons, one picked and all disabled, then a long
    # answer with a list (and live buttons further down).
    choose(page, "Training pathways", "what training pathways are there?")
    box = page.get_by_role("dialog").bounding_box()
    assert box["width"] < 600 and box["height"] < 800
    show_from_quick_replies(page, 0)
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
    # For the picture: a picked (now disabled) quick reply, then an answer with a list.
    choose(page, "What is IR?", "what is IR?")
    choose(page, "What do IRs treat?", "what do IRs treat?")
    expect(page.locator(".irc-disclaimer")).to_be_in_viewport()
    page.mouse.move(0, 0)
    page.wait_for_timeout(800)  # the smooth scroll to the answer has ended
    page.evaluate("() => { const log = document.querySelector('.irc-log'); "
                  "log.scrollTop = log.scrollHeight; }")
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


def live_quick_replies(page):
    return page.locator(".irc-quick-reply:not([disabled])")


def assert_only_unanswered_buttons_live(page) -> list:
    """Buttons of bot messages the user answered are disabled (and not focusable); the
    others are live. Returns the states for further checks."""
    states = page.evaluate(BUTTON_STATES)
    for message in states:
        for button in message["buttons"]:
            stale = message["answered"]
            assert button["disabled"] is stale, (button, message["answered"])
            assert button["ariaDisabled"] is stale, button
            assert button["focusable"] is not stale, button
    return states


def reply_with(page, replies: list) -> None:
    """Answer the next webhook request with these messages (instead of the bot)."""
    page.route(WEBHOOK, lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps(replies)), times=1)


def test_not_medical_advice_line_is_visible_once_with_enough_contrast(page) -> None:
    open_chat(page)
    wait_for_greeting(page)
    send(page, "what is IR?")
    line = page.locator(".irc-disclaimer")
    expect(line).to_have_count(1)
    expect(line).to_be_visible()
    expect(line).to_have_text("Based on SIR's public information. Not medical advice.")
    assert line.evaluate(CONTRAST) >= 4.5
    # Static text: not in the log or any live region, so it is never re-announced.
    assert line.evaluate(
        "el => el.closest('[aria-live], [role=log], [role=status], [role=alert]') === null")
    assert page.locator(".irc-log .irc-disclaimer").count() == 0
    # One small line, between the message box and the panel's bottom edge.
    lines = line.evaluate(
        "el => { const s = getComputedStyle(el); return (el.clientHeight - parseFloat(s.paddingTop)"
        " - parseFloat(s.paddingBottom)) / parseFloat(s.lineHeight); }")
    assert lines < 1.5
    assert float(line.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")) <= 13
    form = page.locator(".irc-form").bounding_box()
    panel = page.get_by_role("dialog").bounding_box()
    box = line.bounding_box()
    assert form["y"] + form["height"] <= box["y"] + 1
    assert box["y"] + box["height"] <= panel["y"] + panel["height"] + 1


def test_buttons_of_earlier_turns_are_disabled_also_after_reload(page) -> None:
    open_chat(page)
    wait_for_greeting(page)
    states = assert_only_unanswered_buttons_live(page)
    assert states and all(not b["disabled"] for b in states[-1]["buttons"])

    # A click moves the conversation on: the greeting's buttons are disabled, the clicked
    # one stays recognisable.
    count = bot_messages(page).count()
    first = live_quick_replies(page).first
    title = first.inner_text().strip()
    first.click()
    page.wait_for_function("n => document.querySelectorAll('.irc-msg.irc-bot').length > n", arg=count)
    assert page.locator(".irc-msg.irc-user").last.inner_text().strip().endswith(title)
    focused = page.evaluate("() => document.activeElement && document.activeElement.id")
    assert focused == "irc-input"  # focus is not lost with the disabled button
    states = assert_only_unanswered_buttons_live(page)
    assert states[0]["answered"] and [b["chosen"] for b in states[0]["buttons"]].count(True) == 1
    expect(page.locator(".irc-quick-reply.irc-chosen")).to_have_text(title)

    # A typed message too; and a disabled button sends nothing, even when forced.
    reply_with(page, [{"text": "Pick one:", "buttons": [
        {"title": "Alpha", "payload": "/alpha"}, {"title": "Beta", "payload": "/beta"}]}])
    send(page, "tell me more")
    users = page.locator(".irc-msg.irc-user").count()
    page.locator(".irc-quick-reply:disabled").first.click(force=True)
    page.wait_for_timeout(300)
    assert page.locator(".irc-msg.irc-user").count() == users
    states = assert_only_unanswered_buttons_live(page)
    assert [b["title"] for b in states[-1]["buttons"]] == ["Alpha", "Beta"]
    assert not states[-1]["answered"]
    assert sum(m["answered"] for m in states) >= 1

    # History re-rendered from storage: the same buttons disabled, the last turn's live.
    page.reload()
    if not page.get_by_role("textbox", name="Type your question").is_visible():
        open_chat(page)
    page.locator(".irc-quick-reply").first.wait_for()
    assert assert_only_unanswered_buttons_live(page) == states
    expect(live_quick_replies(page)).to_have_text(["Alpha", "Beta"])

    # Answering the last turn disables it too, and stays so after another reload.
    reply_with(page, [{"text": "Thanks."}])
    send(page, "ok")
    assert live_quick_replies(page).count() == 0
    page.reload()
    if not page.get_by_role("textbox", name="Type your question").is_visible():
        open_chat(page)
    page.locator(".irc-quick-reply").first.wait_for()
    assert live_quick_replies(page).count() == 0
    assert_only_unanswered_buttons_live(page)


def test_long_answers_have_air_between_paragraphs_and_list_items(page) -> None:
    open_chat(page)
    wait_for_greeting(page)
    reply_with(page, [{"text": "There are three pathways:\n- **First**: one\n- Second: two\n"
                               "- Third: three\n\nEach leads to the same certificate.\n\n"
                               "Ask me about any of them."}])
    send(page, "what pathways are there?")
    answer = bot_messages(page).last
    expect(answer.locator(".irc-text > p")).to_have_count(3)
    expect(answer.locator(".irc-text > ul > li")).to_have_count(3)
    spacing = answer.evaluate(
        """el => {
          const px = (node, prop) => parseFloat(getComputedStyle(node)[prop]);
          const [p1, p2, p3] = el.querySelectorAll('.irc-text > p');
          const ul = el.querySelector('.irc-text > ul');
          const [li1, li2, li3] = ul.querySelectorAll('li');
          return {
            listAfterParagraph: ul.getBoundingClientRect().top - p1.getBoundingClientRect().bottom,
            betweenItems: li2.getBoundingClientRect().top - li1.getBoundingClientRect().bottom,
            paragraphAfterList: p2.getBoundingClientRect().top - ul.getBoundingClientRect().bottom,
            betweenParagraphs: p3.getBoundingClientRect().top - p2.getBoundingClientRect().bottom,
            liMargin: px(li2, 'marginTop'), pMargin: px(p3, 'marginTop'),
            lineHeight: px(p1, 'lineHeight') / px(p1, 'fontSize'),
            firstTop: px(p1, 'marginTop'),
          };
        }"""
    )
    assert spacing["liMargin"] > 0 and spacing["pMargin"] > 0
    assert spacing["betweenItems"] >= 4
    for gap in ("listAfterParagraph", "paragraphAfterList", "betweenParagraphs"):
        assert spacing[gap] >= 6, (gap, spacing)
    assert 1.4 <= spacing["lineHeight"] <= 1.6
    assert spacing["firstTop"] == 0
    # A short answer is not padded out: a single paragraph has no margins at all.
    reply_with(page, [{"text": "Yes."}])
    send(page, "really?")
    short = bot_messages(page).last
    margins = short.evaluate(
        "el => { const s = getComputedStyle(el.querySelector('.irc-text > p'));"
        " return [s.marginTop, s.marginBottom]; }")
    assert margins == ["0px", "0px"]
    assert short.bounding_box()["height"] < 50


def host_page_at(page, url: str, attributes: str) -> None:
    """A page at url (on the bot's origin, served by the browser) embedding the widget,
    with a conversation of its own (the demo page's may have left the panel open)."""
    attributes += f' data-storage-key="chat-{abs(hash(url))}"'

    page.route(url, lambda route: route.fulfill(
        status=200, content_type="text/html; charset=utf-8",
        body='<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title>'
             f'</head><body><h1>Host</h1><script src="/widget.js" data-server="" {attributes}'
             ' defer></script></body></html>'))
    page.goto(url)


def test_avatar_and_subtitle_from_data_attributes(page, running_bot: Bot) -> None:
    # Defaults on the demo page: the built-in drawing and a subtitle.
    open_chat(page)
    header = page.locator(".irc-header")
    expect(header.locator(".irc-subtitle")).to_have_text("Careers in interventional radiology")
    expect(header.locator("svg.irc-avatar-default")).to_have_count(1)
    assert page.locator(".irc-widget img").count() == 0

    # Custom ones; the subtitle is text only, whatever it contains.
    subtitle = "<b>Ask</b> about IR training"
    host_page_at(page, f"{running_bot.base}/host/custom.html",
                 f'data-avatar="/favicon.svg" data-subtitle="{html.escape(subtitle)}"')
    open_chat(page)
    expect(header.locator(".irc-subtitle")).to_have_text(subtitle)
    assert header.locator(".irc-subtitle b").count() == 0
    avatar = header.locator(".irc-avatar img")
    expect(avatar).to_have_attribute("src", f"{running_bot.base}/favicon.svg")
    expect(avatar).to_have_attribute("alt", "")
    page.wait_for_function(
        "() => { const i = document.querySelector('.irc-avatar img'); "
        "return i && i.complete && i.naturalWidth > 0; }")
    box = avatar.bounding_box()
    assert 24 <= box["width"] <= 48 and box["width"] == box["height"]

    # data-subtitle="" hides the line.
    host_page_at(page, f"{running_bot.base}/host/nosub.html", 'data-subtitle=""')
    open_chat(page)
    assert page.locator(".irc-subtitle").count() == 0


@pytest.mark.parametrize("avatar", [
    "javascript:alert(1)", " JavaScript:alert(document.domain)",
    "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/%3E",
    "/no-such-logo.png",  # allowed, but fails to load: the built-in drawing instead
])
def test_an_unsafe_or_broken_avatar_url_falls_back(page, running_bot: Bot, avatar: str) -> None:
    host_page_at(page, f"{running_bot.base}/host/bad-avatar.html",
                 f'data-avatar="{html.escape(avatar)}"')
    open_chat(page)
    fallback = page.locator(".irc-avatar svg.irc-avatar-default")
    fallback.wait_for()
    assert page.locator(".irc-widget img").count() == 0
    page.wait_for_timeout(300)
    assert page.dialogs == []


def test_favicons_are_served_as_images(page, running_bot: Bot) -> None:
    href = page.evaluate("() => document.querySelector('link[rel=icon]').href")
    assert href == f"{running_bot.base}/favicon.svg"
    for url in (href, f"{running_bot.base}/favicon.ico"):
        response = page.request.get(url)
        assert response.status == 200, url
        assert response.headers["content-type"].startswith("image/"), response.headers
        assert b"<svg" in response.body()
    # The demo page really shows it (the browser decodes it as an image).
    size = page.evaluate(
        """async href => { const img = new Image(); img.src = href; await img.decode();
                           return img.naturalWidth; }""", href)
    assert size > 0
