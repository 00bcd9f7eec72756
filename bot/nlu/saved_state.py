"""Creating and loading our NLU components whose trained state is one JSON file."""

from __future__ import annotations

import json
from typing import Any, ClassVar, Dict, Text, TypeVar

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

Component = TypeVar("Component", bound="JsonStateComponent")


class JsonStateComponent(GraphComponent):
    """`create` builds it untrained; `load` reads STATE_FILE from the model and passes it to
    `from_state` (a model without the file loads untrained: it then changes nothing)."""

    STATE_FILE: ClassVar[str]

    def __init__(
        self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource
    ) -> None:
        self.config = config
        self._model_storage = model_storage
        self._resource = resource

    @classmethod
    def from_state(
        cls: type[Component],
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        state: Any,
    ) -> Component:
        raise NotImplementedError

    def save_state(self, state: Any) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            (directory / self.STATE_FILE).write_text(json.dumps(state), "utf-8")

    @classmethod
    def create(
        cls: type[Component],
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Component:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls: type[Component],
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> Component:
        try:
            with model_storage.read_from(resource) as directory:
                state = json.loads((directory / cls.STATE_FILE).read_text("utf-8"))
        except (ValueError, FileNotFoundError):
            return cls(config, model_storage, resource)
        return cls.from_state(config, model_storage, resource, state)
