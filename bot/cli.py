"""The `bot` command: staff keep fees and events current; developers set up, train and serve.

A thin layer over the library modules (bot.db, bot.training, bot.serve), so a web page
could call the same functions later.
"""
from __future__ import annotations

import argparse
import sys
import warnings
from datetime import date
from pathlib import Path
from typing import Callable, List, Optional, Sequence

from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError

from bot import settings

EXAMPLES = """\
examples:
  bot fees list
  bot fees set resident-in-training 50
  bot events list
  bot events add sir-2027 --name "SIR 2027 Annual Scientific Meeting" --kind annual-meeting \\
      --start 2027-03-20 --end 2027-03-25 --location "Boston"
  bot events add women-in-ir-webinar --name "Women in IR webinar" --kind webinar \\
      --recurs "every autumn" --virtual
  bot events remove sir-2027

Changes show in the assistant's very next answer: no retraining, no restart.
The database is DATABASE_URL (default: a SQLite file under var/).

retraining (new questions; see README, "For staff: retraining"):
  bot intent add visa_support --from visa.yml     # or answer the prompts
  bot examples add join_sir "how can I sign up"
  bot review                                      # questions the assistant was unsure about
  bot check && bot train && bot evaluate
  bot release --by alice --reason "answers visa questions"
  bot rollback
"""


class CliError(Exception):
    """An error to show the user as one clear line, with exit status 2."""


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; use YYYY-MM-DD, e.g. 2027-03-20")


def _safe_url() -> str:
    return make_url(settings.database_url()).render_as_string(hide_password=True)


# --- fees -------------------------------------------------------------------------------

def fees_list(args: argparse.Namespace) -> None:
    from actions.formatting import format_fee
    from bot.db.repositories import MembershipRepository

    categories = MembershipRepository().list()
    if not categories:
        print("No membership categories yet. Run `bot db setup` to seed them.")
        return
    width = max(len(c.slug) for c in categories)
    for c in categories:
        print(f"{c.slug:<{width}}  {c.annual_fee:>9} {c.currency}  ({format_fee(c)})  {c.name}")


def fees_set(args: argparse.Namespace) -> None:
    from actions.formatting import format_fee
    from bot.db.repositories import MembershipRepository

    category = MembershipRepository().set_fee(args.category, args.amount)
    print(f"{category.name} ({category.slug}) is now {format_fee(category)}.")


# --- events -----------------------------------------------------------------------------

def events_list(args: argparse.Namespace) -> None:
    from actions.formatting import event_line, is_upcoming
    from bot.db.repositories import EventRepository

    today = date.today()
    events = EventRepository().list()
    if not args.all:
        events = [e for e in events if e.start_date is None or is_upcoming(e, today)]
    if not events:
        print("No events." if args.all else "No upcoming events (use --all to see past ones).")
    for event in events:
        print(f"{event.slug:<22} {event.kind:<16} {event_line(event, today)[2:].replace('**', '')}")


def events_add(args: argparse.Namespace) -> None:
    from actions.formatting import event_line, is_upcoming
    from bot.db.repositories import EventRepository

    event = EventRepository().add(
        slug=args.slug, name=args.name, kind=args.kind, start_date=args.start,
        end_date=args.end, recurrence=args.recurs, location=args.location,
        is_virtual=args.virtual, audience=args.audience or "", link=args.link,
        description=args.description or "",
    )
    today = date.today()
    print(f"Added {event.slug}: {event_line(event, today)[2:].replace('**', '')}")
    if event.start_date and not is_upcoming(event, today):
        print("Note: this event is in the past, so it is not offered as upcoming.")


def events_remove(args: argparse.Namespace) -> None:
    from bot.db.repositories import EventRepository

    EventRepository().remove(args.slug)
    print(f"Removed {args.slug}.")


# --- set-up, training, serving ----------------------------------------------------------

def db_migrate(args: argparse.Namespace) -> None:
    from bot.db.migrate import upgrade

    upgrade()
    print(f"Database schema up to date ({_safe_url()}).")


def db_seed(args: argparse.Namespace) -> None:
    from bot.db.seed import seed

    added = seed()
    print(
        f"Seeded {added['membership_categories']} membership categories and "
        f"{added['events']} events (existing rows kept)."
    )


