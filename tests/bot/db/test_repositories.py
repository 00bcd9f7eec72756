"""The database layer on real SQLite and PostgreSQL databases."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import inspect

from bot.db.migrate import upgrade
from bot.db.repositories import EventRepository, MembershipRepository, parse_fee
from bot.db.seed import seed
from bot.db.session import get_engine
from bot.errors import BadInput


def test_migration_creates_both_tables(db_url: str) -> None:
    upgrade(db_url)
    tables = set(inspect(get_engine(db_url)).get_table_names())
    assert {"membership_categories", "events", "alembic_version"} <= tables


def test_seed_matches_the_source_page_and_adds_only_missing_rows(db_url: str) -> None:
    upgrade(db_url)
    assert seed(db_url) == {"membership_categories": 4, "events": 4}
    fees = {c.slug: c.annual_fee for c in MembershipRepository(db_url).list()}
    assert fees == {
        "medical-student": Decimal("0"),
        "resident-in-training": Decimal("50"),
        "fellow-in-training": Decimal("50"),
        "scientist-in-training": Decimal("50"),
    }
    MembershipRepository(db_url).set_fee("fellow-in-training", "65")
    assert seed(db_url) == {"membership_categories": 0, "events": 0}
    assert MembershipRepository(db_url).get("fellow-in-training").annual_fee == Decimal("65")


def test_seeded_events_invent_no_dates(db_url: str) -> None:
    upgrade(db_url)
    seed(db_url)
    events = {e.slug: e for e in EventRepository(db_url).list()}
    assert events["spring-practicum"].start_date is None
    assert events["spring-practicum"].recurrence == "every May or early June"
    assert events["annual-meeting"].start_date is None
    assert (events["sir-2024"].start_date, events["sir-2024"].end_date) == (
        date(2024, 3, 23), date(2024, 3, 28)
    )


def test_set_fee_changes_only_that_category(migrated_db: str) -> None:
    repo = MembershipRepository(migrated_db)
    updated = repo.set_fee("resident-in-training", "75.50")
    assert updated.annual_fee == Decimal("75.50")
    assert repo.get("resident-in-training").annual_fee == Decimal("75.50")
    assert repo.get("fellow-in-training").annual_fee == Decimal("50")


@pytest.mark.parametrize(
    "slug, amount, message",
    [
        ("resident-in-training", "-1", "cannot be negative"),
        ("resident-in-training", "fifty", "is not an amount"),
        ("resident-in-training", "NaN", "is not an amount"),
        ("resident-in-training", "1.005", "two decimal places"),
        ("resident-in-training", "1e9", "check the amount"),
        ("attending", "50", "Unknown category 'attending'"),
    ],
)
def test_bad_fees_are_refused_and_change_nothing(
    migrated_db: str, slug: str, amount: str, message: str
) -> None:
    repo = MembershipRepository(migrated_db)
    before = repo.list()
    with pytest.raises(BadInput, match=message):
        repo.set_fee(slug, amount)
    assert repo.list() == before


def test_parse_fee_accepts_common_spellings() -> None:
    assert parse_fee("$1,250") == Decimal("1250.00")
    assert parse_fee(0) == Decimal("0.00")
    assert parse_fee(" 49.99 ") == Decimal("49.99")


def test_add_and_remove_events(migrated_db: str) -> None:
    repo = EventRepository(migrated_db)
    added = repo.add(
        slug="sir-2031", name="SIR 2031", kind="annual-meeting",
        start_date=date(2031, 3, 1), end_date=date(2031, 3, 5), location="Testville",
    )
    assert added.last_day == date(2031, 3, 5)
    assert repo.get("sir-2031").location == "Testville"
    repo.remove("sir-2031")
    assert repo.get("sir-2031") is None


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(start_date=date(2031, 3, 5), end_date=date(2031, 3, 1)), "before the start"),
        (dict(end_date=date(2031, 3, 1)), "needs a start date"),
        (dict(), "Give a start date, or say how the event recurs"),
        (dict(slug="Bad Slug!", recurrence="yearly"), "not a valid id"),
        (dict(slug="spring-practicum", recurrence="yearly"), "already exists"),
        (dict(recurrence="yearly", link="javascript:alert(1)"), "not a web address"),
        (dict(recurrence="yearly", name="  "), "needs a name"),
    ],
)
def test_bad_events_are_refused_and_change_nothing(
    migrated_db: str, kwargs: dict, message: str
) -> None:
    repo = EventRepository(migrated_db)
    before = repo.list()
    values = dict(slug="new-event", name="New event", kind="webinar")
    values.update(kwargs)
    with pytest.raises(BadInput, match=message):
        repo.add(**values)
    assert repo.list() == before


def test_removing_an_unknown_event_is_an_error(migrated_db: str) -> None:
    with pytest.raises(BadInput, match="No event with id"):
        EventRepository(migrated_db).remove("no-such-event")


def test_database_constraints_back_up_the_checks(migrated_db: str) -> None:
    """Even a write that bypasses the repository cannot store a negative fee."""
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), get_engine(migrated_db).begin() as connection:
        connection.execute(
            text("UPDATE membership_categories SET annual_fee_cents = -100")
        )
