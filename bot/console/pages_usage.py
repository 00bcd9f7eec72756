"""Dashboard and Conversations: what users ask, as charts; transcripts to search and read,
where "this answer was wrong" sends the question to the inbox."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Optional

from sanic import Sanic
from sanic.response import HTTPResponse

from bot import settings
from bot.console import usage
from bot.console.audit import record
from bot.console.web import Ctx, page
from bot.db.staff import FlaggedQuestions
from bot.errors import BadInput, StaffError


def dashboard(ctx: Ctx) -> HTTPResponse:
    days = 30 if ctx.arg("days") not in ("7", "90") else int(ctx.arg("days"))
    try:
        f = usage.figures(days)
    except StaffError as error:
        return ctx.render("dashboard.html", note=str(error), days=days, f=None)
    answered = f.messages - f.fallback - f.out_of_scope
    return ctx.render(
        "dashboard.html",
        days=days,
        f=f,
        note=None,
        per_day=usage.column_chart(f.days, f"Messages per day, last {days} days"),
        per_channel=usage.hbar_chart(f.channels, "Messages per channel"),
        topics=usage.hbar_chart(f.topics, "Top topics"),
        shares=usage.share_chart(
            {
                "answered": answered,
                "I don't know (fallback)": f.fallback,
                "out of scope": f.out_of_scope,
            },
            f.messages,
            "How questions were answered",
        ),
    )


def _day(text: str, default: date) -> date:
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"'{text}' is not a date; use YYYY-MM-DD.") from None


def conversations(ctx: Ctx) -> HTTPResponse:
    today = settings.today()
    error: Optional[str] = None
    found: list = []
    note = None
    try:
        since = _day(ctx.arg("from"), today - timedelta(days=7))
        until = _day(ctx.arg("to"), today)
        found = usage.search(since, until, ctx.arg("channel"), ctx.arg("q"))
    except BadInput as failure:
        error, since, until = str(failure), today - timedelta(days=7), today
    except StaffError as failure:
        note = str(failure)
    return ctx.render(
        "conversations.html",
        found=found,
        error=error,
        note=note,
        since=since,
        until=until,
        channel=ctx.arg("channel"),
        q=ctx.arg("q"),
    )


def transcript(ctx: Ctx, sender: str) -> HTTPResponse:
    try:
        conversation = usage.transcript(sender)
    except StaffError as error:
        return ctx.render(
            "error.html", status=404, title="No such conversation", message=str(error)
        )
    return ctx.render("transcript.html", c=conversation)


def flag(ctx: Ctx, sender: str) -> HTTPResponse:
    text, intent = ctx.form.get("text", ""), ctx.form.get("intent") or None
    try:
        flagged = FlaggedQuestions().add(text, intent, ctx.user.email)
    except StaffError as error:
        return ctx.render("error.html", status=400, title="Not flagged", message=str(error))
    record(ctx.user.email, "answer flagged as wrong", intent or "", flagged.text)
    return ctx.done(
        f"/staff/conversations/{sender}",
        f'"{flagged.text}" is in the inbox now, to be assigned to the right topic.',
    )


def register(app: Sanic) -> None:
    page(app, "/", dashboard, "review")
    page(app, "/conversations", conversations, "conversations")
    page(app, "/conversations/<sender>", transcript, "conversations")
    page(app, "/conversations/<sender>/wrong", flag, "conversations", methods=("POST",))
