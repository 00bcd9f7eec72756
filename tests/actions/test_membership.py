"""Fee actions on a real database: every answer reflects the database at that moment."""
from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet

from actions.membership import ActionMembershipCategories, ActionMembershipFee
from bot.db.repositories import MembershipRepository
from tests.actions.conftest import make_tracker, run_action

pytestmark = pytest.mark.asyncio


def ruler_entity(value: str) -> dict:
    return {"entity": "membership_category", "value": value, "extractor": "SpacyEntityExtractor"}


async def test_fee_for_a_category_named_in_the_message(migrated_db: str, domain: dict) -> None:
    tracker = make_tracker("how much is it for a PGY-3", "membership_fee", [ruler_entity("PGY-3")])
    messages, events = await run_action(ActionMembershipFee(), tracker, domain)
    assert messages[0]["text"].startswith("Resident-in-Training membership of SIR is **$50 per year**")
    assert SlotSet("membership_category", "resident-in-training") in events


async def test_medical_students_are_told_it_is_free(migrated_db: str, domain: dict) -> None:
    tracker = make_tracker("med student fees?", "membership_fee", [ruler_entity("med student")])
    messages, _ = await run_action(ActionMembershipFee(), tracker, domain)
    assert "**free**" in messages[0]["text"]


async def test_unknown_category_asks_with_buttons(migrated_db: str, domain: dict) -> None:
    messages, events = await run_action(
        ActionMembershipFee(), make_tracker("how much is membership", "membership_fee"), domain
    )
    assert messages[0]["response"] == "utter_ask_membership_category"
    assert events == []
    from rasa.core.nlg.interpolator import interpolate_text

    buttons = domain["responses"]["utter_ask_membership_category"][0]["buttons"]
    payloads = [interpolate_text(b["payload"], {}) for b in buttons]  # as Rasa sends them
    assert '/inform_category{"membership_category":"medical-student"}' in payloads


@pytest.mark.parametrize(
    "text, slots",
    [
        ("how much are SIR dues for an attending IR?", {}),
        ("what about once I'm in practice?", {"membership_category": "resident-in-training"}),
    ],
)
async def test_dues_past_training_are_not_guessed(
    migrated_db: str, domain: dict, text: str, slots: dict
) -> None:
    MembershipRepository(migrated_db).set_fee("resident-in-training", "55")
    tracker = make_tracker(text, "membership_fee", slots=slots)
    messages, events = await run_action(ActionMembershipFee(), tracker, domain)
    assert messages[0]["text"].startswith("I don't have information on SIR's dues for attendings")
    assert "- **Resident-in-Training**: $55 per year" in messages[0]["text"]  # from the database
    assert events == []


async def test_a_trainee_category_said_with_a_career_plan_gets_its_fee(
    migrated_db: str, domain: dict
) -> None:
    tracker = make_tracker(
        "PGY-3 hoping to be faculty one day, what do I pay?", "membership_fee",
        [ruler_entity("PGY-3")],
    )
    messages, _ = await run_action(ActionMembershipFee(), tracker, domain)
    assert messages[0]["text"].startswith("Resident-in-Training membership of SIR is")


async def test_remembered_category_is_used(migrated_db: str, domain: dict) -> None:
    tracker = make_tracker("and the fee?", "membership_fee", slots={"membership_category": "fellow"})
    messages, _ = await run_action(ActionMembershipFee(), tracker, domain)
    assert messages[0]["text"].startswith("Fellow-in-Training membership")


async def test_button_payload_value_is_understood(migrated_db: str, domain: dict) -> None:
    entity = {"entity": "membership_category", "value": "scientist-in-training"}
    tracker = make_tracker('/inform_category{"membership_category":"scientist-in-training"}',
                           "inform_category", [entity])
    messages, _ = await run_action(ActionMembershipFee(), tracker, domain)
    assert messages[0]["text"].startswith("Scientist-in-Training membership of SIR is **$50")


async def test_a_fee_change_shows_in_the_next_answer(migrated_db: str, domain: dict) -> None:
    tracker = make_tracker("resident fee", "membership_fee", [ruler_entity("resident")])
    MembershipRepository().set_fee("resident-in-training", "80")
    messages, _ = await run_action(ActionMembershipFee(), tracker, domain)
    assert "**$80 per year**" in messages[0]["text"]


async def test_all_categories_listed_from_the_database(migrated_db: str, domain: dict) -> None:
    MembershipRepository().set_fee("fellow-in-training", "55.25")
    messages, _ = await run_action(ActionMembershipCategories(), make_tracker(), domain)
    text = messages[0]["text"]
    assert (
        "- **Medical Student** (medical students accepted to or enrolled in medical school): free"
        in text
    )
    assert "- **Fellow-in-Training** (fellows in training): $55.25 per year" in text


async def test_database_down_gets_a_polite_answer(
    monkeypatch: pytest.MonkeyPatch, tmp_path, domain: dict
) -> None:
    # Nothing listens on port 1: every query fails to connect.
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    tracker = make_tracker("fee for residents", "membership_fee", [ruler_entity("resident")])
    messages, _ = await run_action(ActionMembershipFee(), tracker, domain)
    assert [m["response"] for m in messages] == ["utter_fees_unavailable"]
    messages, _ = await run_action(ActionMembershipCategories(), make_tracker(), domain)
    assert messages[0]["response"] == "utter_fees_unavailable"
