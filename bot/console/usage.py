"""What users asked, read from the tracker store (Rasa's `events` table, read-only):
conversations to search and read, and the figures of the dashboard, drawn as inline SVG
(server-side, no script, nothing from a CDN)."""

from __future__ import annotations

import html
import json
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from markupsafe import Markup
from sqlalchemy import create_engine, select
from sqlalchemy.engine import make_url

from bot import settings
from bot.errors import StaffError
from bot.rasa_ext import NLU_FALLBACK
from bot.training.review import EVENTS, MAX_ROWS

OUT_OF_SCOPE = "out_of_scope"


@dataclass(frozen=True)
class Turn:
    sender: str
    kind: str  # "user" or "bot"
    at: datetime
    text: str
    channel: str
    intent: Optional[str]
    confidence: Optional[float]


@dataclass
class Conversation:
    sender: str
    channel: str
    first: datetime
    last: datetime
    turns: List[Turn] = field(default_factory=list)

    @property
    def opening(self) -> str:
        return next((t.text for t in self.turns if t.kind == "user" and t.text), "")


def _rows(since: datetime, until: datetime, sender: Optional[str] = None) -> List[Any]:
    url = settings.tracker_store_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").exists():
        raise StaffError("No conversations yet: nobody has talked to the assistant.")
    query = (
        select(EVENTS.c.sender_id, EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.data)
        .where(EVENTS.c.type_name.in_(("user", "bot")))
        .where(EVENTS.c.timestamp >= since.timestamp(), EVENTS.c.timestamp < until.timestamp())
        .order_by(EVENTS.c.timestamp.desc())
        .limit(MAX_ROWS)
    )
    if sender is not None:
        query = query.where(EVENTS.c.sender_id == sender)
    engine = create_engine(url, future=True)
    try:
        with engine.connect() as connection:
            return list(connection.execute(query))
    except Exception as error:  # a missing table: Rasa creates it on the first message
        raise StaffError("No conversations yet: nobody has talked to the assistant.") from error
    finally:
        engine.dispose()


def _turn(sender: str, kind: str, timestamp: float, raw: str) -> Turn:
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        data = {}
    intent = ((data.get("parse_data") or {}).get("intent") or {}) if kind == "user" else {}
    return Turn(
        sender=sender,
        kind=kind,
        at=datetime.fromtimestamp(timestamp, timezone.utc).replace(tzinfo=None),
        text=str(data.get("text") or ""),
        channel=str(data.get("input_channel") or "") if kind == "user" else "",
        intent=intent.get("name"),
        confidence=intent.get("confidence"),
    )


def turns(since: datetime, until: datetime, sender: Optional[str] = None) -> List[Turn]:
    """Oldest first."""
    return [_turn(*row) for row in reversed(_rows(since, until, sender))]


def search(
    since: date, until: date, channel: str = "", text: str = "", limit: int = 100
) -> List[Conversation]:
    """Conversations with a message in [since, until], newest first, filtered by the
    channel and by a word or phrase in any message (case ignored)."""
    start = datetime.combine(since, datetime.min.time())
    end = datetime.combine(until + timedelta(days=1), datetime.min.time())
    found: OrderedDict[str, Conversation] = OrderedDict()
    for turn in turns(start.replace(tzinfo=timezone.utc), end.replace(tzinfo=timezone.utc)):
        conversation = found.get(turn.sender)
        if conversation is None:
            conversation = found[turn.sender] = Conversation(turn.sender, "", turn.at, turn.at)
        conversation.turns.append(turn)
        conversation.last = turn.at
        conversation.channel = conversation.channel or turn.channel
    needle = text.strip().lower()
    result = [
        c
        for c in found.values()
        if (not channel or c.channel == channel)
        and (not needle or any(needle in t.text.lower() for t in c.turns))
    ]
    return sorted(result, key=lambda c: c.last, reverse=True)[:limit]


def transcript(sender: str) -> Conversation:
    found = turns(
        datetime(1970, 1, 1, tzinfo=timezone.utc),
        datetime.now(timezone.utc) + timedelta(days=1),
        sender,
    )
    if not found:
        raise StaffError("There is no conversation with this id.")
    channel = next((t.channel for t in found if t.channel), "")
    return Conversation(sender, channel, found[0].at, found[-1].at, found)


@dataclass(frozen=True)
class Figures:
    days: List[Tuple[str, int]]
    channels: List[Tuple[str, int]]
    topics: List[Tuple[str, int]]
    messages: int
    fallback: int
    out_of_scope: int

    def share(self, count: int) -> float:
        return count / self.messages if self.messages else 0.0


