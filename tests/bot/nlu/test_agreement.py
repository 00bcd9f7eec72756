"""The agreement gate: a prediction stands only if the question's words belong to it."""

from __future__ import annotations

from typing import Optional

from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.agreement import IntentAgreementGate

VOCABULARY = {
    "membership_fee": ["membership", "fee", "cost", "dues", "resident", "student"],
    "ir_specialty_recognition": ["specialty", "abms", "recognize", "2012"],
    "usmle_scores": ["step", "score", "usmle"],
    "goodbye": ["bye", "later", "see"],
    "medical_emergency": ["bleeding", "chest", "pain"],
}


def gate(**config) -> IntentAgreementGate:
    return IntentAgreementGate(config, None, None, VOCABULARY)  # type: ignore[arg-type]


def predicted(text: str, intent: str, confidence: float = 0.6) -> Message:
    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": confidence})
    message.set("intent_ranking", [{"name": intent, "confidence": confidence}])
    return message


def after(text: str, intent: str, confidence: float = 0.6) -> Optional[str]:
    (message,) = gate().process([predicted(text, intent, confidence)])
    return message.get("intent")["name"]


def test_a_question_about_something_else_goes_to_the_fallback() -> None:
    assert after("what step score do I need for IR", "ir_specialty_recognition") == "nlu_fallback"


def test_a_question_about_the_intent_keeps_it_typos_forgiven() -> None:
    assert after("how much are the dues for a resident", "membership_fee") == "membership_fee"
    assert after("membershp cost for residency", "membership_fee") == "membership_fee"


def test_words_no_intent_knows_are_not_held_against_it() -> None:
    assert after("what is the purpose of the specialty", "ir_specialty_recognition") == (
        "ir_specialty_recognition"
    )


def test_confident_predictions_and_emergencies_are_never_gated() -> None:
    assert after("what step score do I need", "ir_specialty_recognition", 0.95) == (
        "ir_specialty_recognition"
    )
    assert after("step score usmle", "medical_emergency") == "medical_emergency"


def test_a_real_question_is_never_a_goodbye() -> None:
    assert after("how do I know my step score?", "goodbye", 0.9) == "nlu_fallback"
    assert after("ok bye, see you later", "goodbye") == "goodbye"


def test_words_count_by_how_few_intents_use_them() -> None:
    """A word of many intents says little: the question is judged by its telling words, not
    thrown out on one leftover word (as when "rotation" had become generic and "site"
    decided)."""
    vocabulary = {
        "away_rotations": ["away", "rotation", "choose", "program"],
        "application_advice": ["rotation", "program", "letter", "site"],
        "match_competitiveness": ["rotation", "program", "match", "competitive"],
        "usmle_scores": ["step", "score", "program"],
    }
    gate = IntentAgreementGate({}, None, None, vocabulary)  # type: ignore[arg-type]
    assert gate.weight["away"] > gate.weight["rotation"] > gate.weight["program"]
    (kept,) = gate.process([predicted("choosing a site for an away rotation", "away_rotations")])
    assert kept.get("intent")["name"] == "away_rotations"
    (gated,) = gate.process([predicted("which step score for a rotation", "away_rotations")])
    assert gated.get("intent")["name"] == "nlu_fallback"


def test_it_learns_each_intents_words(tmp_path) -> None:
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    storage = LocalModelStorage(tmp_path)
    resource = Resource("gate")
    examples = [Message(data={"text": t, "intent": i}) for t, i in [
        ("how much is the membership fee", "membership_fee"),
        ("fee for a resident member", "membership_fee"),
        ("when was ir recognised as a specialty", "ir_specialty_recognition"),
        ("what step 1 score for ir", "usmle_scores"),
    ]]
    trained = IntentAgreementGate({}, storage, resource)
    trained.train(TrainingData(examples))
    loaded = IntentAgreementGate.load({}, storage, resource, None)  # type: ignore[arg-type]
    assert "fee" in loaded.vocabulary["membership_fee"]
    assert loaded.weight["fee"] > loaded.weight["ir"]  # one intent against two of three
    (message,) = loaded.process([predicted("what step score", "membership_fee")])
    assert message.get("intent")["name"] == "nlu_fallback"
