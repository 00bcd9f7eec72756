"""The cached validator for action-server replies checks exactly what Rasa's did."""
from __future__ import annotations

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction

from bot.rasa_ext import prepare
from bot.rasa_ext.patches import resolve_by_type, validate_action_result

prepare(quiet=False)  # as the launcher does before Rasa runs

GOOD = [
    {"events": [{"event": "slot", "name": "membership_category", "value": "x"}],
     "responses": [{"text": "hi", "buttons": [{"title": "a", "payload": "/b"}]}]},
    {"events": [], "responses": []},
    {},
]
BAD = [
    {"events": [{"name": "no event type"}]},
    {"responses": "not a list"},
    {"events": [{"event": "slot"}]},
]


def test_rasa_uses_the_cached_validator() -> None:
    assert RemoteAction._validate_action_result is validate_action_result


@pytest.mark.parametrize("reply", GOOD)
def test_valid_replies_pass_as_before(reply: dict) -> None:
    validate(reply, RemoteAction.action_response_format_spec())
    assert validate_action_result(None, reply) is True


@pytest.mark.parametrize("reply", BAD)
def test_invalid_replies_fail_as_before(reply: dict) -> None:
    with pytest.raises(ValidationError):
        validate(reply, RemoteAction.action_response_format_spec())
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        validate_action_result(None, reply)


def test_event_types_resolve_exactly_as_rasa_does() -> None:
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    assert Event.resolve_by_type is resolve_by_type
    for cls in all_subclasses(Event):
        expected = next(c for c in all_subclasses(Event) if c.type_name == cls.type_name)
        assert resolve_by_type(cls.type_name) is expected
    assert resolve_by_type("topic") is None
    assert resolve_by_type("no-such-event", default=int) is int
    with pytest.raises(ValueError, match="Unknown event name"):
        resolve_by_type("no-such-event")


def test_an_event_class_defined_later_is_found() -> None:
    from rasa.shared.core.events import SlotSet

    class LateEvent(SlotSet):
        type_name = "late_event_for_test"

    assert resolve_by_type("late_event_for_test") is LateEvent
