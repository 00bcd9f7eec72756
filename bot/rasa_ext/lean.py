"""Keep TensorFlow and the other heavy libraries our pipeline never uses out of the Rasa server.

Why: importing Rasa's server imports TensorFlow (about 6 s and 480 MB) although our config
(config.yml) has no TensorFlow component. `install()` must run in the serving process before
Rasa is imported; from then on:

- each of UNUSED_LIBRARIES (the SDKs of channels and tracker stores we do not use) is a
  stand-in package whose every public name is such a placeholder;
- importing a REFUSED package (TensorFlow and its family, Keras, JAX, PyTorch, Transformers)
  raises `LeanImportError` (a ModuleNotFoundError, so libraries that merely probe for them,
  like thinc, see "not installed"), naming the module that tried;
- each of Rasa's own TensorFlow-only modules (STAND_INS) is replaced by a stand-in whose
  top-level names (read from the real module's source, never executed) are placeholder
  classes. Rasa's other modules import those names at import time and never use them while
  serving; any use (instantiating, `load`, any attribute) raises `LeanServerError`. So a model
  whose graph needs such a component fails loudly when it is loaded, never answers
  differently.

Rasa 3.6 names and behaviours relied on (checked for 3.6.x only; see `check_rasa_version`):
- `rasa.utils.train_utils` imports `RasaTrainingLogger`, `RasaModelCheckpoint`
  (rasa.utils.tensorflow.callback) and `RasaBatchDataGenerator`
  (rasa.utils.tensorflow.data_generator) at import time and uses them only in training; it
  is imported by `rasa.nlu.extractors.extractor` <- `rasa.core.featurizers.
  single_state_featurizer` <- `tracker_featurizers` <- `rasa.core.policies.policy` <-
  `rasa.core.agent` <- `rasa.server`.
- Loading a model, `ModelMetadata.from_dict` -> `GraphSchema.from_dict` resolves every class
  of the *train* schema with `rasa.shared.utils.common.class_from_module_path` (getattr on
  the module, then `inspect.isclass`), including `DefaultV1RecipeValidator`, whose module
  imports `DIETClassifier`, `ResponseSelector` and `TEDPolicy` at import time.
- `rasa.engine.recipes.default_components` (imported by `DefaultV1Recipe._from_registry`,
  i.e. training) imports every default component; in the server it is not imported.
- `rasa.__main__.main` calls `rasa.utils.tensorflow.environment.setup_tf_environment()`,
  which imports TensorFlow only when TF_INTER_OP_PARALLELISM_THREADS,
  TF_INTRA_OP_PARALLELISM_THREADS or TF_GPU_MEMORY_ALLOC is set (then: LeanImportError).
- The Rasa modules that import TensorFlow at module level are exactly STAND_INS (a grep of
  Rasa 3.6.21's source: `import tensorflow` / `from tensorflow` at top level).
"""

from __future__ import annotations

import ast
import importlib.abc
import importlib.machinery
import importlib.metadata
import sys
import types
from typing import Any, Dict, List, Optional, Sequence, Set

SUPPORTED_RASA = "3.6."

# Top-level packages the serving process must never import (what pulled them in before:
# TensorFlow via Rasa; Keras, JAX, h5py, TensorBoard via TensorFlow; the others via optional
# Rasa components our config does not use).
REFUSED = frozenset(
    {
        "tensorflow",
        "tensorflow_hub",
        "tensorflow_text",
        "tensorflow_addons",
        "tensorflow_probability",
        "tensorflow_io_gcs_filesystem",
        "tensorboard",
        "keras",
        "tf_keras",
        "jax",
        "jaxlib",
        "h5py",
        "torch",
        "transformers",
    }
)

