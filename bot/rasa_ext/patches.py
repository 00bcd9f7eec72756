"""Fixes for Rasa 3.6 internals, installed by the launcher (bot/rasa_ext/launch.py).

Four replace a recomputation of something constant; behaviour is unchanged.
- RemoteAction checks every action-server reply against a JSON schema with
  `jsonschema.validate`, which re-checks the schema and builds a new validator on each
  call: about 16 ms of a custom-action turn here. The validator is now built once.
- `Event.resolve_by_type` walks every Event subclass (with `inspect.isabstract` on each)
  for each stored event it deserialises: about 1.5 ms per message. The name-to-class map
  is now built once, and rebuilt if a name is not found (a class imported later).
- A model's graph has two SpacyNLP nodes (`provide_SpacyNLP0`, which gives the spaCy
  pipeline to the others, and `run_SpacyNLP0`, which uses the one it is given), and each
  loads the pipeline with `SpacyNLP.load_model`: 2 x 1.5 s of start-up and of every model
  swap. The loaded pipeline is now kept per name and reused while its files are unchanged
  (a rebuilt pipeline, `bot nlp build`, is loaded afresh).
- Rasa runs a model's graph three times per message through dask's scheduler; the
  prediction graph now runs through `graph_runner.SequentialGraphRunner`, a plan per set of
  targets computed once (see its docstring).

Two make a public server safe:
- RemoteAction waits up to `DEFAULT_REQUEST_TIMEOUT` (five minutes) for the action
  server; it now waits `settings.action_timeout()` (3 s), so the user gets the apology.
- `rasa.server.configure_cors` applies CORS to every route (the token-protected API
  included), with credentials allowed and `Access-Control-Max-Age: None`. It now applies
  only to the widget's message route, for the origins in WIDGET_ALLOWED_ORIGINS, without
  credentials (the widget sends none), with a real max age. Rasa's `--cors` is ignored.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Optional, Text, Tuple, Type

_INSTALLED = False


@lru_cache(maxsize=1)
def _action_response_validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(self: Any, result: Dict[Text, Any]) -> bool:
    """Drop-in for RemoteAction._validate_action_result with a cached validator."""
    from jsonschema import ValidationError
    from rasa.shared.constants import DOCS_BASE_URL

    try:
        _action_response_validator().validate(result)
        return True
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your "
            "response from the Action endpoint is valid. For more information about the "
            f"format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error


_EVENT_CLASSES: Dict[str, Any] = {}


def _event_classes() -> Dict[str, Any]:
    """type_name -> the first concrete Event subclass with it (Rasa's own order)."""
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    classes: Dict[str, Any] = {}
    for cls in all_subclasses(Event):
        classes.setdefault(cls.type_name, cls)
    return classes


def resolve_by_type(type_name: Text, default: Optional[Type] = None) -> Optional[Type]:
    """Drop-in for Event.resolve_by_type with a cached name-to-class map."""
    global _EVENT_CLASSES
    cls = _EVENT_CLASSES.get(type_name)
    if cls is None:
        _EVENT_CLASSES = _event_classes()
        cls = _EVENT_CLASSES.get(type_name)
    if cls is not None:
        return cls
    if type_name == "topic":
        return None  # as Rasa: old TopicSet events
    if default is not None:
        return default
    raise ValueError(f"Unknown event name '{type_name}'.")


_SPACY_MODELS: Dict[str, Tuple[Tuple[Any, ...], Any]] = {}


def _files_fingerprint(name: str) -> Tuple[Any, ...]:
    """Each file's path, size and mtime under a pipeline directory (a package name: ())."""
    from pathlib import Path

    root = Path(name)
    if not root.is_dir():
        return ()
    return tuple(
        (str(path.relative_to(root)), stat.st_size, stat.st_mtime_ns)
        for path in sorted(root.rglob("*"))
        if path.is_file() and (stat := path.stat())
    )


def shared_spacy_loader(load: Any) -> Any:
    """SpacyNLP.load_model, loading each pipeline once while its files are unchanged."""

    def load_model(spacy_model_name: Text) -> Any:
        fingerprint = _files_fingerprint(spacy_model_name) if spacy_model_name else ()
        kept = _SPACY_MODELS.get(spacy_model_name)
        if kept is not None and kept[0] == fingerprint:
            return kept[1]
        model = load(spacy_model_name)
        _SPACY_MODELS[spacy_model_name] = (fingerprint, model)
        return model

    load_model.__wrapped__ = load  # type: ignore[attr-defined]
    return load_model


WIDGET_ROUTE = "/webhooks/web/webhook"  # an exact path (sanic_cors compares plain strings)
CORS_MAX_AGE = 600


def configure_cors(app: Any, cors_origins: Any = None) -> None:
    """Drop-in for rasa.server.configure_cors: CORS on the widget's route only."""
    import os

    from sanic_cors import CORS

    from bot.origins import allowed_origins

    origins = sorted(allowed_origins(os.environ.get("WIDGET_ALLOWED_ORIGINS")))
    app.config.CORS_AUTOMATIC_OPTIONS = True
    app.config.CORS_SUPPORTS_CREDENTIALS = False
    CORS(
        app,
        resources={WIDGET_ROUTE: {"origins": origins or [""]}},
        automatic_options=True,
        supports_credentials=False,
        methods=["POST", "OPTIONS"],
        allow_headers=["Content-Type"],
        max_age=CORS_MAX_AGE,
    )


def install() -> None:
    """Apply the fixes once (idempotent)."""
    global _INSTALLED
    if _INSTALLED:
        return
    import rasa.core.actions.action as action_module
    import rasa.core.processor as processor_module
    import rasa.server
    from rasa.core.actions.action import RemoteAction
    from rasa.nlu.utils.spacy_utils import SpacyNLP
    from rasa.shared.core.events import Event

    from bot import settings
    from bot.rasa_ext.graph_runner import SequentialGraphRunner

    RemoteAction._validate_action_result = validate_action_result
    Event.resolve_by_type = staticmethod(resolve_by_type)
    action_module.DEFAULT_REQUEST_TIMEOUT = settings.action_timeout()
    rasa.server.configure_cors = configure_cors
    processor_module.DaskGraphRunner = SequentialGraphRunner  # prediction only, not training
    SpacyNLP.load_model = staticmethod(shared_spacy_loader(SpacyNLP.load_model))
    _INSTALLED = True
