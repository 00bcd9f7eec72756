"""Benchmark: our lean config against the stock `rasa init` config, trained on the same data.

For each config this measures, in one run and on the same machine:

1. training time: a forced, full training into a temporary models dir, with an empty Rasa
   component cache (RASA_CACHE_DIRECTORY), so nothing is reused from earlier trainings;
2. start-up time: from starting both servers to readiness, and to the first REST reply;
3. latency: p50/p95/p99 over sequential REST messages (held-out questions, a new sender
   every few messages), and p50 for the messages whose answer needs the database;
4. throughput: messages per second with 8 and 32 concurrent conversations;
5. peak memory (VmHWM) of the Rasa server and of the action server;
6. held-out NLU accuracy and macro F1 (bot.training.evaluate).

Each run gets fresh SQLite files for the database and the tracker store, free loopback
ports, and no Redis lock store. The table goes to stdout, progress to stderr, and the
figures to var/bench/results.json. The ratio column always reads "> 1: ours is better":
stock / ours for lower-is-better figures (times, memory), ours / stock for the others.

Run with `make bench` or `python -m bench.run --help`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import re
import shutil
import signal
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import yaml

from bot import settings
from bot.rasa_ext.quiet import silenced_warnings
from bot.serve import free_port

OURS_CONFIG = "config.yml"
STOCK_CONFIG = "bench/config-stock.yml"
HELDOUT = settings.PROJECT_ROOT / settings.HELDOUT_FILE
REST_PATH = "/webhooks/rest/webhook"

# Intents whose answer is read from the database by a custom action.
DB_INTENTS = frozenset(
    {
        "membership_fee",
        "membership_categories",
        "upcoming_events",
        "event_details",
        "inform_category",
    }
)
MESSAGES_PER_SENDER = 20  # sequential latency: a new conversation every N messages
CONCURRENCY_LEVELS = (8, 32)  # throughput: simultaneous conversations
MESSAGES_PER_CONVERSATION = 25  # throughput: messages each conversation sends
THROUGHPUT_TIME_LIMIT = 300.0  # seconds; a level that takes longer is cut off
REQUEST_TIMEOUT = 60.0  # seconds per REST request
STARTUP_TIMEOUT = 300.0  # seconds for the servers to start and answer
SHUFFLE_SEED = 20240601  # the same question order for both configs, every run
CACHE_ENV = "RASA_CACHE_DIRECTORY"  # rasa.engine.caching.CACHE_LOCATION_ENV


def progress(message: str) -> None:
    """A progress line on stderr (stdout carries only the results table)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- metrics and the table ----------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    """One row of the results table."""

    key: str
    label: str
    unit: str
    higher_is_better: bool = False
    digits: int = 1


METRICS: Tuple[Metric, ...] = (
    Metric("train_s", "training time", "s"),
    Metric("model_mb", "model size", "MB"),
    Metric("ready_s", "start-up: servers ready", "s"),
    Metric("first_reply_s", "start-up: first reply", "s"),
    Metric("latency_p50_ms", "latency p50", "ms"),
    Metric("latency_p95_ms", "latency p95", "ms"),
    Metric("latency_p99_ms", "latency p99", "ms"),
    Metric("latency_db_p50_ms", "latency p50, database answers", "ms"),
    Metric("throughput_8", "throughput, 8 conversations", "msg/s", higher_is_better=True),
    Metric("throughput_32", "throughput, 32 conversations", "msg/s", higher_is_better=True),
    Metric("rasa_peak_rss_mb", "peak memory, Rasa server", "MB", digits=0),
    Metric("actions_peak_rss_mb", "peak memory, action server", "MB", digits=0),
    Metric("accuracy_pct", "held-out intent accuracy", "%", higher_is_better=True),
    Metric("macro_f1", "held-out macro F1", "", higher_is_better=True, digits=3),
)


def ratio(metric: Metric, ours: Optional[float], stock: Optional[float]) -> Optional[float]:
    """How many times better ours is (> 1: ours better), or None if not comparable."""
    if ours is None or stock is None:
        return None
    better, worse = (ours, stock) if metric.higher_is_better else (stock, ours)
    return better / worse if worse else None