# Rasa 3.6 modules that import TensorFlow at module level.
STAND_INS = frozenset(
    {
        "rasa.core.policies.ted_policy",
        "rasa.core.policies.unexpected_intent_policy",
        "rasa.nlu.classifiers.diet_classifier",
        "rasa.nlu.featurizers.dense_featurizer.convert_featurizer",
        "rasa.nlu.featurizers.dense_featurizer.lm_featurizer",
        "rasa.nlu.selectors.response_selector",
        "rasa.utils.tensorflow.callback",
        "rasa.utils.tensorflow.crf",
        "rasa.utils.tensorflow.data_generator",
        "rasa.utils.tensorflow.layers",
        "rasa.utils.tensorflow.layers_utils",
        "rasa.utils.tensorflow.metrics",
        "rasa.utils.tensorflow.models",
        "rasa.utils.tensorflow.rasa_layers",
        "rasa.utils.tensorflow.transformer",
        "rasa.utils.tensorflow.types",
    }
)

# Third-party libraries that Rasa's modules import at module level only for features this
# deployment does not use: other channels' SDKs (credentials.yml names only our REST, web
# and Slack channels), other tracker stores' drivers, plotting for `rasa test`. Each is
# served as a stand-in package whose every public name is a placeholder that refuses any
# use, so Rasa's modules import as before (peak RSS 259 -> 233 MB, measured).
UNUSED_LIBRARIES = frozenset(
    {
        "aiogram",  # rasa.core.channels.telegram
        "webexteamssdk",  # rasa.core.channels.webexteams
        "twilio",  # rasa.core.channels.twilio, twilio_voice
        "fbmessenger",  # rasa.core.channels.facebook
        "google.auth",  # rasa.core.channels.hangouts
        "google.oauth2",  # rasa.core.channels.hangouts
        "socketio",  # rasa.core.channels.socketio
        "pymongo",  # rasa.core.tracker_store (MongoTrackerStore)
        "boto3",  # rasa.core.tracker_store (DynamoTrackerStore)
        "matplotlib",  # rasa.utils.plotting (`rasa test` reports)
    }
)

HINT = "Serve a model or configuration that needs it without the lean install: set BOT_LEAN=0."


class LeanServerError(RuntimeError):
    """A code path that needs TensorFlow was reached in the lean server."""


class LeanImportError(ModuleNotFoundError):
    """An import of a package the lean server refuses."""


def _importer() -> str:
    """The module and line that started the current import (outside importlib and here)."""
    frame: Optional[types.FrameType] = sys._getframe(1)
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        filename = frame.f_code.co_filename
        if not (
            filename.startswith("<frozen importlib")
            or name == __name__
            or name.startswith("importlib")
        ):
            return f"{name} ({filename}:{frame.f_lineno})"
        frame = frame.f_back
    return "?"


class _Placeholder(type):
    """Metaclass of the stand-ins' names: any use raises LeanServerError."""

    _lean_module: str

    def _refuse(cls, what: str) -> LeanServerError:
        library = unused_library(cls._lean_module)
        needs = (
            f"is part of {library}, a library for a feature this deployment does not use"
            if library
            else "needs TensorFlow"
        )
        return LeanServerError(
            f"{what}: {cls.__name__} ({cls._lean_module}) {needs}, which this lean Rasa "
            f"server does not load (bot.rasa_ext.lean); reached from {_importer()}. {HINT}"
        )

    def __getattr__(cls, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)  # probes by typing, inspect, copy, pickle ...
        raise cls._refuse(f"{cls.__name__}.{name}")

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        raise cls._refuse(f"{cls.__name__}()")


def _top_level_names(source: str) -> Set[str]:
    """Names a module's source binds at top level (classes, functions, assignments, imports)."""
    names: Set[str] = set()
    for node in ast.parse(source).body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names.add((alias.asname or alias.name).split(".")[0])
    return names


