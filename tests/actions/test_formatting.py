"""Pure answer formatting."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from actions.formatting import (
    dues_past_training,
    event_line,
    fee_answer,
    fee_table,
    upcoming,
    upcoming_answer,
)
from bot.db.records import CategoryRecord, EventRecord, format_date_range, format_money


def category(fee: str, currency: str = "USD") -> CategoryRecord:
    return CategoryRecord("resident-in-training", "Resident-in-Training", Decimal(fee), currency, "", "")


def event(slug: str, start=None, end=None, recurrence=None, **extra) -> EventRecord:
    values = dict(slug=slug, name=slug.title(), kind="course", start_date=start, end_date=end,
                  recurrence=recurrence, location=None, is_virtual=False, audience="",
                  link=None, description="")
    values.update(extra)
    return EventRecord(**values)


def test_money_and_fees() -> None:
    assert format_money(Decimal("50"), "USD") == "$50"
    assert format_money(Decimal("49.90"), "usd") == "$49.90"
    assert format_money(Decimal("1250"), "CHF") == "1,250 CHF"
    assert category("0").fee_text == "free"
    assert category("50").fee_text == "$50 per year"
    assert fee_answer(category("50")) == "Resident-in-Training membership of SIR is **$50 per year**."


def test_categories_say_who_each_is_for_when_known() -> None:
    with_eligibility = CategoryRecord(
        "medical-student", "Medical Student", Decimal(0), "USD", "Medical students", ""
    )
    assert fee_table([with_eligibility, category("50")], eligibility=True) == (
        "- **Medical Student** (medical students): free\n"
        "- **Resident-in-Training**: $50 per year"
    )


def test_dues_past_training_are_not_guessed_but_the_known_fees_are_given() -> None:
    answer = dues_past_training([category("60")])
    assert answer.startswith("I don't have information on SIR's dues for attendings")
    assert "(https://www.sirweb.org/member-central/join-now/)" in answer
    assert answer.endswith("- **Resident-in-Training**: $60 per year")


def test_events_know_whether_they_are_ahead_and_say_when_and_where() -> None:
    today = date(2026, 11, 27)
    assert event("x", date(2026, 11, 25), date(2026, 11, 27)).is_upcoming(today)
    assert not event("x", date(2026, 11, 25), date(2026, 11, 26)).is_upcoming(today)
    assert not event("x", recurrence="every May").is_upcoming(today)
    assert event("x", date(2026, 3, 1)).when_text(today) == "took place March 1, 2026"
    assert event("x", recurrence="every May").when_text(today) == "every May"
    assert event("x").when_text(today) == "dates not announced yet"
    assert event("x", location="Zoom", is_virtual=True).place_text == "virtual, on Zoom"
    assert event("x", location="Boston").place_text == "Boston"


def test_date_ranges() -> None:
    assert format_date_range(date(2024, 3, 23), date(2024, 3, 28)) == "March 23–28, 2024"
    assert format_date_range(date(2027, 5, 30), date(2027, 6, 2)) == "May 30 – June 2, 2027"
    assert format_date_range(date(2027, 12, 30), date(2028, 1, 2)) == "December 30, 2027 – January 2, 2028"
    assert format_date_range(date(2027, 5, 30), None) == "May 30, 2027"


def test_upcoming_splits_dated_and_recurring_and_drops_the_past() -> None:
    today = date(2026, 11, 27)
    events = [
        event("later", date(2027, 3, 1)),
        event("past", date(2026, 11, 1), date(2026, 11, 26)),
        event("sooner", date(2026, 12, 1)),
        event("ongoing", date(2026, 11, 20), date(2026, 11, 27)),
        event("series", recurrence="every May"),
        event("unknown"),  # neither dated nor recurring: not offered
    ]
    dated, recurring = upcoming(events, today)
    assert [e.slug for e in dated] == ["ongoing", "sooner", "later"]
    assert [e.slug for e in recurring] == ["series"]


def test_event_lines() -> None:
    today = date(2026, 11, 27)
    assert event_line(event("sir", date(2024, 3, 23), date(2024, 3, 28), location="Salt Lake City"), today) == (
        "- **Sir** — took place March 23–28, 2024 — Salt Lake City"
    )
    assert event_line(event("web", recurrence="monthly", is_virtual=True), today) == (
        "- **Web** — monthly — virtual"
    )


def test_no_events_is_said_plainly() -> None:
    assert upcoming_answer([], date(2026, 11, 27)).startswith("I don't know of any upcoming events")
