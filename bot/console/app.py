"""The console's Sanic application: sign-in and sign-out, security headers, and the pages
(each page module's `register(app)`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Optional

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console import auth
from bot.console.web import (
    HERE,
    LOGIN_CSRF_COOKIE,
    POLICY,
    PREFIX,
    PUBLIC,
    SESSION_COOKIE,
    ConsoleConfig,
    Ctx,
    _cookie_attrs,
    blocking,
    current_session,
    login_redirect,
    safe_next,
)
from bot.db.staff import AccountRepository, LoginFailures, SessionRepository, utcnow

STATIC = {
    "console.css": "text/css; charset=utf-8",
    "console.js": "text/javascript; charset=utf-8",
}


def _address(request: Request) -> str:
    return request.remote_addr or request.ip or "unknown"


def sign_in(email: str, password: str, address: str, config: ConsoleConfig) -> tuple:
    """(session token, None) or (None, the reason shown to the person signing in)."""
    email = (email or "").strip().lower()
    failures = LoginFailures()
    wait = auth.wait_seconds(*failures.since(email, address, utcnow() - auth.WINDOW), utcnow())
    if wait:
        minutes = max(1, round(wait / 60))
        return None, (
            f"Too many attempts. For your account's safety, try again in about {minutes} "
            f"minute{'s' if minutes != 1 else ''}."
        )
    found = AccountRepository().credentials(email)
    if not auth.verify_password(found[1] if found else None, password or "") or found is None:
        failures.add(email, address)
        return None, "The email or password is not right. Check both and try again."
    failures.clear(email)
    token = auth.new_token()
    SessionRepository().create(
        found[0].id, auth.token_hash(token), auth.new_token(), config.session_lifetime
    )
    return token, None


def create_app(config: Optional[ConsoleConfig] = None, name: str = "staff_console") -> Sanic:
    from bot.console import pages_content, pages_models, pages_review, pages_usage

    app = Sanic(name)
    app.config.REQUEST_MAX_SIZE = 2_000_000
    app.ctx.config = config or ConsoleConfig.from_env()
    cfg: ConsoleConfig = app.ctx.config

    @app.middleware("request")
    async def only_with_a_session(request: Request) -> Optional[HTTPResponse]:
        """Nothing under /staff/ answers without a session (not even a 404)."""
        if request.path == PREFIX:
            return response.redirect(f"{PREFIX}/")
        if not request.path.startswith(f"{PREFIX}/") or request.path in PUBLIC:
            return None
        if await blocking(current_session, request) is None:
            return login_redirect(request)
        return None

    @app.middleware("response")
    async def headers(request: Request, result: HTTPResponse) -> None:
        result.headers.setdefault("Content-Security-Policy", POLICY)
        result.headers["X-Content-Type-Options"] = "nosniff"
        result.headers["Referrer-Policy"] = "same-origin"
        result.headers["X-Frame-Options"] = "DENY"
        if "Cache-Control" not in result.headers:
            result.headers["Cache-Control"] = "no-store"

    @app.route("/", methods=["GET"], name="root")
    async def root(request: Request) -> HTTPResponse:
        return response.redirect(f"{PREFIX}/")

    @app.route(f"{PREFIX}/static/<name>", methods=["GET"], name="static_file")
    async def static(request: Request, name: str) -> HTTPResponse:
        if name not in STATIC:
            return response.text("Not found", status=404)
        return response.raw(
            (HERE / "static" / name).read_bytes(),
            content_type=STATIC[name],
            headers={"Cache-Control": "no-cache"},
        )

    @app.route(f"{PREFIX}/login", methods=["GET", "POST"], name="login")
    async def login(request: Request) -> HTTPResponse:
        ctx = Ctx(request, cfg, None)
        target = safe_next(request.args.get("next") or request.form.get("next") or "")
        error, email, status = None, "", 200
        if request.method == "POST":
            email = (request.form.get("email") or "").strip()
            # Sign-in CSRF: the form's token must match the cookie set with the form.
            if not auth.same_token(
                request.cookies.get(LOGIN_CSRF_COOKIE), request.form.get("csrf")
            ) or not auth.same_origin(request.headers.get("origin"), request.host):
                error, status = "The sign-in form expired. Please try again.", 403
            else:
                token, error = await blocking(
                    sign_in, email, request.form.get("password") or "", _address(request), cfg
                )
                if token:
                    result = response.redirect(target, status=303)
                    result.cookies[SESSION_COOKIE] = token
                    _cookie_attrs(
                        result,
                        SESSION_COOKIE,
                        cfg,
                        max_age=int(cfg.session_lifetime / timedelta(seconds=1)),
                    )
                    result.cookies[LOGIN_CSRF_COOKIE] = ""
                    _cookie_attrs(result, LOGIN_CSRF_COOKIE, cfg, max_age=0)
                    return result
                status = 429 if error and error.startswith("Too many") else 401
        login_token = auth.new_token()
        result = ctx.render(
            "login.html",
            status=status,
            error=error,
            email=email,
            next=target,
            login_csrf=login_token,
            expired=request.args.get("next") is not None and request.method == "GET",
        )
        result.cookies[LOGIN_CSRF_COOKIE] = login_token
        _cookie_attrs(result, LOGIN_CSRF_COOKIE, cfg, max_age=3600)
        return result

    @app.route(f"{PREFIX}/logout", methods=["POST"], name="logout")
    async def logout(request: Request) -> HTTPResponse:
        session = await blocking(current_session, request)
        token = request.cookies.get(SESSION_COOKIE)
        if session and token and auth.same_token(session.csrf_token, request.form.get("csrf")):
            await blocking(SessionRepository().delete, auth.token_hash(token))
        result = response.redirect(f"{PREFIX}/login", status=303)
        result.cookies[SESSION_COOKIE] = ""
        _cookie_attrs(result, SESSION_COOKIE, cfg, max_age=0)
        return result

    for module in (pages_content, pages_review, pages_models, pages_usage):
        module.register(app)
    return app