def figures(days: int = 30, today: Optional[date] = None) -> Figures:
    """Users' messages of the last `days` days: per day, per channel, per topic, and how many
    got "I don't know" (the fallback) or "I can't help with that" (out of scope)."""
    today = today or datetime.now(timezone.utc).date()
    first = today - timedelta(days=days - 1)
    start = datetime.combine(first, datetime.min.time(), tzinfo=timezone.utc)
    user = [t for t in turns(start, start + timedelta(days=days)) if t.kind == "user"]
    user = [t for t in user if t.text and not t.text.startswith("/")] or user
    per_day = Counter(t.at.date() for t in user)
    return Figures(
        days=[
            ((first + timedelta(d)).strftime("%b %d"), per_day.get(first + timedelta(d), 0))
            for d in range(days)
        ],
        channels=Counter(t.channel or "unknown" for t in user).most_common(),
        topics=Counter(t.intent or "none" for t in user).most_common(10),
        messages=len(user),
        fallback=sum(1 for t in user if t.intent == NLU_FALLBACK),
        out_of_scope=sum(1 for t in user if t.intent == OUT_OF_SCOPE),
    )


# --- charts -------------------------------------------------------------------------------

BAR = "#0b4f8a"


def hbar_chart(pairs: Sequence[Tuple[str, int]], label: str, width: int = 360) -> Markup:
    """Horizontal bars with their labels and values; a screen reader gets the title and a
    table-like description."""
    rows = list(pairs) or [("(none)", 0)]
    top = max(v for _, v in rows) or 1
    height, left = 28 * len(rows) + 8, 140
    desc = "; ".join(f"{name}: {value}" for name, value in rows)
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'aria-label="{html.escape(label)}"><title>{html.escape(label)}</title>'
        f"<desc>{html.escape(desc)}</desc>"
    ]
    for i, (name, value) in enumerate(rows):
        y = 4 + i * 28
        bar = (width - left - 50) * value / top
        parts.append(
            f'<text x="{left - 6}" y="{y + 17}" text-anchor="end">{html.escape(name[:20])}</text>'
            f'<rect x="{left}" y="{y + 4}" width="{bar:.1f}" height="18" fill="{BAR}" rx="2"/>'
            f'<text x="{left + bar + 6:.1f}" y="{y + 17}">{value}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def column_chart(pairs: Sequence[Tuple[str, int]], label: str, width: int = 700) -> Markup:
    """Messages per day as columns, with every seventh day labelled."""
    rows = list(pairs)
    top = max((v for _, v in rows), default=0) or 1
    height, bottom = 180, 24
    step = (width - 30) / max(len(rows), 1)
    desc = "; ".join(f"{name}: {value}" for name, value in rows if value)
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'aria-label="{html.escape(label)}"><title>{html.escape(label)}</title>'
        f"<desc>{html.escape(desc or 'no messages')}</desc>"
        f'<text x="0" y="12">{top}</text>'
        f'<line x1="26" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" stroke="#6b7682"/>'
    ]
    for i, (name, value) in enumerate(rows):
        h = (height - bottom - 20) * value / top
        x = 30 + i * step
        parts.append(
            f'<rect x="{x:.1f}" y="{height - bottom - h:.1f}" width="{max(step - 3, 1):.1f}" '
            f'height="{h:.1f}" fill="{BAR}"><title>{html.escape(name)}: {value}</title></rect>'
        )
        if i % 7 == 0 and i < len(rows) - 4:
            parts.append(f'<text x="{x:.1f}" y="{height - 6}">{html.escape(name)}</text>')
        elif i == len(rows) - 1:
            parts.append(
                f'<text x="{width}" y="{height - 6}" text-anchor="end">{html.escape(name)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def share_chart(parts_: Dict[str, int], total: int, label: str, width: int = 360) -> Markup:
    """One stacked bar: answered, "I don't know", out of scope."""
    colours = {
        "answered": "#135c2a",
        "I don't know (fallback)": "#8a1c12",
        "out of scope": "#7a4b00",
    }
    svg = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} 96" width="100%" '
        f'aria-label="{html.escape(label)}"><title>{html.escape(label)}</title>'
    ]
    x = 0.0
    for i, (name, count) in enumerate(parts_.items()):
        w = width * count / total if total else 0
        svg.append(
            f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="26" fill="{colours.get(name, BAR)}"/>'
        )
        pct = f"{100 * count / total:.0f}%" if total else "0%"
        svg.append(
            f'<rect x="0" y="{36 + i * 20}" width="12" height="12" fill="{colours.get(name, BAR)}"/>'
            f'<text x="18" y="{47 + i * 20}">{html.escape(name)}: {count} ({pct})</text>'
        )
        x += w
    svg.append("</svg>")
    return Markup("".join(svg))
