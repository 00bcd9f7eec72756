"""Everything that reaches into Rasa 3.6's internals, in one version-checked place.

Rasa is used through its public surface (CLI, Agent, channels, tracker stores) except here.
The servers, `make chat`, training and evaluation all start Rasa through `launch.py`
(`python -m bot.rasa_ext.launch ...`) or, in-process, through `prepare()`; both check the
version first and refuse any Rasa that is not 3.6.x, since each item below was read off
3.6's source and may differ elsewhere.

Private Rasa names and behaviours the project relies on:
- `rasa.core.actions.action.RemoteAction._validate_action_result` and
  `RemoteAction.action_response_format_spec` (patches.py: cached validator);
- `rasa.core.processor.DaskGraphRunner` (the name the processor loads models with) and
  `rasa.engine.runner.dask.DaskGraphRunner`'s `_graph_schema`, `_instantiated_nodes` and
  `run` semantics (graph_runner.py: the sequential prediction runner);
- `rasa.nlu.utils.spacy_utils.SpacyNLP.load_model`, a static method both SpacyNLP nodes
  of a model's graph call (patches.py: one load per pipeline);
- `rasa.shared.core.events.Event.resolve_by_type` and
  `rasa.shared.utils.common.all_subclasses` (patches.py: cached event-type map);
- `rasa.core.tracker_store.SQLTrackerStore`: `session_scope` (replaced: it exits the
  process on any ValueError), `ensure_schema_exists`, `sessionmaker`, `_event_query`,
  `_additional_events`, the body of `save`, `SQLEvent` and its `id`, `type_name`,
  `action_name`, `data` columns (tracker_store.py: the windowed store); a custom store
  gets the endpoint's `url` as `host=` (`_load_from_module_name_in_endpoint_config`), and
  a `host` with "://" is used as the whole database URL (`get_db_url`);
- `rasa.core.lock_store.LockStore`: a custom store is built with `endpoint_config=`, and
  Rasa 3.6 uses a store only through `async with store.lock(conversation_id)` (agent.py,
  processor.py, server.py) (lock_store.py);
- `rasa.core.actions.action.DEFAULT_REQUEST_TIMEOUT`, read by `RemoteAction.run` at call
  time, and `rasa.server.configure_cors`, looked up at call time by `create_app` and
  `rasa.core.run` (patches.py);
- `rasa_sdk.endpoint.create_app` (actions_server.py: our action server entry point);
- Sanic reading `SANIC_REQUEST_MAX_SIZE` from the environment for Rasa's app (process.py);
- `rasa.utils.common.configure_logging_and_warnings`,
  `rasa.utils.log_utils.configure_structlog` (quiet.py);
- `rasa.__main__.main` reading `sys.argv` (launch.py);
- the `events` table's layout (bot/training/review.py reads it);
- the modules and behaviours the lean server replaces or refuses, listed in lean.py's own
  docstring (Rasa's TensorFlow-only modules, model loading's class resolution);
- `rasa.engine.graph.GraphComponent` and `DefaultV1Recipe.register` for our NLU
  components (bot/nlu/), public API, but their call order is 3.6's.
"""

from __future__ import annotations

SUPPORTED_SERIES = "3.6."
# Rasa's intent for a message the NLU fallback took over (rasa.shared.constants).
NLU_FALLBACK = "nlu_fallback"


class UnsupportedRasa(RuntimeError):
    """The installed Rasa is not the series these extensions were written against."""


def check_version(version: str | None = None) -> str:
    """The installed Rasa version; raises UnsupportedRasa unless it is 3.6.x."""
    if version is None:  # read without importing Rasa: the lean install must come first
        from importlib.metadata import version as installed_version

        version = installed_version("rasa")
    if not version.startswith(SUPPORTED_SERIES):
        raise UnsupportedRasa(
            f"This project extends Rasa {SUPPORTED_SERIES}x internals (see bot/rasa_ext/), "
            f"but Rasa {version} is installed. Install the locked versions: `make install`."
        )
    return version


def prepare(quiet: bool = True) -> None:
    """Get an in-process Rasa ready: version checked, patches installed, logs quieted."""
    from bot.rasa_ext import patches
    from bot.rasa_ext.quiet import quiet_rasa

    check_version()
    if quiet:
        quiet_rasa()
    patches.install()
