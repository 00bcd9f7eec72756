"""The held-out NLU test: questions never used for training, written differently."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.settings import PROJECT_ROOT
from bot.training.evaluate import HELDOUT, evaluate, format_report, load_heldout

TARGET_ACCURACY = 0.95
MIN_PER_INTENT = 5


def normalise(text: str) -> str:
    return re.sub(r"[^a-z0-9 ]", "", re.sub(r"\s+", " ", text.lower())).strip()


def training_examples() -> dict:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(PROJECT_ROOT / "data" / "nlu"))
    return {normalise(m.get("text")): m.get("intent") for m in data.intent_examples}


def test_heldout_covers_every_intent_and_never_appears_in_training() -> None:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    heldout = load_heldout()
    counts = {}
    for _, intent in heldout:
        counts[intent] = counts.get(intent, 0) + 1
    assert set(counts) == set(domain["intents"])
    assert min(counts.values()) >= MIN_PER_INTENT
    training = training_examples()
    leaked = [text for text, _ in heldout if normalise(text) in training]
    assert leaked == []


def test_training_data_has_enough_varied_examples() -> None:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(PROJECT_ROOT / "data" / "nlu"))
    per_intent = {}
    for message in data.intent_examples:
        per_intent.setdefault(message.get("intent"), []).append(message.get("text"))
    assert all(len(examples) >= 15 for examples in per_intent.values()), {
        intent: len(examples) for intent, examples in per_intent.items() if len(examples) < 15
    }


def test_heldout_accuracy_meets_the_target(trained_model: Path) -> None:
    result = evaluate(trained_model, HELDOUT)
    print(format_report(result))
    assert result.accuracy >= TARGET_ACCURACY, format_report(result)
    assert result.macro_f1 >= TARGET_ACCURACY - 0.02, format_report(result)