def db_setup(args: argparse.Namespace) -> None:
    db_migrate(args)
    db_seed(args)


def nlp_build(args: argparse.Namespace) -> None:
    from bot.nlp.build import build

    print(f"spaCy pipeline ready: {build(force=args.force)}")


# --- retraining (bot.training) -------------------------------------------------------------

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
        print(f"New intent '{args.name}'. Type at least {MIN_EXAMPLES} different ways people "
              "ask this question, one per line; an empty line ends.")
        examples = _read_lines("  question> ")
        print("Now the answer the assistant should give (one paragraph; an empty line ends).")
        answer = " ".join(_read_lines("  answer> "))
    change = add_intent(project, args.name, examples, answer, topic=args.topic)
    print(f"Added intent {change.intent} with {len(change.added)} examples and its answer "
          f"(utter_{change.intent}), in: {', '.join(project.show(f) for f in change.files)}.")
    print("Next: bot check, then bot train.")


def examples_add(args: argparse.Namespace) -> None:
    from bot.training.intents import add_examples

    project = _project(args)
    change = add_examples(project, args.intent, args.examples)
    print(f"Added {len(change.added)} example(s) to {change.intent} in "
          f"{', '.join(project.show(f) for f in change.files)}. Next: bot check, then bot train.")


def review(args: argparse.Namespace) -> None:
    from bot.training import review as inbox

    project = _project(args)
    if args.assign:
        text, intent = args.assign
        change = inbox.assign(project, text, intent)
        print(f"\"{change.added[0]}\" is now an example of {change.intent}. Train to use it: bot train")
        return
    if args.out_of_scope:
        change = inbox.mark_out_of_scope(project, args.out_of_scope)
        print(f"\"{change.added[0]}\" is now an out_of_scope example. Train to use it: bot train")
        return
    items = inbox.inbox(project, threshold=args.threshold, days=args.days)
    print(f"Inbox: {len(items)} question(s) from the last {args.days} days that went to the "
          f"fallback or had confidence below {args.threshold:.2f}.")
    if args.list or not items:
        for number, item in enumerate(items[: args.limit], 1):
            print(item.line(number))
        if len(items) > args.limit:
            print(f"  ... and {len(items) - args.limit} more (--limit)")
        return
    done = inbox.interactive(project, items[: args.limit])
    print(f"Assigned {done['assigned']}, out of scope {done['out_of_scope']}, skipped "
          f"{done['skipped']}." + (" Next: bot check, then bot train." if done["assigned"]
                                  or done["out_of_scope"] else ""))


def check(args: argparse.Namespace) -> None:
    from bot.training.checks import format_check, run_checks

    project = _project(args)
    print("Checking the training data (Rasa's validator takes a few seconds) ...", flush=True)
    report = run_checks(project)
    print(format_check(report, project))
    if not report.ok:
        sys.exit(1)


def train(args: argparse.Namespace) -> None:
    from bot.training.candidates import train_candidate
    from bot.training.compare import pct
    from bot.training.registry import ModelRegistry

    from bot.db.repositories import ValidationError

    registry = ModelRegistry()
    try:
        candidate = train_candidate(_project(args), registry, force=args.force,
                                    progress=lambda line: print(line, flush=True))
    except RuntimeError as error:  # Rasa's own output, just printed, says why
        raise ValidationError(f"{error}. See Rasa's output above; `bot check` finds most causes.")
    record, result = candidate.record, candidate.evaluation
    print(f"Model {record.label}, {record.status}: accuracy {pct(result.accuracy)}, macro F1 "
          f"{result.macro_f1:.3f} on {len(result.texts)} held-out questions.")
    if record.status == "candidate":
        print(f"Next: bot evaluate {record.id} (compare with the released model), "
              f"then bot release {record.id}.")


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
        why = ("No model has been released yet" if released is None
               else f"{candidate.label} is the released model")
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
    done = release_model(_project(args), ModelRegistry(), servers, ref=args.model, by=args.by,
                         reason=args.reason, force=args.force,
                         progress=lambda line: print(line, flush=True))
    record = done.record
    why = f": {record.reason}" if record.reason else ""
    print(f"Released {record.label}, by {record.released_by}"
          + (" (forced)" if done.forced else "") + f"{why}. Undo with: bot rollback")


