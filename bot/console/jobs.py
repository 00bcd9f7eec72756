"""Long tasks (train, compare, release, roll back) as `bot` commands in a child process.

Training and evaluating load TensorFlow and take minutes: in a child process they never
stall the console, and their progress is the very lines `bot train` prints, shown live on the
Models page. It is the CLI itself that runs, so there is one implementation. One task at a
time: a second training would only compete for the same cores. Tasks live in the console
process that started them (run one console instance, or pin staff to one).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional

from bot import settings
from bot.errors import StaffError
from bot.rasa_ext.process import rasa_env

MAX_LINES = 400


@dataclass
class Job:
    id: str
    title: str
    by: str
    lines: List[str] = field(default_factory=list)
    state: str = "running"  # running, done, failed
    summary: str = ""
    started: float = field(default_factory=time.time)

    def as_json(self) -> Dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "state": self.state,
            "lines": self.lines,
            "summary": self.summary,
            # Back to this task's own page, so its summary stays in view once it ends.
            "next": f"/staff/models?job={self.id}",
        }


class Jobs:
    def __init__(self) -> None:
        self._jobs: Dict[str, Job] = {}
        self._lock = threading.Lock()
        self._count = 0

    def get(self, job_id: str) -> Optional[Job]:
        return self._jobs.get(job_id)

    def running(self) -> Optional[Job]:
        return next((j for j in self._jobs.values() if j.state == "running"), None)

    def latest(self) -> Optional[Job]:
        return max(self._jobs.values(), key=lambda j: j.started, default=None)

    def start(self, title: str, args: List[str], by: str, on_success: Callable[[Job], None]) -> Job:
        """Run `bot ARGS` (on the console's project); refuses while another task runs."""
        with self._lock:
            busy = self.running()
            if busy:
                raise StaffError(
                    f"{busy.title} (started by {busy.by}) is still running; wait for it to finish."
                )
            self._count += 1
            job = Job(f"{os.getpid()}-{self._count}", title, by)
            self._jobs[job.id] = job
        project = os.environ.get("CONSOLE_PROJECT")
        command = [sys.executable, "-m", "bot.cli", *args] + (
            ["--project", project] if project else []
        )
        threading.Thread(target=self._run, args=(job, command, on_success), daemon=True).start()
        return job

    def _run(self, job: Job, command: List[str], on_success: Callable[[Job], None]) -> None:
        try:
            process = subprocess.Popen(
                command,
                cwd=settings.PROJECT_ROOT,
                env=rasa_env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                bufsize=1,
                stdin=subprocess.DEVNULL,
            )
            assert process.stdout is not None
            for line in process.stdout:
                job.lines.append(line.rstrip())
                del job.lines[:-MAX_LINES]
            code = process.wait()
        except OSError as error:
            job.lines.append(f"error: {error}")
            code = -1
        errors = [line[len("error: ") :] for line in job.lines if line.startswith("error: ")]
        if code == 0:
            job.summary = f"{job.title}: done."
            try:
                on_success(job)
            except Exception as error:  # the task is done; say what else failed
                job.summary += f" (Not recorded in the audit log: {error})"
            job.state = "done"
        else:
            job.summary = errors[-1] if errors else f"{job.title} failed; see the lines above."
            job.state = "failed"


JOBS = Jobs()