class _StandIn(types.ModuleType):
    """A TensorFlow-only Rasa module: its names exist, as placeholders that refuse any use.
    With `names` None, any public name does (an unused library, `_LibraryStandIn`)."""

    def __init__(self, name: str, names: Optional[Set[str]], doc: str = "") -> None:
        super().__init__(name, doc or f"Lean stand-in for {name} (bot.rasa_ext.lean).")
        self.__lean_stand_in__ = True
        self.__all__: List[str] = []
        self._lean_names = names
        self._lean_placeholders: Dict[str, type] = {}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or (self._lean_names is not None and name not in self._lean_names):
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        placeholder = self._lean_placeholders.get(name)
        if placeholder is None:
            placeholder = _Placeholder(
                name, (), {"_lean_module": self.__name__, "__module__": self.__name__}
            )
            self._lean_placeholders[name] = placeholder
        return placeholder


def unused_library(fullname: str) -> Optional[str]:
    """The UNUSED_LIBRARIES entry `fullname` belongs to, if any."""
    for library in UNUSED_LIBRARIES:
        if fullname == library or fullname.startswith(library + "."):
            return library
    return None


class _LibraryStandIn(_StandIn):
    """An unused library (or one of its submodules): any public name is a placeholder."""

    def __init__(self, name: str) -> None:
        doc = f"Lean stand-in for the unused library {name} (bot.rasa_ext.lean)."
        super().__init__(name, None, doc)
        self.__path__: List[str] = []  # a package: its submodules come here too


class _LibraryStandInLoader(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return _LibraryStandIn(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        pass


class _StandInLoader(importlib.abc.Loader):
    def __init__(self, names: Set[str]) -> None:
        self.names = names

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return _StandIn(spec.name, self.names)

    def exec_module(self, module: types.ModuleType) -> None:
        pass


class LeanFinder(importlib.abc.MetaPathFinder):
    """First on sys.meta_path: refuses REFUSED packages, serves STAND_INS and stand-ins
    for UNUSED_LIBRARIES."""

    def find_spec(
        self,
        fullname: str,
        path: Optional[Sequence[str]] = None,
        target: Optional[types.ModuleType] = None,
    ) -> Optional[importlib.machinery.ModuleSpec]:
        top = fullname.partition(".")[0]
        if top in REFUSED:
            raise LeanImportError(
                f"No module named {fullname!r} in the lean Rasa server: bot.rasa_ext.lean "
                f"refuses it (our pipeline needs no {top}); imported by {_importer()}. {HINT}",
                name=fullname,
            )
        if unused_library(fullname):
            return importlib.machinery.ModuleSpec(
                fullname, _LibraryStandInLoader(), is_package=True
            )
        if fullname in STAND_INS:
            real = importlib.machinery.PathFinder.find_spec(fullname, path)
            if real is None or not real.origin:
                raise LeanServerError(
                    f"{fullname} is not where Rasa 3.6 has it: the lean "
                    "install does not match this Rasa. " + HINT
                )
            with open(real.origin, encoding="utf-8") as source:
                names = _top_level_names(source.read())
            return importlib.machinery.ModuleSpec(
                fullname, _StandInLoader(names), origin=real.origin
            )
        return None


_FINDER = LeanFinder()


def check_rasa_version(version: Optional[str] = None) -> str:
    """The installed Rasa version, or LeanServerError unless it is 3.6.x (read without
    importing Rasa: the names above are Rasa 3.6's)."""
    from bot.rasa_ext import UnsupportedRasa, check_version

    try:
        return check_version(version)
    except UnsupportedRasa as error:
        raise LeanServerError(f"{error} {HINT}") from None


def installed() -> bool:
    return _FINDER in sys.meta_path


def install() -> None:
    """Put the finder first on sys.meta_path (idempotent); before Rasa is imported."""
    if installed():
        return
    check_rasa_version()
    too_late = sorted(
        name
        for name in sys.modules
        if name.partition(".")[0] in REFUSED or name in STAND_INS or unused_library(name)
    )
    if too_late:
        raise LeanServerError(
            "bot.rasa_ext.lean.install() must run before Rasa is imported; already imported: "
            + ", ".join(too_late[:5])
        )
    sys.meta_path.insert(0, _FINDER)
    from bot.rasa_ext import skops_types

    skops_types.install()  # skops' trusted types without importing all of scikit-learn
