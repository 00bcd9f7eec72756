"""Measure the release gate's noise margin: how far held-out scores move between trainings
that are equally good.

Our classifier (LogisticRegression, lbfgs) is deterministic: its random_state is not used by
lbfgs, and the order of examples only changes floating-point rounding. So a different seed
says nothing about noise. What does move the scores is the training data itself: any small
edit staff make (a few examples more or less) shifts borderline held-out questions between
intents. This tool measures both: runs with a different random_state and example order, and
runs that each leave out a different random 10% of every intent's examples. The largest
drop seen between two such runs is the margin below which a candidate is not called worse.

    python -m bot.training.noise [--runs 3]     # trains 2 x runs models, one at a time
"""

from __future__ import annotations

import argparse
import itertools
import random
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

from bot.training.data import examples_of
from bot.training.evaluate import evaluate
from bot.training.metrics import per_intent_f1
from bot.training.model import train
from bot.training.project import Project


@dataclass
class Run:
    label: str
    accuracy: float
    macro_f1: float
    f1: Dict[str, float]


def perturb(project: Project, seed: int, keep: float, shuffle: bool) -> None:
    """Rewrite the copy's NLU files: shuffled and/or a random `keep` share of each intent."""
    rng = random.Random(seed)
    for path in project.nlu_files():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in data.get("nlu", []):
            if "intent" not in item:
                continue
            examples = examples_of(item["examples"])
            if keep < 1:
                examples = rng.sample(examples, max(10, round(len(examples) * keep)))
            if shuffle:
                rng.shuffle(examples)
            item["examples"] = "".join(f"- {e}\n" for e in examples)
        if shuffle:
            rng.shuffle(data["nlu"])
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    config = project.config.read_text(encoding="utf-8")
    project.config.write_text(config.replace("random_state: 42", f"random_state: {seed}"))


def wait_for_other_trainings(poll: float = 5.0) -> None:
    """On a small machine two trainings at once distort both: wait for any `rasa train`."""
    while subprocess.run(["pgrep", "-f", "rasa train"], capture_output=True).returncode == 0:
        time.sleep(poll)


def one_run(label: str, seed: int, keep: float, shuffle: bool, work: Path) -> Run:
    copy = Project.default().copy_to(work / label)
    wait_for_other_trainings()
    perturb(copy, seed, keep, shuffle)
    model = train(
        root=copy.root,
        models_dir=work / "models",
        prefix=f"noise-{label}-",
        force=True,
        progress=print,
    )
    result = evaluate(model, copy.heldout)
    return Run(label, result.accuracy, result.macro_f1, per_intent_f1(result))


def largest_drops(runs: List[Run]) -> Tuple[float, float, List[Tuple[str, str, str, float]]]:
    """(largest accuracy drop, largest per-intent F1 drop, every intent drop > 0) over pairs."""
    accuracy, f1, drops = 0.0, 0.0, []
    for a, b in itertools.permutations(runs, 2):
        accuracy = max(accuracy, a.accuracy - b.accuracy)
        for intent, value in a.f1.items():
            drop = value - b.f1.get(intent, 0.0)
            if drop > 1e-9:
                drops.append((a.label, b.label, intent, drop))
                f1 = max(f1, drop)
    return accuracy, f1, drops


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bot-noise-") as tmp:
        work = Path(tmp)
        seeded = [one_run(f"seed{i}", i, 1.0, True, work) for i in range(1, args.runs + 1)]
        sampled = [
            one_run(f"sample{i}", 100 + i, 0.9, False, work) for i in range(1, args.runs + 1)
        ]
    for name, runs in (("random_state + example order", seeded), ("90% subsamples", sampled)):
        accuracy, f1, drops = largest_drops(runs)
        print(f"\n{name}:")
        for run in runs:
            print(f"  {run.label:<8} accuracy {run.accuracy:.4f}  macro F1 {run.macro_f1:.4f}")
        print(f"  largest accuracy drop between two runs: {accuracy:.4f}")
        print(f"  largest per-intent F1 drop between two runs: {f1:.4f}")
        worst = sorted(drops, key=lambda d: -d[3])[:8]
        for a, b, intent, drop in worst:
            print(f"    {intent:<26} {a} -> {b}: -{drop:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
