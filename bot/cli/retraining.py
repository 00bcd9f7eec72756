"""`bot intent|examples|review|check|train|evaluate|release|rollback|models`: retraining.

Staff teach the assistant new questions (and take back a wrong one), check and train a
candidate, compare it with the released model and release it through a gate (bot.training
does the work).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable, List, Optional

from bot.cli.common import Commands, group


def _project(args: argparse.Namespace):
    from bot.training.project import Project

    return Project.at(Path(args.project) if getattr(args, "project", None) else None)


def _read_lines(prompt: str, ask: Callable[[str], str] = input) -> List[str]:
    lines = []
    while True:
        try:
            line = ask(prompt).strip()
        except EOFError:
            break
        if not line:
            break
        lines.append(line)
    return lines


def intent_add(args: argparse.Namespace) -> None:
    from bot.training.intents import MIN_EXAMPLES, add_intent, read_intent_file

    project = _project(args)
    if args.from_file:
        examples, answer = read_intent_file(Path(args.from_file))
    else:
        print(
            f"New intent '{args.name}'. Type at least {MIN_EXAMPLES} different ways people "
            "ask this question, one per line; an empty line ends."
        )
        examples = _read_lines("  question> ")
        print("Now the answer the assistant should give (one paragraph; an empty line ends).")
        answer = " ".join(_read_lines("  answer> "))
    change = add_intent(project, args.name, examples, answer, topic=args.topic)
    print(
        f"Added intent {change.intent} with {len(change.added)} examples and its answer "
        f"(utter_{change.intent}), in: {', '.join(project.show(f) for f in change.files)}."
    )
    print("Next: bot check, then bot train.")


def examples_add(args: argparse.Namespace) -> None:
    from bot.training.intents import add_examples

    project = _project(args)
    change = add_examples(project, args.intent, args.examples)
    print(
        f"Added {len(change.added)} example(s) to {change.intent} in "
        f"{', '.join(project.show(f) for f in change.files)}. Next: bot check, then bot train."
    )


def examples_remove(args: argparse.Namespace) -> None:
    from bot.console.audit import command_line_actor, record
    from bot.training.intents import remove_examples

    project = _project(args)
    change = remove_examples(project, args.intent, args.examples)
    for text in change.removed:
        record(command_line_actor(), "example removed", change.intent, text)
    print(
        f"Removed {len(change.removed)} example(s) from {change.intent} in "
        f"{', '.join(project.show(f) for f in change.files)}. Next: bot check, then bot train."
    )


def intent_remove(args: argparse.Namespace) -> None:
    from bot.console.audit import command_line_actor, record
    from bot.errors import BadInput
    from bot.training import data as assistant_data
    from bot.training.intents import removal_refused, remove_intent

    project = _project(args)
    why = removal_refused(project, args.name)
    if why:
        raise BadInput(f"{why} Nothing was removed.")
    count = len(assistant_data.load(project).examples.get(args.name, []))
    if not args.yes:
        print(
            f"This removes the intent {args.name}: its {count} examples, its answer "
            f"(utter_{args.name}) and its rule. No released model knows it, so users notice "
            "nothing."
        )
        try:
            answer = input(f"Type {args.name} to remove it: ").strip()
        except EOFError:
            answer = ""
        if answer != args.name:
            print("Nothing was removed.")
            return
    removal = remove_intent(project, args.name)
    record(command_line_actor(), "topic removed", removal.intent, removal.details())
    print(
        f"Removed intent {removal.intent}: {len(removal.examples)} examples, its answer and its "
        f"rule, from: {', '.join(project.show(f) for f in removal.files)}"
        + (
            f" ({', '.join(project.show(f) for f in removal.deleted)} held nothing else and is "
            "gone)"
            if removal.deleted
            else ""
        )
        + ". Next: bot check, then bot train."
    )


def review(args: argparse.Namespace) -> None:
    from bot.training import review as inbox

    project = _project(args)
    if args.assign:
        text, intent = args.assign
        change = inbox.assign(project, text, intent)
        print(
            f'"{change.added[0]}" is now an example of {change.intent}. Train to use it: bot train'
        )
        return
    if args.out_of_scope:
        change = inbox.mark_out_of_scope(project, args.out_of_scope)
        print(f'"{change.added[0]}" is now an out_of_scope example. Train to use it: bot train')
        return
    items = inbox.inbox(project, threshold=args.threshold, days=args.days)
    print(
        f"Inbox: {len(items)} question(s) from the last {args.days} days that went to the "
        f"fallback or had confidence below {args.threshold:.2f}."
    )
    if args.list or not items:
        for number, item in enumerate(items[: args.limit], 1):
            print(item.line(number))
        if len(items) > args.limit:
            print(f"  ... and {len(items) - args.limit} more (--limit)")
        return
    done = inbox.interactive(project, items[: args.limit])
    print(
        f"Assigned {done['assigned']}, out of scope {done['out_of_scope']}, skipped "
        f"{done['skipped']}."
        + (" Next: bot check, then bot train." if done["assigned"] or done["out_of_scope"] else "")
    )


def check(args: argparse.Namespace) -> None:
    from bot.training.checks import format_check, run_checks

    project = _project(args)
    print("Checking the training data (Rasa's validator takes a few seconds) ...", flush=True)
    report = run_checks(project)
    print(format_check(report, project))
    if not report.ok:
        sys.exit(1)


def train(args: argparse.Namespace) -> None:
    from bot.errors import StaffError
    from bot.training.candidates import train_candidate
    from bot.training.compare import pct
    from bot.training.registry import ModelRegistry

    registry = ModelRegistry()
    try:
        candidate = train_candidate(
            _project(args),
            registry,
            force=args.force,
            progress=lambda line: print(line, flush=True),
        )
    except RuntimeError as error:  # Rasa's own output, just printed, says why
        raise StaffError(
            f"{error}. See Rasa's output above; `bot check` finds most causes."
        ) from error
    record, result = candidate.record, candidate.evaluation
    print(
        f"Model {record.label}, {record.status}: accuracy {pct(result.accuracy)}, macro F1 "
        f"{result.macro_f1:.3f} on {len(result.texts)} held-out questions."
    )
    if record.status == "candidate":
        print(
            f"Next: bot evaluate {record.id} (compare with the released model), "
            f"then bot release {record.id}."
        )


def evaluate(args: argparse.Namespace) -> None:
    from bot.training.evaluate import format_report
    from bot.training.evaluate import main as report_main
    from bot.training.metrics import evaluation_for
    from bot.training.registry import ModelRegistry
    from bot.training.release import compare, comparison_report

    project = _project(args)
    if args.report:  # `make evaluate`: one model, no registry
        sys.exit(report_main(args.model, project.root, project.models_dir, project.heldout))
    registry = ModelRegistry()
    released = registry.released()
    if args.model is None and released and registry.newest_candidate() is None:
        candidate = released  # nothing new to compare: the released model's report
    else:
        candidate = registry.resolve(args.model)
    if released is None or released.id == candidate.id:
        why = (
            "No model has been released yet"
            if released is None
            else f"{candidate.label} is the released model"
        )
        print(f"{why}: the held-out report of {candidate.label} alone.\n")
        print(format_report(evaluation_for(candidate, project.heldout, registry)))
        return
    comparison = compare(project, registry, candidate, released)
    print(comparison_report(project, comparison, candidate, released))


def _servers() -> list:
    """The servers of RASA_SERVERS with the API token; refused first when it is not set."""
    from bot.training.servers import RasaServer, api_token, server_urls

    token = api_token()
    return [RasaServer(url, token) for url in server_urls()]


def release(args: argparse.Namespace) -> None:
    from bot.training.registry import ModelRegistry
    from bot.training.release import release as release_model

    servers = _servers()  # refuses first when RASA_API_TOKEN is not set
    done = release_model(
        _project(args),
        ModelRegistry(),
        servers,
        ref=args.model,
        by=args.by,
        reason=args.reason,
        force=args.force,
        progress=lambda line: print(line, flush=True),
    )
    record = done.record
    from bot.console.audit import record as audit

    audit(record.released_by or "?", "model released", record.label, record.reason or "")
    why = f": {record.reason}" if record.reason else ""
    print(
        f"Released {record.label}, by {record.released_by}"
        + (" (forced)" if done.forced else "")
        + f"{why}. Undo with: bot rollback"
    )


def rollback(args: argparse.Namespace) -> None:
    from bot.training.registry import ModelRegistry
    from bot.training.release import rollback as rollback_model

    servers = _servers()
    done = rollback_model(
        ModelRegistry(),
        servers,
        by=args.by,
        reason=args.reason,
        progress=lambda line: print(line, flush=True),
    )
    from bot.console.audit import record as audit

    audit(
        done.record.released_by or "?",
        "model rolled back",
        done.record.label,
        done.record.reason or "",
    )
    print(
        f"Rolled back: {done.record.label} is the released model again, "
        f"by {done.record.released_by}: {done.record.reason}."
    )


def models_list(args: argparse.Namespace) -> None:
    from bot.training.compare import pct
    from bot.training.registry import ModelRegistry

    records = ModelRegistry().list()
    if not records:
        print("No models registered yet: run `bot train`.")
        return
    print(f"{'#':<4} {'status':<9} {'trained (UTC)':<16}  {'accur.':>6} {'F1':<5}  file, release")
    for record in records:
        metrics = record.metrics or {}
        scores = (
            f"{pct(metrics['accuracy']):>6} {metrics['macro_f1']:.3f}"
            if "accuracy" in metrics
            else f"{'':>6} {'':>5}"
        )
        released = (
            (
                f"  {record.released_at:%Y-%m-%d %H:%M} by {record.released_by}"
                + (f": {record.reason}" if record.reason else "")
            )
            if record.released_at
            else ""
        )
        print(
            f"#{record.id:<3} {record.status:<9} {record.created_at:%Y-%m-%d %H:%M}  {scores}  "
            f"{record.name}{released}"
        )


def add_subparser(commands: Commands) -> None:
    project = argparse.ArgumentParser(add_help=False)
    project.add_argument(
        "--project", metavar="DIR", help="the assistant's files (default: this checkout)"
    )

    def retraining(
        name: str, func: Callable, help_text: str, parent: Optional[Commands] = None
    ) -> argparse.ArgumentParser:
        sub = (parent or commands).add_parser(
            name, help=help_text, description=help_text, parents=[project]
        )
        sub.set_defaults(func=func)
        return sub

    intent = group(commands, "intent", "Teach the assistant a new question.")
    p = retraining("add", intent_add, "Add an intent: examples, its answer and a rule.", intent)
    p.add_argument("name", help="intent name: lower-case letters, digits, _, e.g. visa_support")
    p.add_argument(
        "--from",
        dest="from_file",
        metavar="FILE",
        help="YAML file with `examples:` (a list) and `answer:` (text); without it you are asked",
    )
    p.add_argument(
        "--topic",
        default="custom",
        help="NLU file data/nlu/TOPIC.yml, existing or new (default: custom)",
    )
    p = retraining(
        "remove",
        intent_remove,
        "Remove an intent staff added (its examples, answer and rule) before it is released.",
        intent,
    )
    p.add_argument("name", help="the intent to remove")
    p.add_argument("--yes", action="store_true", help="do not ask to confirm")
    examples = group(commands, "examples", "Training examples of intents.")
    p = retraining("add", examples_add, "Add examples to an existing intent.", examples)
    p.add_argument("intent", help="an existing intent")
    p.add_argument("examples", nargs="+", metavar="TEXT", help="one or more questions")
    p = retraining("remove", examples_remove, "Remove examples from an intent.", examples)
    p.add_argument("intent", help="an existing intent")
    p.add_argument("examples", nargs="+", metavar="TEXT", help="one or more of its examples")
    p = retraining("review", review, "The inbox: questions the assistant was unsure about.")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--list", action="store_true", help="only list them")
    mode.add_argument(
        "--assign",
        nargs=2,
        metavar=("TEXT", "INTENT"),
        help="make TEXT a training example of INTENT",
    )
    mode.add_argument("--out-of-scope", metavar="TEXT", help="make TEXT an out_of_scope example")
    p.add_argument(
        "--threshold",
        type=float,
        default=0.5,
        help="list answers with confidence below this (default 0.5)",
    )
    p.add_argument("--days", type=int, default=30, help="how far back (default 30 days)")
    p.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    retraining(
        "check", check, "Check the training data (Rasa's checks and ours); exit 1 on problems."
    )
    p = retraining("train", train, "Train a candidate model if the data changed, and register it.")
    p.add_argument("--force", action="store_true", help="train even when a model is up to date")
    p = retraining(
        "evaluate",
        evaluate,
        "Compare a candidate with the released model on the held-out questions.",
    )
    p.add_argument(
        "model",
        nargs="?",
        help="registry number or registered model file (default: the newest candidate)",
    )
    p.add_argument(
        "--report",
        action="store_true",
        help="the one-model report (`make evaluate`; default model: the current one)",
    )
    p = retraining("release", release, "Release a candidate to the running servers (gated).")
    p.add_argument(
        "model",
        nargs="?",
        help="registry number or registered file (default: the newest candidate)",
    )
    p.add_argument("--force", action="store_true", help="release even if worse (needs --reason)")
    p.add_argument("--reason", help="why (kept in the registry)")
    p.add_argument("--by", help="who releases (default: $USER)")
    p = retraining("rollback", rollback, "Return the servers to the previously released model.")
    p.add_argument("--reason", help="why (kept in the registry)")
    p.add_argument("--by", help="who rolls back (default: $USER)")
    retraining("models", models_list, "The model registry: candidates, released, retired.")
