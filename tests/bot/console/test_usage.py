"""Dashboard figures and conversation search from a tracker store; charts escape labels."""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, insert

from bot.console import usage
from bot.training import review
from tests.bot.training.conftest import NOW, user_event


@pytest.fixture
def tracker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = create_engine(url, future=True)
    review.EVENTS.metadata.create_all(engine)
    rows = []
    for n, (text, intent, channel) in enumerate([
        ("how much is membership", "membership_fee", "web"),
        ("<b>bold</b> question", "nlu_fallback", "rest"),
        ("what's the weather", "out_of_scope", "slack"),
        ("how much is membership again", "membership_fee", "web"),
    ]):
        row = user_event(text, intent, 0.9, at=NOW - timedelta(days=n))
        data = json.loads(row["data"])
        data["input_channel"] = channel
        rows.append({**row, "sender_id": f"s{n % 2}", "data": json.dumps(data)})
        rows.append({**row, "sender_id": f"s{n % 2}", "type_name": "bot",
                     "timestamp": row["timestamp"] + 1,
                     "data": json.dumps({"event": "bot", "text": f"answer {n}"})})
    with engine.begin() as connection:
        connection.execute(insert(review.EVENTS), rows)
    engine.dispose()
    monkeypatch.setenv("TRACKER_STORE_URL", url)
    return url


def test_figures_count_messages_per_day_channel_and_topic(tracker: str) -> None:
    f = usage.figures(30, today=NOW.date())
    assert f.messages == 4 and f.fallback == 1 and f.out_of_scope == 1
    assert dict(f.channels) == {"web": 2, "rest": 1, "slack": 1}
    assert f.topics[0] == ("membership_fee", 2)
    assert sum(count for _, count in f.days) == 4 and len(f.days) == 30


def test_search_by_words_and_channel_and_read_a_transcript(tracker: str) -> None:
    since, until = (NOW - timedelta(days=10)).date(), NOW.date()
    assert [c.sender for c in usage.search(since, until, text="WEATHER")] == ["s0"]
    # a conversation's channel is that of its first message
    assert [c.sender for c in usage.search(since, until, channel="slack")] == ["s0"]
    assert [c.sender for c in usage.search(since, until, channel="web")] == ["s1"]
    transcript = usage.transcript("s1")
    assert [t.kind for t in transcript.turns] == ["user", "bot", "user", "bot"]
    assert transcript.turns[0].intent == "membership_fee"


def test_charts_are_accessible_svg_and_escape_their_labels() -> None:
    chart = str(usage.hbar_chart([("<script>x</script>", 3)], "Top <topics>"))
    assert chart.startswith("<svg") and 'role="img"' in chart
    assert "<script>" not in chart and "&lt;script&gt;" in chart and "Top &lt;topics&gt;" in chart
