"""Held-out NLU evaluation: accuracy, macro F1 and a per-intent table.

The held-out questions in tests/nlu/heldout.yml are never used for training. A prediction
counts as the classifier's top intent; questions sent to the low-confidence fallback are
counted separately, because the user then gets topic buttons rather than a wrong answer.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from bot import settings
from bot.rasa_ext import NLU_FALLBACK

HELDOUT = settings.PROJECT_ROOT / settings.HELDOUT_FILE


@dataclass
class Evaluation:
    texts: List[str]
    expected: List[str]
    predicted: List[str]
    fell_back: List[bool]
    report: Dict[str, Dict[str, float]] = field(default_factory=dict)

    @property
    def accuracy(self) -> float:
        hits = sum(e == p for e, p in zip(self.expected, self.predicted))
        return hits / len(self.expected) if self.expected else 0.0

    @property
    def macro_f1(self) -> float:
        return self.report.get("macro avg", {}).get("f1-score", 0.0)

    @property
    def fallback_rate(self) -> float:
        return sum(self.fell_back) / len(self.fell_back) if self.fell_back else 0.0

    def errors(self) -> List[Tuple[str, str, str]]:
        return [(t, e, p) for t, e, p in zip(self.texts, self.expected, self.predicted) if e != p]


def load_heldout(path: Path = HELDOUT) -> List[Tuple[str, str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples]


async def _parse_all(model: Path, texts: List[str]) -> List[dict]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    return [await agent.parse_message(text) for text in texts]


def top_intent(parsed: dict) -> Tuple[str, bool]:
    """(the classifier's best intent, whether the fallback took over)."""
    name = str((parsed.get("intent") or {}).get("name"))
    if name != NLU_FALLBACK:
        return name, False
    ranking = [r for r in parsed.get("intent_ranking", []) if r.get("name") != NLU_FALLBACK]
    return (ranking[0]["name"] if ranking else NLU_FALLBACK), True


def evaluate(model: Path, path: Path = HELDOUT) -> Evaluation:
    from sklearn.metrics import classification_report

    from bot.rasa_ext import prepare

    prepare()
    os.chdir(settings.PROJECT_ROOT)  # config.yml names the spaCy pipeline relative to it
    examples = load_heldout(path)
    texts = [t for t, _ in examples]
    parsed = asyncio.run(_parse_all(model, texts))
    tops = [top_intent(p) for p in parsed]
    evaluation = Evaluation(
        texts=texts,
        expected=[i for _, i in examples],
        predicted=[name for name, _ in tops],
        fell_back=[fb for _, fb in tops],
    )
    evaluation.report = classification_report(
        evaluation.expected, evaluation.predicted, output_dict=True, zero_division=0
    )
    return evaluation


def format_report(evaluation: Evaluation) -> str:
    lines = [
        f"Held-out questions: {len(evaluation.texts)}",
        f"Intent accuracy:    {evaluation.accuracy:.1%}",
        f"Macro F1:           {evaluation.macro_f1:.3f}",
        f"Sent to fallback:   {evaluation.fallback_rate:.1%} (topic buttons instead of an answer)",
        "",
        f"{'intent':<26} {'precision':>9} {'recall':>7} {'f1':>6} {'n':>4}",
    ]
    for intent, row in sorted(evaluation.report.items()):
        if intent in ("accuracy", "macro avg", "weighted avg"):
            continue
        lines.append(
            f"{intent:<26} {row['precision']:>9.2f} {row['recall']:>7.2f} "
            f"{row['f1-score']:>6.2f} {int(row['support']):>4}"
        )
    errors = evaluation.errors()
    if errors:
        lines += ["", "Misclassified:"]
        lines += [f"  {text!r}: expected {exp}, got {pred}" for text, exp, pred in errors]
    return "\n".join(lines)


def main(
    model: Optional[str] = None,
    root: Optional[Path] = None,
    models_dir: Optional[Path] = None,
    heldout: Path = HELDOUT,
) -> int:
    """`make evaluate`: the held-out report of `model` (default: the current data's model,
    trained if needed), then the realistic questions answered by the running assistant."""
    from bot.training import realistic
    from bot.training.model import train

    path = Path(model) if model else train(root=root, models_dir=models_dir)
    print(format_report(evaluate(path, heldout)))
    for report in realistic.evaluate_model(path):
        shown = report.source not in realistic.HIDDEN_FAILURES
        print("\n" + report.format(failures=shown), flush=True)
    return 0
