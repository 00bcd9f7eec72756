"""The console's web layer: sessions in cookies, CSRF on every form, roles, rendering.

Pages are plain functions `view(ctx) -> HTTPResponse` registered with `page(...)`: they run
in a worker thread (the library is synchronous: database, YAML files, Rasa's validator), so
one slow page never stalls the others. Only the sign-in page and the stylesheet answer
without a session.
"""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional
from urllib.parse import quote, unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console import auth
from bot.db.staff import AccountRecord, SessionRecord, SessionRepository
from bot.training.project import Project

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "irc_staff"
LOGIN_CSRF_COOKIE = "irc_login"
FLASH_COOKIE = "irc_flash"
MAX_FLASH = 3800  # bytes of the flash cookie's value, under the browsers' 4 KB per cookie
PREFIX = "/staff"
PUBLIC = {f"{PREFIX}/login", f"{PREFIX}/static/console.css", f"{PREFIX}/static/console.js"}
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

templates = Environment(
    loader=FileSystemLoader(str(HERE / "templates")),
    autoescape=select_autoescape(["html"], default_for_string=True, default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class ConsoleConfig:
    """Where the console works and how its cookies are set."""

    project: Project
    public_url: str  # how staff reach it; https makes the cookies Secure
    session_lifetime: timedelta = timedelta(hours=8)

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> ConsoleConfig:
        port = env.get("CONSOLE_PORT", "5002")
        project_dir = env.get("CONSOLE_PROJECT")
        return cls(
            project=Project.at(Path(project_dir) if project_dir else None),
            public_url=(env.get("CONSOLE_PUBLIC_URL") or f"http://127.0.0.1:{port}").rstrip("/"),
            session_lifetime=timedelta(hours=float(env.get("CONSOLE_SESSION_HOURS", "8"))),
        )


@dataclass
class Ctx:
    """What a page needs: the request, who is signed in, the form, the console's config."""

    request: Request
    config: ConsoleConfig
    session: Optional[SessionRecord]
    form: Dict[str, str] = field(default_factory=dict)
    lists: Dict[str, List[str]] = field(default_factory=dict)
    flash: Optional[Dict[str, Any]] = None

    @property
    def user(self) -> AccountRecord:
        assert self.session is not None
        return self.session.account

    @property
    def project(self) -> Project:
        return self.config.project

    def arg(self, name: str, default: str = "") -> str:
        return (self.request.args.get(name) or default).strip()

    def render(self, template: str, status: int = 200, **values: Any) -> HTTPResponse:
        html = templates.get_template(template).render(
            user=self.session.account if self.session else None,
            csrf=self.session.csrf_token if self.session else "",
            can=lambda action: bool(self.session) and auth.can(self.user.role, action),
            path=self.request.path,
            flash=self.flash,
            **values,
        )
        result = response.html(html, status=status)
        if self.flash is not None:
            result.cookies[FLASH_COOKIE] = ""
            _cookie_attrs(result, FLASH_COOKIE, self.config, max_age=0)
        return result

    def done(self, to: str, text: str, undo: Optional[Dict[str, Any]] = None) -> HTTPResponse:
        """Redirect after a change, with a message (and an undo form) shown once."""
        result = response.redirect(to, status=303)
        value = quote(json.dumps({"text": text, "undo": undo}))
        if len(value) > MAX_FLASH and undo:  # a browser drops a cookie over 4 KB, silently
            note = " It is too long to undo from here; the audit log keeps what it was."
            value = quote(json.dumps({"text": text + note, "undo": None}))
        result.cookies[FLASH_COOKIE] = value
        _cookie_attrs(result, FLASH_COOKIE, self.config, max_age=60)
        return result


def _cookie_attrs(result: HTTPResponse, name: str, config: ConsoleConfig, max_age: int) -> None:
    cookie = result.cookies[name]
    cookie["path"] = f"{PREFIX}/"
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    cookie["max-age"] = max_age
    if config.secure_cookies:
        cookie["secure"] = True


async def blocking(function: Callable[..., Any], *args: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(None, function, *args)


def current_session(request: Request) -> Optional[SessionRecord]:
    token = request.cookies.get(SESSION_COOKIE)
    return SessionRepository().find(auth.token_hash(token)) if token else None


def _read_flash(request: Request) -> Optional[Dict[str, Any]]:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    try:
        value = json.loads(unquote(raw))
    except ValueError:
        return None
    return value if isinstance(value, dict) and isinstance(value.get("text"), str) else None


def login_redirect(request: Request) -> HTTPResponse:
    target = request.path + (f"?{request.query_string}" if request.query_string else "")
    return response.redirect(f"{PREFIX}/login?next={quote(target)}", status=303)


def safe_next(target: str) -> str:
    """Only a path of the console itself, never another site (an open redirect)."""
    parts = urlsplit(target or "")
    if parts.scheme or parts.netloc or not parts.path.startswith(f"{PREFIX}/"):
        return f"{PREFIX}/"
    return target


def page(
    app: Sanic,
    path: str,
    view: Callable[..., HTTPResponse],  # (ctx, **route parameters)
    needs: str,
    methods: tuple = ("GET",),
    name: Optional[str] = None,
) -> None:
    """Serve `view` at PREFIX+path for signed-in staff whose role allows `needs`.

    POSTs must carry the session's CSRF token (field `csrf`) and come from this site.
    """
    config: ConsoleConfig = app.ctx.config

    async def handler(request: Request, **params: str) -> HTTPResponse:
        session = await blocking(current_session, request)
        if session is None:
            return login_redirect(request)
        ctx = Ctx(request, config, session, flash=_read_flash(request))
        if request.method == "POST":
            form = request.form
            if form:
                ctx.form = {k: (form.get(k) or "") for k in form}
                ctx.lists = {k: form.getlist(k) for k in form}
            if not auth.same_token(session.csrf_token, ctx.form.get("csrf")) or not (
                auth.same_origin(request.headers.get("origin"), request.host)
            ):
                return ctx.render(
                    "error.html",
                    status=403,
                    title="Form expired",
                    message="This form was not sent from a page of the console you are signed "
                    "in to (or it is too old). Nothing was changed. Go back, reload the page "
                    "and try again.",
                )
        if not auth.can(session.account.role, needs):
            return ctx.render(
                "error.html",
                status=403,
                title="Not allowed",
                message="Your role does not allow this: it needs a publisher. Ask a publisher "
                "to do it, or to change your role.",
            )
        return await blocking(lambda: view(ctx, **params))

    app.add_route(
        handler,
        PREFIX + path,
        methods=list(methods),
        name=name or f"{view.__name__}_{'_'.join(methods).lower()}",
    )
