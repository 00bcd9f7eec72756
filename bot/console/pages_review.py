"""Inbox and Topics: what users asked that the assistant was unsure about, and what it knows.

Every change is a call of the retraining library (bot.training.review, intents, answers,
checks), exactly as `bot review`, `bot examples add|remove`, `bot intent add|remove` and
`bot check` make it, on the console's project (this checkout, or CONSOLE_PROJECT). Each
addition offers its undo, so a slip of the hand is taken back where it was made.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from sanic import Sanic
from sanic.response import HTTPResponse

from bot.console.audit import record
from bot.console.web import PREFIX, Ctx, page, safe_next
from bot.db.staff import FlaggedQuestions
from bot.errors import StaffError
from bot.training import data as assistant_data
from bot.training import review
from bot.training.answers import preview_html, set_answer
from bot.training.checks import run_checks
from bot.training.intents import (
    MIN_EXAMPLES,
    add_examples,
    add_intent,
    removal_refused,
    remove_examples,
    remove_intent,
)

HIDDEN = {"nlu_fallback", "restart", "back", "session_start"}


def _intents(ctx: Ctx) -> List[str]:
    return sorted(i for i in assistant_data.load(ctx.project).examples if i not in HIDDEN)


def inbox(ctx: Ctx, error: Optional[str] = None, status: int = 200) -> HTTPResponse:
    problem = None
    try:
        items = review.inbox(ctx.project, days=int(ctx.arg("days", "30") or 30))
    except StaffError as failure:
        items, problem = [], str(failure)
    known = assistant_data.load(ctx.project).normalised_examples()
    from bot.training.text import normalise

    flagged = [f for f in FlaggedQuestions().list() if normalise(f.text) not in known]
    marked = {normalise(f.text) for f in flagged}
    items = [item for item in items if item.key not in marked]  # listed once, as marked
    return ctx.render(
        "inbox.html",
        status=status,
        items=items,
        flagged=flagged,
        intents=_intents(ctx),
        error=error,
        note=problem,
        days=ctx.arg("days", "30"),
    )


def assign(ctx: Ctx) -> HTTPResponse:
    text, intent = ctx.form.get("text", ""), ctx.form.get("intent", "")
    try:
        if intent == review.OUT_OF_SCOPE:
            change = review.mark_out_of_scope(ctx.project, text)
        else:
            change = review.assign(ctx.project, text, intent)
    except StaffError as error:
        return inbox(ctx, error=str(error), status=400)
    # A marked question stays marked: the inbox hides it while it is a training example, so
    # it comes back if the example is taken out again.
    record(ctx.user.email, "example added", change.intent, change.added[0])
    what = (
        "out of scope" if change.intent == review.OUT_OF_SCOPE else f"an example of {change.intent}"
    )
    return ctx.done(
        "/staff/inbox",
        f'"{change.added[0]}" is now {what}. Train a model to use it (Models page).',
        _take_back(change.intent, change.added, back="/staff/inbox"),
    )


def _take_back(intent: str, texts: List[str], back: str) -> Dict[str, Any]:
    """The undo of adding examples: remove them again, then return to `back`."""
    return {
        "action": f"/staff/topics/{intent}/examples/remove",
        "label": "Undo (take it out again)" if len(texts) == 1 else "Undo (take them out again)",
        "fields": {"text": texts, "back": back},
    }


def topics(ctx: Ctx) -> HTTPResponse:
    known = assistant_data.load(ctx.project)
    full = ctx.arg("checks") == "all"
    report = run_checks(ctx.project, include_rasa=full)
    rows = [
        {
            "intent": i,
            "examples": len(known.examples.get(i, [])),
            "answer": (known.responses.get(f"utter_{i}") or [""])[0],
            "file": ctx.project.show(known.files[i]) if i in known.files else "",
        }
        for i in _intents(ctx)
    ]
    return ctx.render("topics.html", rows=rows, report=report, full=full, minimum=MIN_EXAMPLES)


def topic(
    ctx: Ctx,
    intent: str,
    error: Optional[str] = None,
    status: int = 200,
    draft: Optional[str] = None,
    preview: Optional[str] = None,
) -> HTTPResponse:
    known = assistant_data.load(ctx.project)
    if intent not in known.examples:
        return ctx.render(
            "error.html",
            status=404,
            title="No such topic",
            message=f"There is no topic '{intent}'.",
        )
    answers = known.responses.get(f"utter_{intent}")
    answer = answers[0] if answers else None
    return ctx.render(
        "topic.html",
        status=status,
        intent=intent,
        examples=known.examples[intent],
        minimum=MIN_EXAMPLES,
        refused=removal_refused(ctx.project, intent),
        answer=answer,
        draft=answer if draft is None else draft,
        preview=preview if preview is not None else preview_html(answer or ""),
        error=error,
    )


def add_examples_view(ctx: Ctx, intent: str) -> HTTPResponse:
    lines = [line for line in ctx.form.get("examples", "").splitlines() if line.strip()]
    try:
        change = add_examples(ctx.project, intent, lines)
    except StaffError as error:
        return topic(ctx, intent, error=str(error), status=400)
    record(ctx.user.email, "examples added", intent, "\n".join(change.added))
    return ctx.done(
        f"/staff/topics/{intent}",
        f"Added {len(change.added)} example(s) to {intent}. Train a model to use them.",
        _take_back(intent, change.added, back=f"/staff/topics/{intent}"),
    )


def remove_examples_view(ctx: Ctx, intent: str) -> HTTPResponse:
    back = safe_next(ctx.form.get("back") or f"{PREFIX}/topics/{intent}")
    try:
        change = remove_examples(ctx.project, intent, ctx.lists.get("text", []))
    except StaffError as error:
        return topic(ctx, intent, error=str(error), status=400)
    for text in change.removed:
        record(ctx.user.email, "example removed", intent, text)
    shown = "; ".join(f'"{t}"' for t in change.removed)
    return ctx.done(
        back,
        f"Removed {shown} from {intent}. If users asked it lately, it is back in the inbox. "
        "Train a model to make the change count.",
        {
            "action": f"/staff/topics/{intent}/examples",
            "label": "Undo (add it back)" if len(change.removed) == 1 else "Undo (add them back)",
            "fields": {"examples": "\n".join(change.removed)},
        },
    )


def remove_topic(ctx: Ctx, intent: str) -> HTTPResponse:
    """A page that asks first (GET, or a POST without `confirm`), then removes the topic."""
    known = assistant_data.load(ctx.project)
    if intent not in known.examples:
        return topic(ctx, intent)  # its "no such topic" page
    refused = removal_refused(ctx.project, intent)
    if ctx.request.method != "POST" or ctx.form.get("confirm") != intent or refused:
        return ctx.render(
            "topic_remove.html",
            status=400 if refused and ctx.request.method == "POST" else 200,
            intent=intent,
            examples=known.examples[intent],
            answer=next(iter(known.responses.get(f"utter_{intent}") or []), None),
            refused=refused,
        )
    try:
        removal = remove_intent(ctx.project, intent)
    except StaffError as error:
        return topic(ctx, intent, error=str(error), status=400)
    record(ctx.user.email, "topic removed", intent, removal.details())
    return ctx.done(
        "/staff/topics",
        f"Removed the topic {intent}: its {len(removal.examples)} examples, its answer and its "
        "rule. Questions you had assigned to it are back in the inbox (if asked lately). The "
        "audit log keeps what it held.",
        {
            "action": "/staff/topics/new",
            "label": "Undo (add it back)",
            "fields": {
                "name": intent,
                "examples": "\n".join(removal.examples),
                "answer": removal.answer or "",
            },
        },
    )


def edit_answer(ctx: Ctx, intent: str) -> HTTPResponse:
    draft = ctx.form.get("answer", "")
    if ctx.form.get("do") == "preview":
        return topic(ctx, intent, draft=draft, preview=preview_html(draft))
    try:
        before, after = set_answer(ctx.project, intent, draft)
    except StaffError as error:
        return topic(
            ctx, intent, error=str(error), status=400, draft=draft, preview=preview_html(draft)
        )
    record(ctx.user.email, "answer changed", intent, f"before: {before}\nafter: {after}")
    return ctx.done(
        f"/staff/topics/{intent}",
        f"Saved the answer of {intent}. Train and release a model to use it.",
        {
            "action": f"/staff/topics/{intent}/answer",
            "label": "Undo (previous answer)",
            "fields": {"answer": before},
        },
    )


def new_topic(
    ctx: Ctx, error: Optional[str] = None, status: int = 200, form: Optional[Dict[str, str]] = None
) -> HTTPResponse:
    form = form or {"examples": ctx.arg("example"), "name": "", "answer": ""}
    return ctx.render(
        "topic_new.html",
        status=status,
        form=form,
        error=error,
        minimum=MIN_EXAMPLES,
        preview=preview_html(form.get("answer", "")),
    )


def add_topic(ctx: Ctx) -> HTTPResponse:
    form = {k: ctx.form.get(k, "") for k in ("name", "examples", "answer")}
    if ctx.form.get("do") == "preview":
        return new_topic(ctx, form=form)
    examples = [line for line in form["examples"].splitlines() if line.strip()]
    try:
        change = add_intent(ctx.project, form["name"].strip(), examples, form["answer"])
    except StaffError as error:
        return new_topic(ctx, error=str(error), status=400, form=form)
    record(
        ctx.user.email,
        "topic added",
        change.intent,
        f"{len(change.added)} examples; answer: {form['answer'].strip()}",
    )
    return ctx.done(
        f"/staff/topics/{change.intent}",
        f"Added the topic {change.intent} with {len(change.added)} examples and its "
        "answer. Next: train a model (Models page).",
        {
            "action": f"/staff/topics/{change.intent}/remove",
            "label": "Undo (remove it)",
            "fields": {},
        },
    )


def register(app: Sanic) -> None:
    page(app, "/inbox", inbox, "review")
    page(app, "/inbox/assign", assign, "review", methods=("POST",))
    page(app, "/topics", topics, "topics")
    page(app, "/topics/new", new_topic, "topics")
    page(app, "/topics/new", add_topic, "topics", methods=("POST",))
    page(app, "/topics/<intent>", topic, "topics")
    page(app, "/topics/<intent>/examples", add_examples_view, "topics", methods=("POST",))
    page(app, "/topics/<intent>/answer", edit_answer, "topics", methods=("POST",))
    page(app, "/topics/<intent>/examples/remove", remove_examples_view, "topics", methods=("POST",))
    page(app, "/topics/<intent>/remove", remove_topic, "topics", methods=("GET", "POST"))
