"""Dashboard (filled in by a later slice)."""

from __future__ import annotations

from sanic import Sanic
from sanic.response import HTTPResponse

from bot.console.web import Ctx, page


def dashboard(ctx: Ctx) -> HTTPResponse:
    return ctx.render("dashboard.html")


def register(app: Sanic) -> None:
    page(app, "/", dashboard, "review")