def _cell(value: Optional[float], digits: int) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def format_table(results: Dict[str, Dict[str, Any]]) -> str:
    """The results as an aligned text table: metric | ours | stock | ratio."""
    ours, stock = results.get("ours", {}), results.get("stock", {})
    rows = [("metric", "ours", "stock", "ratio")]
    for m in METRICS:
        label = f"{m.label} ({m.unit})" if m.unit else m.label
        r = ratio(m, ours.get(m.key), stock.get(m.key))
        rows.append(
            (
                label,
                _cell(ours.get(m.key), m.digits),
                _cell(stock.get(m.key), m.digits),
                "-" if r is None else f"{r:.2f}x",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = []
    for n, row in enumerate(rows):
        lines.append(
            " | ".join(
                cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                for i, cell in enumerate(row)
            )
        )
        if n == 0:
            lines.append("-+-".join("-" * w for w in widths))
    lines.append(
        "ratio > 1 means ours is better (stock/ours for times and memory, "
        "ours/stock for throughput and accuracy)."
    )
    return "\n".join(lines)


# --- questions ----------------------------------------------------------------------------

_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def load_questions(path: Path = HELDOUT) -> List[Tuple[str, str]]:
    """(intent, text) for every held-out question, entity annotations removed."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    questions = []
    for block in data.get("nlu", []):
        intent = block.get("intent")
        for line in str(block.get("examples", "")).splitlines():
            line = line.strip()
            if intent and line.startswith("- "):
                questions.append((intent, _ANNOTATION.sub(r"\1", line[2:].strip())))
    return questions


def question_mix(questions: Sequence[Tuple[str, str]]) -> List[Tuple[str, str]]:
    """The questions in a fixed shuffled order, so intents are mixed like real traffic."""
    mixed = list(questions)
    random.Random(SHUFFLE_SEED).shuffle(mixed)
    return mixed


def cycle(questions: Sequence[Tuple[str, str]], start: int, count: int) -> List[Tuple[str, str]]:
    """`count` questions from position `start`, wrapping around."""
    return [questions[(start + i) % len(questions)] for i in range(count)]


# --- environment, ports, memory -----------------------------------------------------------


@contextlib.contextmanager
def patched_env(**values: Optional[str]) -> Iterator[None]:
    """Set (or, for None, remove) environment variables; restore them afterwards."""
    saved = {key: os.environ.get(key) for key in values}

    def apply(settings: Dict[str, Optional[str]]) -> None:
        for key, value in settings.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value

    try:
        apply(values)
        yield
    finally:
        apply(saved)


@contextlib.contextmanager
def stdout_to_stderr() -> Iterator[None]:
    """Send this process's (and its children's) stdout to stderr for a while."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def _status_kb(pid: int, field_name: str) -> int:
    """A kB figure (e.g. VmHWM) from /proc/PID/status; 0 if the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _descendants(pid: int) -> List[int]:
    """Live descendant process ids of `pid` (Linux /proc)."""
    children: Dict[int, List[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a process plus any live children, in MB."""
    total_kb = sum(_status_kb(p, "VmHWM") for p in [pid, *_descendants(pid)])
    return total_kb / 1024


def percentile(values: Sequence[float], q: float) -> Optional[float]:
    """The q-th percentile (0-100) with linear interpolation; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


# --- models -------------------------------------------------------------------------------


def train_fresh(config: str, models_dir: Path, prefix: str, verbose: bool) -> Tuple[Path, float]:
    """A forced full training with an empty component cache; (model, seconds)."""
    from bot.training.model import train

    cache = models_dir / "rasa-cache"
    cache.mkdir(parents=True, exist_ok=True)
    progress(f"Training {config} (forced, empty cache); this can take minutes ...")
    started = time.monotonic()
    with patched_env(**{CACHE_ENV: str(cache)}):
        if verbose:
            with stdout_to_stderr():
                model = train(config=config, models_dir=models_dir, prefix=prefix, force=True)
        else:
            model = train(
                config=config, models_dir=models_dir, prefix=prefix, force=True, quiet=True
            )
    seconds = time.monotonic() - started
    progress(f"Trained {model.name} in {seconds:.0f} s")
    return model, seconds


def existing_model(config: str, models_dir: Optional[Path], prefix: str) -> Path:
    """The up-to-date model for `config` without training; raises if there is none."""
    from bot.training.model import MODEL_PREFIX, fingerprint, model_path, train, training_sources

    path = model_path(
        fingerprint(training_sources(settings.PROJECT_ROOT, config)), models_dir, prefix
    )
    if not path.exists():
        hint = (
            "run `bot train` (or `make run`) first"
            if prefix == MODEL_PREFIX
            else "run the benchmark once without --no-train, or use --skip-stock"
        )
        raise RuntimeError(f"--no-train: no up-to-date model for {config} ({path.name}); {hint}.")
    return train(config=config, models_dir=models_dir, prefix=prefix, quiet=True)  # no training


def saved_stock_dir() -> Path:
    """Where full runs keep the stock model, so `--no-train` can reuse it."""
    return settings.var_dir() / "bench" / "models"


# --- servers and traffic ------------------------------------------------------------------


def prepare_databases(workdir: Path) -> Dict[str, str]:
    """Fresh, migrated and seeded SQLite files; the environment that points at them."""
    from bot.db.migrate import upgrade
    from bot.db.seed import seed

    database = f"sqlite:///{workdir / 'ir_careers.db'}"
    upgrade(database)
    seed(database)
    return {"DATABASE_URL": database, "TRACKER_STORE_URL": f"sqlite:///{workdir / 'tracker.db'}"}


STOCK_CREDENTIALS = "bench/credentials-stock.yml"


def stock_endpoints(workdir: Path, env: Dict[str, str]) -> Path:
    """What a stock project uses: Rasa's own SQL tracker store (no window), same files.

    With Rasa's own REST channel (STOCK_CREDENTIALS) nothing of ours is loaded into the
    stock server: not our channel, tracker store or fixes to Rasa internals.
    """
    path = workdir / "endpoints-stock.yml"
    tracker_db = env["TRACKER_STORE_URL"][len("sqlite:///") :]
    path.write_text(
        f"action_endpoint:\n  url: {env['ACTION_SERVER_URL']}\n"
        f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {tracker_db}\n"
    )
    return path


def post_once(url: str, sender: str, text: str, timeout: float = 10) -> Optional[list]:
    """One REST message with urllib; the reply list, or None if the server did not answer."""
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())
    except (urllib.error.URLError, OSError, ValueError):
        return None


def wait_first_reply(url: str, started: float, timeout: float = STARTUP_TIMEOUT) -> float:
    """Seconds from `started` until the REST channel gives a non-empty reply."""
    while time.monotonic() - started < timeout:
        if post_once(url, "bench-startup", "hello"):
            return time.monotonic() - started
        time.sleep(0.25)
    raise RuntimeError(f"No REST reply within {timeout:.0f} s.")


async def _post(session: Any, url: str, sender: str, text: str) -> Tuple[float, bool]:
    """(milliseconds, ok) for one REST message; ok means HTTP 200 with a non-empty reply."""
    import aiohttp

    started = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": text}) as response:
            replies = await response.json(content_type=None)
            ok = response.status == 200 and isinstance(replies, list) and bool(replies)
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        ok = False
    return (time.perf_counter() - started) * 1000, ok


@dataclass
class Traffic:
    """Figures from the REST traffic against one running server."""

    latencies_ms: List[float] = field(default_factory=list)
    db_latencies_ms: List[float] = field(default_factory=list)
    failed: int = 0
    throughput: Dict[int, float] = field(default_factory=dict)
    throughput_failed: Dict[int, int] = field(default_factory=dict)
    throughput_cut_off: Dict[int, bool] = field(default_factory=dict)


async def sequential(
    session: Any, url: str, label: str, mix: Sequence[Tuple[str, str]], count: int, traffic: Traffic
) -> None:
    """`count` messages one after another; a new sender every MESSAGES_PER_SENDER."""
    for n, (intent, text) in enumerate(cycle(mix, 0, count)):
        sender = f"bench-{label}-seq-{n // MESSAGES_PER_SENDER}"
        ms, ok = await _post(session, url, sender, text)
        traffic.latencies_ms.append(ms)
        if intent in DB_INTENTS:
            traffic.db_latencies_ms.append(ms)
        traffic.failed += not ok
        if (n + 1) % 50 == 0:
            progress(f"  {n + 1}/{count} sequential messages")


async def concurrent(
    session: Any,
    url: str,
    label: str,
    mix: Sequence[Tuple[str, str]],
    conversations: int,
    length: int,
) -> Tuple[float, int, bool]:
    """(messages per second, failed, cut off) for `conversations` simultaneous senders."""
    done = failed = 0

    async def conversation(k: int) -> None:
        nonlocal done, failed
        for _, text in cycle(mix, k * length, length):
            _, ok = await _post(session, url, f"bench-{label}-c{conversations}-{k}", text)
            done += 1
            failed += not ok

    started = time.perf_counter()
    tasks = [asyncio.ensure_future(conversation(k)) for k in range(conversations)]
    _, pending = await asyncio.wait(tasks, timeout=THROUGHPUT_TIME_LIMIT)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    elapsed = time.perf_counter() - started
    return (done - failed) / elapsed if elapsed else 0.0, failed, bool(pending)


async def drive_traffic(
    url: str, label: str, mix: Sequence[Tuple[str, str]], messages: int
) -> Traffic:
    """The latency run, then one throughput run per concurrency level."""
    import aiohttp

    traffic = Traffic()
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    connector = aiohttp.TCPConnector(limit=max(CONCURRENCY_LEVELS))
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        progress(f"  latency: {messages} sequential messages")
        await sequential(session, url, label, mix, messages, traffic)
        for level in CONCURRENCY_LEVELS:
            progress(f"  throughput: {level} conversations x {MESSAGES_PER_CONVERSATION} messages")
            rate, failed, cut = await concurrent(
                session, url, label, mix, level, MESSAGES_PER_CONVERSATION
            )
            traffic.throughput[level] = rate
            traffic.throughput_failed[level] = failed
            traffic.throughput_cut_off[level] = cut
            progress(f"  {rate:.1f} msg/s ({failed} failed{', cut off' if cut else ''})")
    return traffic


def serve_and_measure(model: Path, label: str, workdir: Path, messages: int) -> Dict[str, Any]:
    """Start both servers on the model, measure start-up, traffic and memory, stop them."""
    from bot.endpoints import write_endpoints
    from bot.serve import Servers

    rasa_port, action_port = free_port(), free_port()
    while action_port == rasa_port:
        action_port = free_port()
    env = prepare_databases(workdir)
    env["ACTION_SERVER_URL"] = f"http://127.0.0.1:{action_port}/webhook"
    log_dir = settings.var_dir() / "bench" / "logs" / label
    shutil.rmtree(log_dir, ignore_errors=True)
    mix = question_mix(load_questions())
    url = f"http://127.0.0.1:{rasa_port}{REST_PATH}"
    with patched_env(REDIS_URL=None, **env):
        if label == "stock":
            endpoints, credentials = stock_endpoints(workdir, env), STOCK_CREDENTIALS
        else:
            endpoints, credentials = write_endpoints(workdir / "endpoints.yml"), "credentials.yml"
        servers = Servers(
            model=model,
            rasa_port=rasa_port,
            action_port=action_port,
            endpoints=endpoints,
            log_dir=log_dir,
            credentials=credentials,
            stock=label == "stock",
        )
        progress(
            f"Starting servers for {label} (Rasa :{rasa_port}, actions :{action_port}; "
            f"logs in {log_dir})"
        )
        started = time.monotonic()
        servers.start()
        try:
            ready = servers.wait_ready(timeout=STARTUP_TIMEOUT)
            first = wait_first_reply(url, started)
            progress(f"  ready in {ready:.1f} s, first reply after {first:.1f} s")
            traffic = asyncio.run(drive_traffic(url, label, mix, messages))
            actions, rasa = servers.processes or []
            rasa_mb, actions_mb = peak_rss_mb(rasa.pid), peak_rss_mb(actions.pid)
        finally:
            progress(f"Stopping servers for {label}")
            servers.stop()
    return {
        "ready_s": ready,
        "first_reply_s": first,
        "latency_p50_ms": percentile(traffic.latencies_ms, 50),
        "latency_p95_ms": percentile(traffic.latencies_ms, 95),
        "latency_p99_ms": percentile(traffic.latencies_ms, 99),
        "latency_db_p50_ms": percentile(traffic.db_latencies_ms, 50),
        "latency_messages": len(traffic.latencies_ms),
        "latency_db_messages": len(traffic.db_latencies_ms),
        "latency_failed": traffic.failed,
        **{f"throughput_{n}": rate for n, rate in traffic.throughput.items()},
        **{f"throughput_{n}_failed": k for n, k in traffic.throughput_failed.items()},
        **{f"throughput_{n}_cut_off": c for n, c in traffic.throughput_cut_off.items()},
        "rasa_peak_rss_mb": rasa_mb,
        "actions_peak_rss_mb": actions_mb,
    }


def held_out(model: Path) -> Dict[str, float]:
    """Held-out accuracy (percent) and macro F1, evaluated in this process."""
    from bot.training.evaluate import evaluate

    progress(f"Held-out evaluation of {model.name}")
    with silenced_warnings():
        result = evaluate(model)
    return {"accuracy_pct": result.accuracy * 100, "macro_f1": result.macro_f1}


# --- one config, the whole run --------------------------------------------------------------


def bench_config(label: str, config: str, args: argparse.Namespace) -> Dict[str, Any]:
    """Every figure for one config; temporary files are removed afterwards."""
    progress(f"=== {label}: {config}")
    with tempfile.TemporaryDirectory(prefix=f"bench-{label}-") as tmp:
        workdir = Path(tmp)
        train_s: Optional[float] = None
        if args.no_train:
            from bot.training.model import MODEL_PREFIX

            model = (
                existing_model(config, None, MODEL_PREFIX)
                if label == "ours"
                else existing_model(config, saved_stock_dir(), "bench-stock-")
            )
            progress(f"Using existing model {model} (--no-train: training time not measured)")
        else:
            model, train_s = train_fresh(
                config, workdir / "models", f"bench-{label}-", args.verbose
            )
            if label == "stock":  # kept for later `--no-train` runs
                saved_stock_dir().mkdir(parents=True, exist_ok=True)
                shutil.copy2(model, saved_stock_dir() / model.name)
        figures: Dict[str, Any] = {
            "config": config,
            "model": model.name,
            "train_s": train_s,
            "model_mb": model.stat().st_size / 2**20,
        }
        figures.update(serve_and_measure(model, label, workdir, args.messages))
        figures.update(held_out(model))
        if label == "ours" and not args.skip_lean:
            figures["lean"] = lean_figures(model, workdir)
    return figures


def environment_info() -> Dict[str, Any]:
    """What the figures were measured on."""
    from importlib.metadata import version

    return {
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "rasa": version("rasa"),
        "load_average_at_start": list(os.getloadavg()),
    }


def write_results(results: Dict[str, Any], path: Path) -> Path:
    """The figures and ratios as JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n")
    return path


def build_parser() -> argparse.ArgumentParser:
    """The command line: `python -m bench.run --help`."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description=(
            "Benchmark our config (config.yml) against the stock `rasa init` config "
            f"({STOCK_CONFIG}), both trained on our domain and data: training time, "
            "start-up, latency, throughput, peak memory and held-out accuracy."
        ),
        epilog=(
            "A full run trains both configs from scratch and takes many minutes; "
            "use it on an otherwise idle machine. Results: var/bench/results.json."
        ),
    )
    parser.add_argument("--skip-stock", action="store_true", help="benchmark only our config")
    parser.add_argument(
        "--skip-lean",
        action="store_true",
        help="skip the second instance, model swap and profile of our server",
    )
    parser.add_argument(
        "--messages",
        type=int,
        default=300,
        metavar="N",
        help="sequential messages for the latency figures (default: 300)",
    )
    parser.add_argument(
        "--no-train",
        action="store_true",
        help="no training: reuse the current model (and the stock model saved "
        "by an earlier full run); training time is not measured",
    )
    parser.add_argument(
        "--verbose", action="store_true", help="show Rasa's training output (on stderr)"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        metavar="PATH",
        help="where to write the JSON (default: var/bench/results.json)",
    )
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the benchmark; print the table, write the JSON; the exit status."""
    args = build_parser().parse_args(argv)
    if args.messages < 1:
        print("error: --messages must be at least 1", file=sys.stderr)
        return 2
    for key, value in (
        ("RASA_TELEMETRY_ENABLED", "false"),
        ("TF_CPP_MIN_LOG_LEVEL", "2"),
        ("SQLALCHEMY_SILENCE_UBER_WARNING", "1"),
    ):  # as the Makefile exports
        os.environ.setdefault(key, value)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))  # runs finally
    os.chdir(settings.PROJECT_ROOT)
    info = environment_info()
    configs = [("ours", OURS_CONFIG)] + ([] if args.skip_stock else [("stock", STOCK_CONFIG)])
    figures: Dict[str, Dict[str, Any]] = {}
    try:
        for label, config in configs:
            figures[label] = bench_config(label, config, args)
    except (RuntimeError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    ratios = {
        m.key: ratio(m, figures["ours"].get(m.key), figures.get("stock", {}).get(m.key))
        for m in METRICS
    }
    results = {
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "options": {
            "messages": args.messages,
            "no_train": args.no_train,
            "skip_stock": args.skip_stock,
            "concurrency": list(CONCURRENCY_LEVELS),
            "messages_per_conversation": MESSAGES_PER_CONVERSATION,
            "messages_per_sender": MESSAGES_PER_SENDER,
        },
        "environment": info,
        "ratio_meaning": "> 1: ours is better (stock/ours for lower-is-better, else ours/stock)",
        "configs": figures,
        "ratios": ratios,
    }
    path = write_results(results, args.output or settings.var_dir() / "bench" / "results.json")
    print(format_table(figures))
    if "lean" in figures["ours"]:
        print("\n" + format_lean(figures["ours"]["lean"]))
    print(f"\nFigures written to {path}")
    return 0


# --- the lean server (issue 11): a second instance, model swaps, one message's profile -------
# Each function starts what it measures and stops it again; `lean_figures` runs them for
# our model after the comparison (skip with --skip-lean).


def _pss_mb(pid: int) -> float:
    """Proportional set size (shared pages split among the processes sharing them), in MB."""
    return _status_kb_file(Path(f"/proc/{pid}/smaps_rollup"), "Pss") / 1024


def _status_kb_file(path: Path, field_name: str) -> int:
    try:
        for line in path.read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _start_rasa(
    model: Path, port: int, endpoints: Path, log: Path, token: Optional[str] = None
) -> Any:
    """One Rasa server through our launcher (lean unless BOT_LEAN=0), as Servers.start does."""
    import subprocess

    from bot.rasa_ext.process import rasa_env

    command = [
        sys.executable,
        "-m",
        "bot.rasa_ext.launch",
        "run",
        "--model",
        str(model),
        "--port",
        str(port),
        "--endpoints",
        str(endpoints),
        "--credentials",
        "credentials.yml",
    ]
    if token:
        command += ["--enable-api", "--auth-token", token]
    return subprocess.Popen(
        command,
        cwd=settings.PROJECT_ROOT,
        env=rasa_env(),
        stdout=open(log, "ab"),
        stderr=subprocess.STDOUT,
    )


def _stop(*processes: Any) -> None:
    for process in processes:
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except Exception:
                process.kill()


@contextlib.contextmanager
def _action_server(workdir: Path) -> Iterator[Tuple[str, Path]]:
    """A running action server on fresh databases; (REST URL maker's port env, endpoints)."""
    from bot.endpoints import write_endpoints
    from bot.serve import Servers, _answers

    action_port = free_port()
    env = prepare_databases(workdir)
    env["ACTION_SERVER_URL"] = f"http://127.0.0.1:{action_port}/webhook"
    with patched_env(REDIS_URL=None, **env):
        endpoints = write_endpoints(workdir / "endpoints.yml")
        servers = Servers(
            model=Path("unused"),
            rasa_port=0,
            action_port=action_port,
            endpoints=endpoints,
            log_dir=workdir,
            var_dir=workdir,
        )
        actions = servers._start_actions()
        try:
            deadline = time.monotonic() + 120
            while not _answers(f"http://127.0.0.1:{action_port}/health"):
                if time.monotonic() > deadline or actions.poll() is not None:
                    raise RuntimeError("The action server did not start.")
                time.sleep(0.2)
            yield env["ACTION_SERVER_URL"], endpoints
        finally:
            _stop(actions)


def second_instance_memory(model: Path, workdir: Path) -> Dict[str, float]:
    """Peak RSS and PSS of two Rasa servers on one model, started one after the other.

    RSS counts shared pages (libraries, the page cache) in full for each process; PSS splits
    them, so the second instance's PSS is closer to what it adds to the machine.
    """
    with _action_server(workdir) as (_, endpoints):
        first = second = None
        try:
            figures: Dict[str, float] = {}
            for n in (1, 2):
                port = free_port()
                started = time.monotonic()
                process = _start_rasa(model, port, endpoints, workdir / f"rasa-{n}.log")
                if n == 1:
                    first = process
                else:
                    second = process
                figures[f"instance{n}_first_reply_s"] = wait_first_reply(
                    f"http://127.0.0.1:{port}{REST_PATH}", started
                )
            for n, process in ((1, first), (2, second)):
                figures[f"instance{n}_peak_rss_mb"] = _status_kb(process.pid, "VmHWM") / 1024
                figures[f"instance{n}_pss_mb"] = _pss_mb(process.pid)
            return figures
        finally:
            _stop(first, second)


def model_swap(
    model: Path, workdir: Path, token: str = "bench-token", interval_s: float = 0.05
) -> Dict[str, Any]:
    """Seconds to swap models with `PUT /model` (Rasa's API, as `bot release` does) and the
    latency of REST messages sent one after another meanwhile (before, during, after)."""
    import threading

    from bot.training.servers import RasaServer

    other = workdir / f"swap-{model.name}"  # the same model under another name
    shutil.copy2(model, other)
    port = free_port()
    url = f"http://127.0.0.1:{port}{REST_PATH}"
    with _action_server(workdir) as (_, endpoints):
        rasa = _start_rasa(model, port, endpoints, workdir / "rasa-swap.log", token)
        try:
            wait_first_reply(url, time.monotonic())
            server = RasaServer(f"http://127.0.0.1:{port}", token)
            samples: List[Tuple[float, float, bool]] = []  # (sent at, ms, ok)
            stop = threading.Event()
            questions = question_mix(load_questions())

            def traffic() -> None:
                n = 0
                while not stop.is_set():
                    sent = time.monotonic()
                    reply = post_once(
                        url,
                        f"swap-{n // MESSAGES_PER_SENDER}",
                        questions[n % len(questions)][1],
                        timeout=REQUEST_TIMEOUT,
                    )
                    samples.append((sent, (time.monotonic() - sent) * 1000, bool(reply)))
                    n += 1
                    time.sleep(interval_s)

            thread = threading.Thread(target=traffic, daemon=True)
            thread.start()
            time.sleep(3)
            swap_start = time.monotonic()
            server.load(str(other))
            swap_end = time.monotonic()
            swapped = server.model_file() == other.name
            time.sleep(3)
            stop.set()
            thread.join(timeout=REQUEST_TIMEOUT)
        finally:
            _stop(rasa)

    def window(rows: List[Tuple[float, float, bool]]) -> Dict[str, Any]:
        ms = [m for _, m, _ in rows]
        return {
            "messages": len(rows),
            "failed": sum(not ok for _, _, ok in rows),
            "p50_ms": percentile(ms, 50),
            "max_ms": max(ms) if ms else None,
        }

    return {
        "swap_s": swap_end - swap_start,
        "swapped": swapped,
        "before": window([s for s in samples if s[0] + s[1] / 1000 < swap_start]),
        "during": window(
            [s for s in samples if s[0] < swap_end and s[0] + s[1] / 1000 >= swap_start]
        ),
        "after": window([s for s in samples if s[0] >= swap_end]),
    }


PROFILE_CHILD = """
import asyncio, cProfile, io, logging, pstats, sys
from bot.rasa_ext import lean
lean.install()
from bot.rasa_ext import patches
patches.install()
import bot.channels  # noqa: F401  (as the server: our channels, our tracker store)
from rasa.core.agent import load_agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.utils import AvailableEndpoints
from rasa.utils.common import configure_logging_and_warnings
from rasa.utils.log_utils import configure_structlog

configure_logging_and_warnings(logging.WARNING)
configure_structlog(logging.WARNING)  # else structlog prints every debug event
model, endpoints, text, top = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

async def main():
    agent = await load_agent(model_path=model, endpoints=AvailableEndpoints.read_endpoints(endpoints))
    async def one(sender):
        out = CollectingOutputChannel()
        await agent.handle_message(UserMessage(text, out, sender))
        return out.messages
    for n in range(3):  # warm-up: lazy set-up on the first messages
        await one(f"warm-{n}")
    profiler = cProfile.Profile()
    profiler.enable()
    messages = await one("profiled")
    profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(top)
    print(stream.getvalue())
    print("reply:", [m.get("text", "")[:60] for m in messages])

asyncio.run(main())
"""


def profile_one_message(
    model: Path,
    workdir: Path,
    text: str = "how much is membership for a medical student?",
    top: int = 40,
) -> str:
    """cProfile of one message handled as the REST channel does (Agent.handle_message) in a
    lean process set up like the server (our tracker store, action server, patches); the
    top functions by cumulative time. HTTP parsing by Sanic is not included."""
    import subprocess

    from bot.rasa_ext.process import rasa_env

    with _action_server(workdir) as (_, endpoints):
        result = subprocess.run(
            [sys.executable, "-c", PROFILE_CHILD, str(model), str(endpoints), text, str(top)],
            cwd=settings.PROJECT_ROOT,
            env={**rasa_env(), "LOG_LEVEL": "WARNING"},
            capture_output=True,
            text=True,
            timeout=300,
        )
    if result.returncode != 0:
        raise RuntimeError(f"profiling failed: {result.stderr[-2000:]}")
    return result.stdout


def lean_figures(model: Path, workdir: Path) -> Dict[str, Any]:
    """A second instance's memory, a model swap under traffic, and one message's profile."""
    progress("Lean server: a second instance, a model swap, one message's profile")
    for name in ("instances", "swap", "profile"):
        (workdir / name).mkdir(parents=True, exist_ok=True)
    return {
        "second_instance": second_instance_memory(model, workdir / "instances"),
        "model_swap": model_swap(model, workdir / "swap"),
        "profile": profile_one_message(model, workdir / "profile", top=25),
    }


def format_lean(lean: Dict[str, Any]) -> str:
    """The lean-server figures as plain lines under the table."""
    lines = ["Our server, further figures:"]
    for key, value in lean["second_instance"].items():
        lines.append(f"  {key:<28} {value:8.1f}")
    for key, value in lean["model_swap"].items():
        shown = f"{value:8.2f}" if isinstance(value, (int, float)) else json.dumps(value)
        lines.append(f"  swap {key:<23} {shown}")
    lines += ["", "Where one message's time goes (cProfile, cumulative):", lean["profile"]]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
