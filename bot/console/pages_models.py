"""Models: train with live progress, the comparison as tables, release and roll back with
a reason, and the history of releases (bot.training's registry, gate and release)."""

from __future__ import annotations

from typing import Any, Dict, Optional

from sanic import Sanic, response
from sanic.response import HTTPResponse

from bot.console.audit import record
from bot.console.jobs import JOBS, Job
from bot.console.web import Ctx, page
from bot.errors import StaffError
from bot.training.compare import Comparison
from bot.training.metrics import cached
from bot.training.registry import ModelRegistry


def _comparison(ctx: Ctx, registry: ModelRegistry) -> Dict[str, Any]:
    """The newest candidate against the released model, from stored results only (computing
    them loads both models: that is the Compare task's job)."""
    candidate, released = registry.newest_candidate(), registry.released()
    if not candidate or not released:
        return {"candidate": candidate, "released": released, "comparison": None}
    mine, theirs = cached(candidate, ctx.project.heldout), cached(released, ctx.project.heldout)
    comparison = Comparison(mine, theirs) if mine and theirs else None
    return {"candidate": candidate, "released": released, "comparison": comparison}


def models(ctx: Ctx, error: Optional[str] = None, status: int = 200) -> HTTPResponse:
    registry = ModelRegistry()
    job_id = ctx.arg("job")
    job = JOBS.get(job_id) if job_id else JOBS.running()
    records = list(reversed(registry.list()))
    history = list(reversed(registry.history()))
    labels = {r.id: r.label for r in records}
    return ctx.render(
        "models.html",
        status=status,
        records=records,
        history=history,
        labels=labels,
        job=job,
        last=JOBS.latest(),
        error=error,
        **_comparison(ctx, registry),
    )


def _start(ctx: Ctx, title: str, args: list, on_success) -> HTTPResponse:
    try:
        job = JOBS.start(title, args, ctx.user.email, on_success)
    except StaffError as error:
        return models(ctx, error=str(error), status=409)
    return response.redirect(f"/staff/models?job={job.id}#progress", status=303)


def train(ctx: Ctx) -> HTTPResponse:
    email = ctx.user.email
    args = ["train"] + (["--force"] if ctx.form.get("force") == "on" else [])

    def done(job: Job) -> None:
        trained = [line for line in job.lines if line.startswith("Model #")]
        record(
            email, "model trained", trained[-1].split(",")[0] if trained else "", "\n".join(trained)
        )

    return _start(ctx, "Training", args, done)


def compare(ctx: Ctx) -> HTTPResponse:
    ref = ctx.form.get("model", "")
    return _start(ctx, "Comparing", ["evaluate", *([ref] if ref else [])], lambda job: None)


def release(ctx: Ctx) -> HTTPResponse:
    reason, ref = ctx.form.get("reason", "").strip(), ctx.form.get("model", "")
    if not reason:
        return models(
            ctx, error="Say why you release this model (kept in the history).", status=400
        )
    args = ["release", *([ref] if ref else []), "--by", ctx.user.email, "--reason", reason]
    if ctx.form.get("force") == "on":
        args.append("--force")
    # `bot release --by` writes the audit log (for the command line and the console alike).
    return _start(ctx, "Releasing", args, lambda job: None)


def rollback(ctx: Ctx) -> HTTPResponse:
    reason = ctx.form.get("reason", "").strip()
    if not reason:
        return models(ctx, error="Say why you roll back (kept in the history).", status=400)
    email = ctx.user.email

    def done(job: Job) -> None:
        line = next((ln for ln in job.lines if ln.startswith("Rolled back")), "")
        record(
            email,
            "model rolled back",
            line.split(" is the")[0].removeprefix("Rolled back: "),
            reason,
        )

    return _start(ctx, "Rolling back", ["rollback", "--by", email, "--reason", reason], done)


def job_status(ctx: Ctx, job_id: str) -> HTTPResponse:
    job = JOBS.get(job_id)
    if job is None:
        return response.json(
            {"state": "unknown", "lines": [], "summary": "", "next": "/staff/models"}, status=404
        )
    return response.json(job.as_json())


def register(app: Sanic) -> None:
    page(app, "/models", models, "train")
    page(app, "/models/train", train, "train", methods=("POST",))
    page(app, "/models/compare", compare, "train", methods=("POST",))
    page(app, "/models/release", release, "release", methods=("POST",))
    page(app, "/models/rollback", rollback, "release", methods=("POST",))
    page(app, "/jobs/<job_id>", job_status, "train")
