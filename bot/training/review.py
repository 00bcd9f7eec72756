"""The review inbox: what users asked that the assistant was unsure about.

Read from the tracker store (Rasa's `events` table): user messages that went to the
fallback, or whose best intent had low confidence. The same question asked many times is
one line with a count, so staff see first what matters most. Each can be assigned to an
intent (it becomes a training example), marked out of scope, or skipped; assigned ones
leave the inbox, because questions already in the training data are not listed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, create_engine, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError

from bot import settings
from bot.errors import StaffError
from bot.rasa_ext import NLU_FALLBACK
from bot.training import data as assistant_data
from bot.training.intents import Change, add_examples
from bot.training.project import Project
from bot.training.text import normalise

OUT_OF_SCOPE = "out_of_scope"
THRESHOLD = 0.5
DAYS = 30
MAX_ROWS = 20000  # newest user messages read; an inbox is for the recent past

# Rasa's SQLTrackerStore table (rasa/core/tracker_store.py, SQLEvent), read-only here.
_metadata = MetaData()
EVENTS = Table(
    "events",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("type_name", String(255)),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


@dataclass(frozen=True)
class InboxItem:
    text: str  # the latest wording users typed
    key: str  # normalised
    count: int
    last_seen: datetime
    guess: Optional[str]  # the classifier's best intent
    confidence: float  # its confidence (the latest time)
    fell_back: int  # how many times the fallback answered

    def line(self, number: int) -> str:
        times = "once" if self.count == 1 else f"{self.count} times"
        guess = f"best guess {self.guess} ({self.confidence:.2f})" if self.guess else "no guess"
        return (
            f'{number:>3}. "{self.text}" asked {times}, last {self.last_seen:%Y-%m-%d %H:%M} '
            f"UTC; {guess}"
        )


def best_guess(data: Dict) -> Tuple[Optional[str], float, bool]:
    """(best non-fallback intent, its confidence, whether the fallback answered)."""
    parse = data.get("parse_data") or {}
    intent = parse.get("intent") or {}
    fell_back = intent.get("name") == NLU_FALLBACK
    if not fell_back and intent.get("name"):
        return intent["name"], float(intent.get("confidence") or 0.0), False
    ranking = [r for r in parse.get("intent_ranking") or [] if r.get("name") != NLU_FALLBACK]
    if ranking:
        return ranking[0]["name"], float(ranking[0].get("confidence") or 0.0), fell_back
    return None, 0.0, fell_back


def _rows(url: str, since: datetime) -> List[Tuple[float, str]]:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").exists():
        raise StaffError(
            f"No conversations yet: the tracker store {parsed.database} does not exist "
            "(TRACKER_STORE_URL)."
        )
    engine = create_engine(url, future=True)
    try:
        with engine.connect() as connection:
            return list(
                connection.execute(
                    select(EVENTS.c.timestamp, EVENTS.c.data)
                    .where(EVENTS.c.type_name == "user", EVENTS.c.timestamp >= since.timestamp())
                    .order_by(EVENTS.c.timestamp.desc())
                    .limit(MAX_ROWS)
                )
            )
    except (OperationalError, ProgrammingError) as error:
        safe = parsed.render_as_string(hide_password=True)
        raise StaffError(
            f"Cannot read conversations from {safe}: {str(error.orig).strip().splitlines()[0]}."
        ) from error
    finally:
        engine.dispose()


def inbox(
    project: Project,
    url: Optional[str] = None,
    threshold: float = THRESHOLD,
    days: int = DAYS,
    now: Optional[datetime] = None,
) -> List[InboxItem]:
    """Unsure-about questions, grouped and counted, most asked first."""
    now = now or datetime.now(timezone.utc)
    rows = _rows(url or settings.tracker_store_url(), now - timedelta(days=days))
    known = assistant_data.load(project).normalised_examples()
    groups: Dict[str, List[Tuple[float, str, Optional[str], float, bool]]] = {}
    for timestamp, raw in rows:  # newest first
        try:
            event = json.loads(raw or "{}")
        except ValueError:
            continue
        text = " ".join(str(event.get("text") or "").split())
        if not text or text.startswith("/"):  # button payloads are not questions
            continue
        guess, confidence, fell_back = best_guess(event)
        if not fell_back and confidence >= threshold:
            continue
        key = normalise(text)
        if not key or key in known:
            continue
        groups.setdefault(key, []).append((timestamp, text, guess, confidence, fell_back))
    items = [
        InboxItem(
            text=entries[0][1],
            key=key,
            count=len(entries),
            last_seen=datetime.fromtimestamp(entries[0][0], timezone.utc),
            guess=entries[0][2],
            confidence=entries[0][3],
            fell_back=sum(1 for e in entries if e[4]),
        )
        for key, entries in groups.items()
    ]
    return sorted(items, key=lambda i: (-i.count, -i.last_seen.timestamp()))


def assign(project: Project, text: str, intent: str) -> Change:
    """The question becomes a training example of `intent` (checked as `bot examples add`)."""
    return add_examples(project, intent, [text])


def mark_out_of_scope(project: Project, text: str) -> Change:
    return add_examples(project, OUT_OF_SCOPE, [text])


HELP = "  Type an intent name to assign it, o = out of scope, s = skip, ? = list intents, q = quit"


def interactive(
    project: Project,
    items: List[InboxItem],
    ask: Callable[[str], str] = input,
    say: Callable[[str], None] = print,
) -> Dict[str, int]:
    """Go through the inbox one question at a time; returns how many of each choice."""
    done = {"assigned": 0, "out_of_scope": 0, "skipped": 0}
    say(HELP)
    for number, item in enumerate(items, 1):
        say(item.line(number))
        while True:
            try:
                answer = ask("  > ").strip()
            except EOFError:
                return done
            if answer in ("q", "quit"):
                return done
            if answer in ("", "s", "skip"):
                done["skipped"] += 1
                break
            if answer == "?":
                say("  Intents: " + ", ".join(sorted(assistant_data.load(project).examples)))
                continue
            try:
                if answer in ("o", OUT_OF_SCOPE):
                    mark_out_of_scope(project, item.text)
                    done["out_of_scope"] += 1
                    say("  Marked out of scope (an out_of_scope example).")
                else:
                    change = assign(project, item.text, answer)
                    done["assigned"] += 1
                    say(f"  Added as an example of {change.intent}.")
                break
            except StaffError as error:
                say(f"  {error}")
    return done
