"""The staff console over plain HTTP (a real console process, real database): nothing
answers without a session, every form needs its CSRF token, sign-in is throttled, roles hold."""
from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from typing import Dict, Optional, Tuple

import pytest

from tests.e2e.conftest import EDITOR, PUBLISHER, Console


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # show redirects to the test
        return None


class Browser:
    """Cookies and forms, as a browser keeps them; redirects are returned, not followed."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  NoRedirect)

    def request(self, path: str, form: Optional[Dict[str, str]] = None,
                headers: Optional[Dict[str, str]] = None) -> Tuple[int, str, Dict[str, str]]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.console.url(path), data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def csrf(self, path: str) -> str:
        status, body, _ = self.request(path)
        assert status == 200, (status, body[:300])
        return re.search(r'name="csrf" value="([^"]+)"', body).group(1)

    def sign_in(self, email: str, password: str) -> int:
        token = self.csrf("/staff/login")
        status, _, headers = self.request(
            "/staff/login", {"csrf": token, "email": email, "password": password, "next": "/staff/fees"})
        return status


@pytest.mark.e2e
@pytest.mark.parametrize("path", ["/staff/", "/staff/fees", "/staff/accounts", "/staff/audit",
                                  "/staff/inbox", "/staff/models", "/staff/no-such-page"])
def test_nothing_answers_without_a_session(console: Console, path: str) -> None:
    status, _, headers = Browser(console).request(path)
    assert status == 303 and headers["Location"].startswith("/staff/login?next=")


@pytest.mark.e2e
def test_the_session_cookie_is_http_only_strict_and_expires(console: Console) -> None:
    browser = Browser(console)
    assert browser.sign_in(*PUBLISHER) == 303
    cookie = next(c for c in browser.jar if c.name == "irc_staff")
    assert cookie.has_nonstandard_attr("HttpOnly") and cookie.expires is not None
    assert cookie.path == "/staff/"
    status, body, headers = browser.request("/staff/fees")
    assert status == 200 and "Membership fees" in body
    assert "script-src 'self'" in headers["Content-Security-Policy"]


@pytest.mark.e2e
def test_a_form_without_its_csrf_token_changes_nothing(console: Console) -> None:
    browser = Browser(console)
    browser.sign_in(*PUBLISHER)
    before = browser.request("/staff/fees")[1]
    for form in ({"amount": "1"}, {"amount": "1", "csrf": "forged"}):
        status, body, _ = browser.request("/staff/fees/fellow-in-training", form)
        assert status == 403 and "Nothing was changed" in body
    token = browser.csrf("/staff/fees")
    status, _, _ = browser.request("/staff/fees/fellow-in-training", {"amount": "1", "csrf": token},
                                   headers={"Origin": "https://evil.example"})
    assert status == 403
    assert "$50 per year" in before and "$1 per year" not in browser.request("/staff/fees")[1]


@pytest.mark.e2e
def test_an_editor_cannot_release_or_manage_accounts(console: Console) -> None:
    browser = Browser(console)
    assert browser.sign_in(*EDITOR) == 303
    token = browser.csrf("/staff/fees")
    assert "/staff/accounts" not in browser.request("/staff/fees")[1]  # not offered either
    status, body, _ = browser.request("/staff/accounts")
    assert status == 403 and "needs a publisher" in body
    for path in ("/staff/models/release", "/staff/models/rollback"):
        status, body, _ = browser.request(path, {"csrf": token, "reason": "x"})
        assert status == 403, path


@pytest.mark.e2e
def test_wrong_passwords_are_refused_then_throttled(console: Console) -> None:
    browser = Browser(console)
    for _ in range(5):
        assert browser.sign_in("ed@example.org", "not the password at all") == 401
    assert browser.sign_in("ed@example.org", "not the password at all") == 429
    assert browser.sign_in(*EDITOR) == 429  # even the right one waits: it may be a guess
    assert browser.sign_in(*PUBLISHER) == 303  # other accounts are not locked out
    from bot.db.staff import LoginFailures

    LoginFailures(console.database_url).clear("ed@example.org")
