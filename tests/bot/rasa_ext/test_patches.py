"""The cached validator for action-server replies checks exactly what Rasa's did."""
from __future__ import annotations

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction

from bot.rasa_ext import patches, prepare
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


def test_rasa_loads_each_spacy_pipeline_through_the_shared_loader() -> None:
    from rasa.nlu.utils.spacy_utils import SpacyNLP

    assert SpacyNLP.load_model.__wrapped__ is not None  # type: ignore[attr-defined]


def test_a_spacy_pipeline_is_loaded_once_while_its_files_are_unchanged(tmp_path) -> None:
    import os

    pipeline = tmp_path / "en_test"
    pipeline.mkdir()
    (pipeline / "config.cfg").write_text("[nlp]\n")
    loads: list = []

    def load(name: str) -> object:
        loads.append(name)
        return object()

    load_model = patches.shared_spacy_loader(load)
    first = load_model(str(pipeline))
    assert load_model(str(pipeline)) is first and len(loads) == 1
    stat = (pipeline / "config.cfg").stat()
    (pipeline / "config.cfg").write_text("[nlp]\nlang = en\n")  # `bot nlp build` again
    os.utime(pipeline / "config.cfg", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    second = load_model(str(pipeline))
    assert second is not first and len(loads) == 2
    assert load_model(str(pipeline)) is second and len(loads) == 2
