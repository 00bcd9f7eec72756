"""The `bot` command as staff run it: a real process on a real database."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT

BOT = str(Path(sys.executable).with_name("bot"))


def bot(*args: str, db: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": db}
    return subprocess.run([BOT, *args], env=env, capture_output=True, text=True, cwd=PROJECT_ROOT)


def test_help_lists_the_staff_commands() -> None:
    result = subprocess.run([BOT, "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    for word in ("fees", "events", "bot fees set resident-in-training 50", "no retraining"):
        assert word in result.stdout


def test_fees_list_and_set(migrated_db: str) -> None:
    listed = bot("fees", "list", db=migrated_db)
    assert listed.returncode == 0
    assert "medical-student" in listed.stdout and "(free)" in listed.stdout
    changed = bot("fees", "set", "Resident-In-Training", "60", db=migrated_db)  # any case
    assert changed.returncode == 0, changed.stderr
    assert (
        "Resident-in-Training (resident-in-training) is now $60 per year (was $50 per year)."
        in changed.stdout
    )
    assert "$60 per year" in bot("fees", "list", db=migrated_db).stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (("fees", "set", "resident-in-training", "-5"), "cannot be negative"),
        (("fees", "set", "attending", "50"), "Unknown category 'attending'. Known categories: medical-student"),
        (("events", "add", "x", "--name", "X", "--kind", "course", "--start", "2031-02-02",
          "--end", "2031-02-01"), "before the start date"),
        (("events", "remove", "nope"), "No event with id 'nope'"),
    ],
)
def test_bad_values_get_a_clear_error_and_change_nothing(migrated_db: str, args, message: str) -> None:
    before = (bot("fees", "list", db=migrated_db).stdout, bot("events", "list", "--all", db=migrated_db).stdout)
    result = bot(*args, db=migrated_db)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    after = (bot("fees", "list", db=migrated_db).stdout, bot("events", "list", "--all", db=migrated_db).stdout)
    assert after == before


def test_a_malformed_date_is_refused_by_the_parser(migrated_db: str) -> None:
    result = bot("events", "add", "x", "--name", "X", "--kind", "k", "--start", "2031-13-01", db=migrated_db)
    assert result.returncode == 2
    assert "use YYYY-MM-DD" in result.stderr


def test_events_add_list_remove(migrated_db: str) -> None:
    added = bot("events", "add", "sir-2031", "--name", "SIR 2031", "--kind", "annual-meeting",
                "--start", "2031-03-20", "--end", "2031-03-25", "--location", "Testville", db=migrated_db)
    assert added.returncode == 0, added.stderr
    assert "Added sir-2031: SIR 2031 — March 20–25, 2031 — Testville" in added.stdout
    listed = bot("events", "list", db=migrated_db).stdout
    assert "sir-2031" in listed and "sir-2024" not in listed  # past events hidden by default
    assert "sir-2024" in bot("events", "list", "--all", db=migrated_db).stdout
    assert bot("events", "remove", "sir-2031", db=migrated_db).returncode == 0
    assert "sir-2031" not in bot("events", "list", db=migrated_db).stdout


def test_an_unmigrated_database_says_what_to_run(tmp_path: Path) -> None:
    result = bot("fees", "list", db=f"sqlite:///{tmp_path / 'empty.db'}")
    assert result.returncode == 2
    assert "run `bot db setup`" in result.stderr


def test_an_unreachable_database_is_a_clear_error() -> None:
    result = bot("fees", "list", db="postgresql://nobody:secret@127.0.0.1:1/none")
    assert result.returncode == 2
    assert "is the database running" in result.stderr
    assert "secret" not in result.stderr  # passwords are never printed


def test_staff_accounts_are_added_listed_and_removed(migrated_db: str) -> None:
    env = {**os.environ, "DATABASE_URL": migrated_db}

    def staff(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run([BOT, "staff", *args], env=env, input=stdin, capture_output=True,
                              text=True, cwd=PROJECT_ROOT)

    added = staff("add", "Pub@Example.org", "--role", "publisher", "--password-stdin",
                  stdin="correct horse battery\n")
    assert added.returncode == 0, added.stderr
    assert "Added pub@example.org (publisher)" in added.stdout
    short = staff("add", "ed@example.org", "--role", "editor", "--password-stdin", stdin="short\n")
    assert short.returncode == 2 and "at least 12 characters" in short.stderr
    listed = staff("list")
    assert "pub@example.org" in listed.stdout and "ed@example.org" not in listed.stdout
    last = staff("remove", "pub@example.org")
    assert last.returncode == 2 and "last publisher" in last.stderr
    from bot.db.staff import AccountRepository

    _, hashed = AccountRepository(migrated_db).credentials("pub@example.org")
    assert hashed.startswith("$argon2id$") and "correct horse" not in hashed


def test_changes_from_the_command_line_are_in_the_audit_log(migrated_db: str) -> None:
    from bot.db.staff import AuditLog

    assert bot("fees", "set", "fellow-in-training", "45", db=migrated_db).returncode == 0
    entry = AuditLog(migrated_db).list()[0]
    assert entry.actor.endswith("(command line)") and entry.action == "fee changed"
    assert entry.target == "fellow-in-training" and entry.details == "$50 per year → $45 per year"
