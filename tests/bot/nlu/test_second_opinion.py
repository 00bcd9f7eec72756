"""The second opinion: a prediction stands only if the length-normalised classifier agrees."""

from __future__ import annotations

from typing import List, Optional

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix

from bot.nlu.second_opinion import SecondOpinion, normalised

# Toy features: counts of "fee", "member", "step", "score".
FEE, STEP = [2, 1, 0, 0], [0, 0, 1, 2]


def featurised(counts: List[int], intent: Optional[str] = None) -> Message:
    message = Message(data={"text": "x", **({"intent": intent} if intent else {})})
    sentence = csr_matrix(np.array([counts], dtype=float))
    message.add_features(Features(sentence, "sentence", "text", "CountVectorsFeaturizer"))
    return message


def predicted(counts: List[int], intent: str) -> Message:
    message = featurised(counts)
    message.set("intent", {"name": intent, "confidence": 0.7})
    message.set("intent_ranking", [{"name": intent, "confidence": 0.7}])
    return message


@pytest.fixture
def trained(tmp_path) -> SecondOpinion:
    storage, resource = LocalModelStorage(tmp_path), Resource("second_opinion")
    context = ExecutionContext(graph_schema=None, node_name="second_opinion")  # type: ignore[arg-type]
    component = SecondOpinion.create({}, storage, resource, context)
    examples = [featurised(FEE, "membership_fee"), featurised([1, 2, 0, 0], "membership_fee")]
    examples += [featurised(STEP, "usmle_scores"), featurised([0, 0, 2, 1], "usmle_scores")]
    component.train(TrainingData(examples))
    return SecondOpinion.load({}, storage, resource, context)


def test_counts_are_dampened_and_every_question_has_unit_length() -> None:
    rows = normalised(csr_matrix(np.array([[1, 0, 3], [10, 0, 30], [0, 0, 0]], dtype=float)))
    lengths = np.sqrt(np.asarray(rows.multiply(rows).sum(axis=1))).ravel()
    assert lengths == pytest.approx([1.0, 1.0, 0.0])
    # log(1 + count): a word said thrice weighs less than three times a word said once
    short = rows.toarray()[0]
    assert short[2] / short[0] == pytest.approx(np.log(4) / np.log(2))


def test_a_prediction_it_agrees_with_stands(trained: SecondOpinion) -> None:
    (message,) = trained.process([predicted(FEE, "membership_fee")])
    assert message.get("intent")["name"] == "membership_fee"
    assert message.get("second_opinion") == "membership_fee"


def test_a_prediction_it_disagrees_with_goes_to_the_fallback(trained: SecondOpinion) -> None:
    (message,) = trained.process([predicted(STEP, "membership_fee")])
    assert message.get("intent") == {"name": "nlu_fallback", "confidence": 0.7}
    # the old ranking stays after it: the fallback offers those topics as buttons
    assert [r["name"] for r in message.get("intent_ranking")] == [
        "nlu_fallback",
        "membership_fee",
    ]


def test_safety_and_cant_answer_intents_are_never_overruled(trained: SecondOpinion) -> None:
    for intent in ("medical_emergency", "medical_advice", "no_info", "out_of_scope", "greet"):
        (message,) = trained.process([predicted(STEP, intent)])
        assert message.get("intent")["name"] == intent
        assert message.get("second_opinion") is None