def rollback(args: argparse.Namespace) -> None:
    from bot.training.registry import ModelRegistry
    from bot.training.release import rollback as rollback_model

    servers = _servers()
    done = rollback_model(ModelRegistry(), servers, by=args.by, reason=args.reason,
                          progress=lambda line: print(line, flush=True))
    print(f"Rolled back: {done.record.label} is the released model again, "
          f"by {done.record.released_by}: {done.record.reason}.")


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
        scores = (f"{pct(metrics['accuracy']):>6} {metrics['macro_f1']:.3f}"
                  if "accuracy" in metrics else f"{'':>6} {'':>5}")
        released = (f"  {record.released_at:%Y-%m-%d %H:%M} by {record.released_by}"
                    + (f": {record.reason}" if record.reason else "")) if record.released_at else ""
        print(f"#{record.id:<3} {record.status:<9} {record.created_at:%Y-%m-%d %H:%M}  {scores}  "
              f"{record.name}{released}")


def serve(args: argparse.Namespace) -> None:
    from bot.serve import main as serve_main

    sys.exit(serve_main())


def chat(args: argparse.Namespace) -> None:
    from bot.serve import chat as chat_main

    sys.exit(chat_main())


# --- parser -----------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bot",
        description="Manage the IR careers assistant: fees, events, set-up, training, serving.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def group(name: str, help_text: str) -> argparse._SubParsersAction:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        return sub.add_subparsers(dest="action", metavar="ACTION", required=True)

    def command(
        parent: argparse._SubParsersAction, name: str, func: Callable, help_text: str
    ) -> argparse.ArgumentParser:
        sub = parent.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(func=func)
        return sub

    fees = group("fees", "Membership fees by category.")
    command(fees, "list", fees_list, "Show every category and its annual fee.")
    p = command(fees, "set", fees_set, "Change one category's annual fee.")
    p.add_argument("category", help="category id, e.g. resident-in-training (see `bot fees list`)")
    p.add_argument("amount", help="annual fee, e.g. 50 or 49.99; 0 means free")

    events = group("events", "Events: dated ones and recurring ones.")
    p = command(events, "list", events_list, "Show upcoming and recurring events.")
    p.add_argument("--all", action="store_true", help="include events that have passed")
    p = command(events, "add", events_add, "Add an event (dated, or recurring with --recurs).")
    p.add_argument("slug", help="short id: lower-case letters, digits, hyphens, e.g. sir-2027")
    p.add_argument("--name", required=True, help="name users see")
    p.add_argument("--kind", required=True,
                   help="annual-meeting, practicum, webinar, or a new kind")
    p.add_argument("--start", type=_iso_date, help="first day, YYYY-MM-DD")
    p.add_argument("--end", type=_iso_date, help="last day, YYYY-MM-DD (default: the start)")
    p.add_argument("--recurs", help="usual timing when no date is set, e.g. 'every May'")
    p.add_argument("--location", help="city or venue")
    p.add_argument("--virtual", action="store_true", help="held online")
    p.add_argument("--audience", help="who it is for")
    p.add_argument("--link", help="web address with more information (https://...)")
    p.add_argument("--description", help="one or two sentences")
    p = command(events, "remove", events_remove, "Remove an event by its id.")
    p.add_argument("slug", help="event id (see `bot events list --all`)")

    db = group("db", "Database set-up.")
    command(db, "migrate", db_migrate, "Apply schema migrations (Alembic).")
    command(db, "seed", db_seed, "Add the initial fees and events that are missing.")
    command(db, "setup", db_setup, "Migrate, then seed.")

    nlp = group("nlp", "The project's spaCy pipeline.")
    p = command(nlp, "build", nlp_build, "Build var/spacy/en_ir_careers from bot/nlp/patterns.yml.")
    p.add_argument("--force", action="store_true", help="rebuild even when up to date")

    project = argparse.ArgumentParser(add_help=False)
    project.add_argument("--project", metavar="DIR",
                         help="the assistant's files (default: this checkout)")

    def retraining(name: str, func: Callable, help_text: str,
                   parent: Optional[argparse._SubParsersAction] = None) -> argparse.ArgumentParser:
        sub = (parent or commands).add_parser(name, help=help_text, description=help_text,
                                              parents=[project])
        sub.set_defaults(func=func)
        return sub

    intent = group("intent", "Teach the assistant a new question.")
    p = retraining("add", intent_add, "Add an intent: examples, its answer and a rule.", intent)
    p.add_argument("name", help="intent name: lower-case letters, digits, _, e.g. visa_support")
    p.add_argument("--from", dest="from_file", metavar="FILE",
                   help="YAML file with `examples:` (a list) and `answer:` (text); "
                        "without it you are asked")
    p.add_argument("--topic", default="custom",
                   help="NLU file data/nlu/TOPIC.yml, existing or new (default: custom)")
    examples = group("examples", "Training examples of intents.")
    p = retraining("add", examples_add, "Add examples to an existing intent.", examples)
    p.add_argument("intent", help="an existing intent")
    p.add_argument("examples", nargs="+", metavar="TEXT", help="one or more questions")
    p = retraining("review", review, "The inbox: questions the assistant was unsure about.")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--list", action="store_true", help="only list them")
    mode.add_argument("--assign", nargs=2, metavar=("TEXT", "INTENT"),
                      help="make TEXT a training example of INTENT")
    mode.add_argument("--out-of-scope", metavar="TEXT", help="make TEXT an out_of_scope example")
    p.add_argument("--threshold", type=float, default=0.5,
                   help="list answers with confidence below this (default 0.5)")
    p.add_argument("--days", type=int, default=30, help="how far back (default 30 days)")
    p.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    retraining("check", check, "Check the training data (Rasa's checks and ours); exit 1 on problems.")
    p = retraining("train", train, "Train a candidate model if the data changed, and register it.")
    p.add_argument("--force", action="store_true", help="train even when a model is up to date")
    p = retraining("evaluate", evaluate,
                   "Compare a candidate with the released model on the held-out questions.")
    p.add_argument("model", nargs="?",
                   help="registry number or registered model file (default: the newest candidate)")
    p.add_argument("--report", action="store_true",
                   help="the one-model report (`make evaluate`; default model: the current one)")
    p = retraining("release", release, "Release a candidate to the running servers (gated).")
    p.add_argument("model", nargs="?",
                   help="registry number or registered file (default: the newest candidate)")
    p.add_argument("--force", action="store_true", help="release even if worse (needs --reason)")
    p.add_argument("--reason", help="why (kept in the registry)")
    p.add_argument("--by", help="who releases (default: $USER)")
    p = retraining("rollback", rollback, "Return the servers to the previously released model.")
    p.add_argument("--reason", help="why (kept in the registry)")
    p.add_argument("--by", help="who rolls back (default: $USER)")
    retraining("models", models_list, "The model registry: candidates, released, retired.")
    p = commands.add_parser("serve", help="Set up, then run the action server and Rasa.")
    p.set_defaults(func=serve)
    p = commands.add_parser("chat", help="Talk to the assistant in the terminal.")
    p.set_defaults(func=chat)
    return parser


def _hide_library_deprecations() -> None:
    """Libraries' deprecation notices are noise for staff. A filter is not enough: Sanic adds
    its own ("once") in front when Rasa imports it, so they are dropped where they are shown."""
    show = warnings.showwarning

    def showwarning(message, category, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not issubclass(category, (DeprecationWarning, PendingDeprecationWarning, FutureWarning)):
            show(message, category, *args, **kwargs)

    warnings.showwarning = showwarning


def main(argv: Optional[Sequence[str]] = None) -> int:
    _hide_library_deprecations()
    parser = build_parser()
    args = parser.parse_args(argv)
    from bot.db.repositories import ValidationError

    try:
        args.func(args)
    except ValidationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (OperationalError, ProgrammingError) as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        if "no such table" in reason or "does not exist" in reason:
            hint = "the database has no tables yet: run `bot db setup` (or `make run`)."
        else:
            hint = "is the database running and DATABASE_URL right?"
        print(f"error: database {_safe_url()}: {reason}\n  {hint}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
