"""skops' lists of trusted types, computed the same way without its two slow steps.

Why: Rasa 3.6 loads our LogisticRegressionClassifier with `skops.io`, and importing
`skops.io._trusted_types` took 2-4 s of the lean server's start-up (the largest single item
in `python -X importtime`, and it grows with every module loaded before it):

- `sklearn.utils.all_estimators()` imports every public scikit-learn module to find the
  estimator classes (about 150 modules the server never uses). The list depends only on the
  installed scikit-learn, so it is kept in `sklearn_estimators.txt` (written from the real
  `all_estimators()`; a test keeps it equal) and answered from there. If the installed
  scikit-learn is not the one the file was written for, skops crawls as before.
- the names of NumPy's and SciPy's ufuncs go through `pickle.whichmodule`, which scans all
  of `sys.modules` once per object (~750 objects x thousands of modules). `ModuleIndex`
  gives the same answer (the first module, in `sys.modules` order, whose attribute of that
  name is the object) from one pass over the modules.

So skops computes the same trusted names, and a model it would refuse is still refused.

skops 0.9 names relied on: `skops.io._trusted_types` does `from sklearn.utils import
all_estimators` and keeps `get_type_name(cls)` of each class whose name starts with
"sklearn."; `skops.io._utils.get_type_name` looks up `get_module` (`pickle.whichmodule`)
in its module's globals at call time.

    python -m bot.rasa_ext.skops_types --write   # after upgrading scikit-learn
"""

from __future__ import annotations

import argparse
import importlib.abc
import importlib.machinery
import importlib.metadata
import pickle
import sys
import types
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

ESTIMATORS_FILE = Path(__file__).with_name("sklearn_estimators.txt")
TRUSTED_TYPES_MODULE = "skops.io._trusted_types"
_HEADER = "# scikit-learn "


def sklearn_version() -> str:
    return importlib.metadata.version("scikit-learn")


def crawled_estimators() -> List[str]:
    """`module.Name` of every estimator `all_estimators()` finds (imports all of sklearn)."""
    from sklearn.utils import all_estimators

    return sorted(f"{cls.__module__}.{cls.__name__}" for _, cls in all_estimators())


def write_file(path: Path = ESTIMATORS_FILE) -> Path:
    lines = [f"{_HEADER}{sklearn_version()}: sklearn.utils.all_estimators(), for skops"]
    path.write_text("\n".join(lines + crawled_estimators()) + "\n")
    return path


def known_estimators(path: Path = ESTIMATORS_FILE) -> Optional[List[str]]:
    """The kept list, or None when it was written for another scikit-learn."""
    try:
        header, *names = path.read_text().splitlines()
    except (OSError, ValueError):
        return None
    if header.partition(":")[0] != f"{_HEADER}{sklearn_version()}":
        return None
    return [name for name in names if name and not name.startswith("#")]


def _stand_in_classes(names: List[str]) -> List[Tuple[str, type]]:
    """(name, class) pairs as all_estimators() returns them; skops reads only the names."""
    pairs = []
    for dotted in names:
        module, _, name = dotted.rpartition(".")
        pairs.append((name, type(name, (), {"__module__": module})))
    return pairs


class ModuleIndex:
    """`pickle.whichmodule` from one pass over sys.modules instead of one per object.

    The same answer: the object's `__module__` if it has one, else the first module in
    `sys.modules` order (skipping `__main__`) whose attribute `name` is the object, looked up
    with getattr as pickle does, in the modules that hold the name in their `__dict__` and in
    every module that could answer otherwise (a ModuleType subclass or a module
    `__getattr__`)."""

    def __init__(self) -> None:
        self._size = -1
        self._modules: List[Tuple[str, types.ModuleType]] = []
        self._holders: Dict[str, List[int]] = {}
        self._dynamic: List[int] = []

    def _build(self) -> None:
        self._modules = [
            (name, module)
            for name, module in sys.modules.copy().items()
            if name not in ("__main__", "__mp_main__") and module is not None
        ]
        self._holders, self._dynamic = {}, []
        for position, (_, module) in enumerate(self._modules):
            namespace = getattr(module, "__dict__", None)
            if not isinstance(namespace, dict):
                self._dynamic.append(position)
                continue
            if type(module) is not types.ModuleType or "__getattr__" in namespace:
                self._dynamic.append(position)
            for attribute in namespace:
                self._holders.setdefault(attribute, []).append(position)
        self._size = len(sys.modules)

    def which(self, obj: Any) -> str:
        module_name = getattr(obj, "__module__", None)
        if module_name is not None:
            return str(module_name)
        name = obj.__name__
        if "." in name or name.startswith("__"):
            return str(pickle.whichmodule(obj, name))  # type: ignore[attr-defined]  # rare: slow way
        if self._size != len(sys.modules):
            self._build()
        for position in sorted({*self._holders.get(name, ()), *self._dynamic}):
            module_name, module = self._modules[position]
            try:
                if pickle._getattribute(module, name)[0] is obj:  # type: ignore[attr-defined]
                    return module_name
            except AttributeError:
                pass
        return "__main__"


class _KnownEstimatorsLoader(importlib.abc.Loader):
    """Runs the real module with `all_estimators` answering from the kept list, and
    `get_module` from one index of sys.modules."""

    def __init__(self, real: importlib.abc.Loader, names: List[str]) -> None:
        self.real = real
        self.names = names

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> Optional[types.ModuleType]:
        return self.real.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        import sklearn.utils
        import skops.io._utils as skops_utils

        crawl: Callable[..., Any] = sklearn.utils.all_estimators
        get_module: Callable[[Any], str] = skops_utils.get_module
        sklearn.utils.all_estimators = lambda type_filter=None: _stand_in_classes(self.names)
        skops_utils.get_module = ModuleIndex().which
        try:
            self.real.exec_module(module)
        finally:
            sklearn.utils.all_estimators = crawl
            skops_utils.get_module = get_module


class KnownEstimatorsFinder(importlib.abc.MetaPathFinder):
    def find_spec(
        self,
        fullname: str,
        path: Optional[Sequence[str]] = None,
        target: Optional[types.ModuleType] = None,
    ) -> Optional[importlib.machinery.ModuleSpec]:
        if fullname != TRUSTED_TYPES_MODULE:
            return None
        names = known_estimators()
        real = importlib.machinery.PathFinder.find_spec(fullname, path)
        if names is None or real is None or real.loader is None:
            return None  # skops crawls scikit-learn as it always did
        real.loader = _KnownEstimatorsLoader(real.loader, names)
        return real


_FINDER = KnownEstimatorsFinder()


def install() -> None:
    """Idempotent; before skops.io is imported (the lean install calls it)."""
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"rewrite {ESTIMATORS_FILE.name}")
    args = parser.parse_args(argv)
    if args.write:
        print(f"Wrote {write_file()}")
    else:
        kept = known_estimators()
        same = kept == crawled_estimators()
        print("up to date" if same else f"stale: run with --write ({ESTIMATORS_FILE})")
        return 0 if same else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
