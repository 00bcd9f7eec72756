"""Conversations are personal data, kept `settings.retention_days()` days (90 by default).

`purge` deletes every tracker-store event older than an age; `bot conversations purge` runs
it by hand, and `bot serve` runs `DailyPurge` itself (at start-up, then every 24 hours), so
the retention period holds without a cron job. Several instances purging is harmless: a
DELETE by age does the same thing twice.
"""

from __future__ import annotations

import threading
import time
from typing import Callable, Optional

from bot import settings
from bot.errors import first_line

DAY = 86400.0


def purge(url: str, older_than_seconds: float, now: float | None = None) -> int:
    """Delete events older than the given age; returns how many were deleted."""
    from sqlalchemy import create_engine, inspect, text
    from sqlalchemy.engine import make_url

    from bot.db.session import connect_args

    backend = make_url(url).get_backend_name()
    engine = create_engine(url, future=True, connect_args=connect_args(backend))
    try:
        if not inspect(engine).has_table("events"):
            return 0
        cutoff = (now if now is not None else time.time()) - older_than_seconds
        with engine.begin() as connection:
            result = connection.execute(
                text("DELETE FROM events WHERE timestamp < :cutoff"), {"cutoff": cutoff}
            )
            return int(result.rowcount or 0)
    finally:
        engine.dispose()


class DailyPurge:
    """Purge in a background thread when a day has passed since the last one; one line
    of output each time (a database error is reported, never raised: serving goes on)."""

    def __init__(
        self,
        url: str,
        days: int,
        report: Callable[[str], None] = print,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url, self.days, self.report, self.clock = url, days, report, clock
        self.last: Optional[float] = None
        self.thread: Optional[threading.Thread] = None

    def due(self) -> bool:
        busy = self.thread is not None and self.thread.is_alive()
        return not busy and (self.last is None or self.clock() - self.last >= DAY)

    def tick(self) -> None:
        """Called by `bot serve`'s supervisor loop; starts a purge when one is due."""
        if self.due():
            self.last = self.clock()
            self.thread = threading.Thread(target=self._run, name="retention", daemon=True)
            self.thread.start()

    def _run(self) -> None:
        try:
            deleted = purge(self.url, self.days * DAY)
        except Exception as error:  # the database is down: try again tomorrow
            self.report(f"==> Retention: could not purge old conversations: {first_line(error)}")
            return
        if deleted:
            self.report(
                f"==> Retention: deleted {deleted} conversation event(s) older than {self.days} days"
            )


def daily_purge() -> DailyPurge:
    return DailyPurge(settings.tracker_store_url(), settings.retention_days(), _print_flush)


def _print_flush(line: str) -> None:
    print(line, flush=True)
