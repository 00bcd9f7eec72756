"""Start-up, memory and latency of the Rasa server, started one way or another (issue 11).

    python -m bench.lean_startup MODE [--messages N] [--answers FILE]

MODE is `rasa` (the `rasa run` console script, as before), `launch` (bot.rasa_ext.launch
with the lean install) or `launch-off` (the launcher with BOT_LEAN=0). The action server is
started and ready first, so the figure is the Rasa process alone: from its start to its first
REST reply. Then N held-out questions, one sender each, one after another (p50 latency);
then the Rasa process's peak RSS (VmHWM). Answers go to FILE so two modes can be compared.
Run it under `flock /tmp/heavy.lock`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from bench.run import (
    REST_PATH,
    _status_kb,
    load_questions,
    percentile,
    post_once,
    question_mix,
)
from bot import settings

MODES = ("rasa", "launch", "launch-off")


def rasa_command(mode: str) -> List[str]:
    """The start of the command line that runs Rasa's CLI in `mode`."""
    from bot.rasa_ext.process import stock_rasa_command

    return stock_rasa_command() if mode == "rasa" else [sys.executable, "-m", "bot.rasa_ext.launch"]


def measure(mode: str, model: Path, messages: int, workdir: Path) -> Dict[str, Any]:
    """Start actions, then Rasa in `mode`; time to first reply, p50, VmHWM and the answers."""
    from bot.serve import _answers, sandbox

    servers = sandbox(model, workdir).servers
    rasa_port, action_port, endpoints = servers.rasa_port, servers.action_port, servers.endpoints
    url = f"http://127.0.0.1:{rasa_port}{REST_PATH}"
    actions = servers._start_actions()
    rasa: Optional[subprocess.Popen] = None
    try:
        deadline = time.monotonic() + 60
        while not _answers(f"http://127.0.0.1:{action_port}/health"):
            if time.monotonic() > deadline:
                raise RuntimeError("the action server did not start")
            time.sleep(0.2)
        renv = servers._env()
        renv["BOT_LEAN"] = "0" if mode == "launch-off" else "1"
        command = rasa_command(mode) + [
            "run",
            "--model",
            str(model),
            "--port",
            str(rasa_port),
            "--endpoints",
            str(endpoints),
            "--credentials",
            "credentials.yml",
        ]
        started = time.monotonic()
        with open(workdir / f"rasa-{mode}.log", "wb") as log:
            rasa = subprocess.Popen(
                command,
                cwd=settings.PROJECT_ROOT,
                env=renv,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        while True:
            if rasa.poll() is not None:
                raise RuntimeError(f"Rasa exited ({rasa.returncode}); see {workdir}")
            if post_once(url, "startup", "hello", timeout=30):
                first = time.monotonic() - started
                break
            time.sleep(0.05)
        latencies, answers = [], []
        for n, (_, text) in enumerate(question_mix(load_questions())[:messages]):
            t0 = time.perf_counter()
            reply = post_once(url, f"q{n}", text, timeout=60)
            latencies.append((time.perf_counter() - t0) * 1000)
            answers.append([text, reply])
        return {
            "mode": mode,
            "first_reply_s": round(first, 2),
            "latency_p50_ms": round(percentile(latencies, 50) or 0, 1),
            "latency_p95_ms": round(percentile(latencies, 95) or 0, 1),
            "rasa_peak_rss_mb": round(_status_kb(rasa.pid, "VmHWM") / 1024, 1),
            "rasa_rss_mb": round(_status_kb(rasa.pid, "VmRSS") / 1024, 1),
            "tensorflow_mapped": _tensorflow_mapped(rasa.pid),
            "answers": answers,
        }
    finally:
        for process in (rasa, actions):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=20)


def _tensorflow_mapped(pid: int) -> bool:
    """Whether any TensorFlow shared object is mapped into the process."""
    maps = Path(f"/proc/{pid}/maps").read_text()
    return "tensorflow" in maps


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=MODES)
    parser.add_argument("--messages", type=int, default=100)
    parser.add_argument("--answers", type=Path, help="write the answers (JSON) here")
    args = parser.parse_args(argv)
    from bot.training.model import MODEL_PREFIX, fingerprint, model_path, training_sources

    model = model_path(fingerprint(training_sources()), None, MODEL_PREFIX)
    if not model.exists():
        raise SystemExit(f"no up-to-date model {model.name}: run `bot train` first")
    with tempfile.TemporaryDirectory(prefix="lean-") as tmp:
        result = measure(args.mode, model, args.messages, Path(tmp))
    answers = result.pop("answers")
    if args.answers:
        args.answers.write_text(json.dumps(answers, indent=1))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
