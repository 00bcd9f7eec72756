"""Seed the database from `seed.yml`, adding only what is missing (staff edits survive)."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Optional

import yaml
from sqlalchemy import select

from bot.db.models import Event, MembershipCategory
from bot.db.repositories import parse_fee, to_cents
from bot.db.session import session_scope

SEED_FILE = Path(__file__).with_name("seed.yml")


def seed(url: Optional[str] = None, path: Path = SEED_FILE) -> Dict[str, int]:
    """Insert seed rows whose slug is not in the database yet; returns how many were added."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    added = {"membership_categories": 0, "events": 0}
    with session_scope(url) as session:
        for model, key in ((MembershipCategory, "membership_categories"), (Event, "events")):
            existing = set(session.execute(select(model.slug)).scalars())
            for row in data.get(key, []):
                if row["slug"] not in existing:
                    row = dict(row)
                    if "annual_fee" in row:
                        row["annual_fee_cents"] = to_cents(parse_fee(row.pop("annual_fee")))
                    session.add(model(**row))
                    added[key] += 1
    return added
