"""A model's held-out results, kept in the registry so they are computed once per model.

Loading a model and parsing every held-out question takes a while; the release gate and
`bot evaluate` compare two models, and the released one was evaluated when it was trained.
The results are stored with a fingerprint of the held-out file, and recomputed only when
that file changed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Dict, Optional

from bot.errors import StaffError
from bot.training.evaluate import Evaluation, evaluate
from bot.training.registry import ModelRecord, ModelRegistry

NOT_INTENTS = ("accuracy", "macro avg", "weighted avg")


def heldout_fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def per_intent_f1(evaluation: Evaluation) -> Dict[str, float]:
    return {
        k: round(v["f1-score"], 4) for k, v in evaluation.report.items() if k not in NOT_INTENTS
    }


def to_metrics(evaluation: Evaluation, heldout: Path) -> Dict[str, Any]:
    """JSON for the registry: the figures staff read, and the predictions behind them."""
    return {
        "heldout": heldout_fingerprint(heldout),
        "questions": len(evaluation.texts),
        "accuracy": round(evaluation.accuracy, 4),
        "macro_f1": round(evaluation.macro_f1, 4),
        "per_intent_f1": per_intent_f1(evaluation),
        "texts": evaluation.texts,
        "expected": evaluation.expected,
        "predicted": evaluation.predicted,
        "fell_back": evaluation.fell_back,
    }


def from_metrics(metrics: Dict[str, Any]) -> Evaluation:
    from sklearn.metrics import classification_report

    evaluation = Evaluation(
        texts=list(metrics["texts"]),
        expected=list(metrics["expected"]),
        predicted=list(metrics["predicted"]),
        fell_back=list(metrics["fell_back"]),
    )
    evaluation.report = classification_report(
        evaluation.expected, evaluation.predicted, output_dict=True, zero_division=0
    )
    return evaluation


def cached(record: ModelRecord, heldout: Path) -> Optional[Evaluation]:
    metrics = record.metrics or {}
    if metrics.get("heldout") == heldout_fingerprint(heldout) and "predicted" in metrics:
        return from_metrics(metrics)
    return None


def evaluation_for(record: ModelRecord, heldout: Path, registry: ModelRegistry) -> Evaluation:
    """The model's results on `heldout`: stored ones when still valid, else computed and stored."""
    result = cached(record, heldout)
    if result is None:
        if not Path(record.path).exists():
            raise StaffError(f"The file of model {record.label} is missing: {record.path}.")
        result = evaluate(Path(record.path), heldout)
        registry.set_metrics(record.id, to_metrics(result, heldout))
    return result
