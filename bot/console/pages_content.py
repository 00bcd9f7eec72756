"""Fees and events (live at once), staff accounts and the audit log.

Each change calls the same repository method as `bot fees` / `bot events` / `bot staff`,
so the validation and the messages are the CLI's; each is written to the audit log, and
the confirmation offers an undo where one is possible.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Dict, Optional

from sanic import Sanic
from sanic.response import HTTPResponse

from bot import settings
from bot.console.accounts import add_account, list_accounts, remove_account
from bot.console.audit import record
from bot.console.web import Ctx, page
from bot.db.repositories import EventRepository, MembershipRepository
from bot.db.staff import AuditLog
from bot.errors import BadInput, StaffError


def _date(text: str, label: str) -> Optional[date]:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadInput(
            f"The {label} '{text}' is not a date; use YYYY-MM-DD, e.g. 2027-03-20."
        ) from None


def fees_and_events(
    ctx: Ctx, error: Optional[str] = None, form: Optional[Dict[str, str]] = None, status: int = 200
) -> HTTPResponse:
    today = settings.today()
    events = EventRepository().list()
    show_past = ctx.arg("past") == "1"
    shown = [e for e in events if show_past or e.start_date is None or e.is_upcoming(today)]
    return ctx.render(
        "fees.html",
        status=status,
        categories=MembershipRepository().list(),
        events=shown,
        hidden_past=len(events) - len(shown),
        show_past=show_past,
        today=today,
        error=error,
        form=form or {},
    )


def set_fee(ctx: Ctx, slug: str) -> HTTPResponse:
    repository = MembershipRepository()
    before = repository.get(slug)
    try:
        category = repository.set_fee(slug, ctx.form.get("amount", ""))
    except StaffError as error:
        return fees_and_events(ctx, error=str(error), status=400)
    was = before.fee_text if before else "?"
    record(ctx.user.email, "fee changed", category.slug, f"{was} → {category.fee_text}")
    undo = (
        {
            "action": f"/staff/fees/{category.slug}",
            "label": f"Undo (back to {was})",
            "fields": {"amount": str(before.annual_fee)},
        }
        if before and before.annual_fee != category.annual_fee
        else None
    )
    return ctx.done(
        "/staff/fees",
        f"{category.name} is now {category.fee_text} (was {was}). The assistant says so from "
        "its next answer.",
        undo,
    )


EVENT_FIELDS = (
    "slug",
    "name",
    "kind",
    "start",
    "end",
    "recurs",
    "location",
    "audience",
    "link",
    "description",
    "virtual",
)


def add_event(ctx: Ctx) -> HTTPResponse:
    form = {k: ctx.form.get(k, "").strip() for k in EVENT_FIELDS}
    try:
        event = EventRepository().add(
            slug=form["slug"],
            name=form["name"],
            kind=form["kind"] or "course",
            start_date=_date(form["start"], "start date"),
            end_date=_date(form["end"], "end date"),
            recurrence=form["recurs"] or None,
            location=form["location"] or None,
            is_virtual=form["virtual"] == "on",
            audience=form["audience"],
            link=form["link"] or None,
            description=form["description"],
        )
    except StaffError as error:
        return fees_and_events(ctx, error=str(error), form=form, status=400)
    record(ctx.user.email, "event added", event.slug, event.name)
    past = not event.is_upcoming(settings.today()) and event.start_date is not None
    return ctx.done(
        "/staff/fees#events",
        f"Added {event.name} ({event.when_text(settings.today())})."
        + (" It is in the past, so it is not offered as upcoming." if past else ""),
        {"action": f"/staff/events/{event.slug}/remove", "label": "Undo (remove it)", "fields": {}},
    )


def remove_event(ctx: Ctx, slug: str) -> HTTPResponse:
    repository = EventRepository()
    event = repository.get(slug)
    try:
        repository.remove(slug)
    except StaffError as error:
        return fees_and_events(ctx, error=str(error), status=400)
    assert event is not None
    record(ctx.user.email, "event removed", event.slug, event.name)
    fields: Dict[str, Any] = {
        "slug": event.slug,
        "name": event.name,
        "kind": event.kind,
        "start": event.start_date.isoformat() if event.start_date else "",
        "end": event.end_date.isoformat() if event.end_date else "",
        "recurs": event.recurrence or "",
        "location": event.location or "",
        "audience": event.audience,
        "link": event.link or "",
        "description": event.description,
    }
    if event.is_virtual:
        fields["virtual"] = "on"
    return ctx.done(
        "/staff/fees#events",
        f"Removed {event.name}.",
        {"action": "/staff/events", "label": "Undo (add it back)", "fields": fields},
    )


def accounts(
    ctx: Ctx, error: Optional[str] = None, status: int = 200, form: Optional[Dict[str, str]] = None
) -> HTTPResponse:
    return ctx.render(
        "accounts.html", status=status, accounts=list_accounts(), error=error, form=form or {}
    )


def add_account_view(ctx: Ctx) -> HTTPResponse:
    try:
        account = add_account(
            ctx.form.get("email", ""),
            ctx.form.get("role", ""),
            ctx.form.get("password", ""),
            ctx.user.email,
        )
    except StaffError as error:
        return accounts(
            ctx,
            error=str(error),
            status=400,
            form={"email": ctx.form.get("email", ""), "role": ctx.form.get("role", "")},
        )
    return ctx.done("/staff/accounts", f"Added {account.email} as {account.role}.")


def remove_account_view(ctx: Ctx) -> HTTPResponse:
    email = ctx.form.get("email", "")
    if email.strip().lower() == ctx.user.email:
        return accounts(
            ctx, error="You cannot remove your own account here; ask another publisher.", status=400
        )
    try:
        account = remove_account(email, ctx.user.email)
    except StaffError as error:
        return accounts(ctx, error=str(error), status=400)
    return ctx.done("/staff/accounts", f"Removed {account.email}; their sessions have ended.")


def audit(ctx: Ctx) -> HTTPResponse:
    return ctx.render(
        "audit.html",
        entries=AuditLog().list(limit=500, actor=ctx.arg("actor"), action=ctx.arg("action")),
        actor=ctx.arg("actor"),
        action=ctx.arg("action"),
    )


def money(value: Decimal) -> str:
    return f"{value:.2f}"


def register(app: Sanic) -> None:
    page(app, "/fees", fees_and_events, "fees")
    page(app, "/fees/<slug>", set_fee, "fees", methods=("POST",))
    page(app, "/events", add_event, "events", methods=("POST",))
    page(app, "/events/<slug>/remove", remove_event, "events", methods=("POST",))
    page(app, "/accounts", accounts, "accounts")
    page(app, "/accounts", add_account_view, "accounts", methods=("POST",))
    page(app, "/accounts/remove", remove_account_view, "accounts", methods=("POST",))
    page(app, "/audit", audit, "review")
