"""skops' trusted types in the lean server: the same lists, without its two slow steps.

Each check runs in a fresh interpreter (the hook must be installed before skops is
imported, and this test process may have imported it already)."""
from __future__ import annotations

import json

from bot.rasa_ext import skops_types
from tests.bot.rasa_ext.test_lean import run_python


def test_the_kept_estimator_list_is_what_scikit_learn_finds_today() -> None:
    kept = skops_types.known_estimators()
    assert kept is not None, "written for another scikit-learn: python -m bot.rasa_ext.skops_types --write"
    assert kept == skops_types.crawled_estimators()


def test_a_list_written_for_another_scikit_learn_is_not_used(tmp_path) -> None:
    stale = tmp_path / "estimators.txt"
    stale.write_text("# scikit-learn 0.0.1: old\nsklearn.linear_model.LogisticRegression\n")
    assert skops_types.known_estimators(stale) is None
    assert skops_types.known_estimators(tmp_path / "missing.txt") is None


def test_the_module_index_answers_as_pickle_whichmodule() -> None:
    import pickle

    import numpy as np

    index = skops_types.ModuleIndex()
    ufuncs = [getattr(np, name) for name in dir(np) if isinstance(getattr(np, name), np.ufunc)]
    assert len(ufuncs) > 50
    for ufunc in ufuncs:
        assert index.which(ufunc) == pickle.whichmodule(ufunc, ufunc.__name__), ufunc
    assert index.which(int) == "builtins"


def test_skops_trusts_the_same_types_with_and_without_the_shortcut() -> None:
    result = run_python("""
        import json, time
        from bot.rasa_ext import lean
        lean.install()
        import rasa.server  # as the server: thousands of modules loaded before skops
        started = time.perf_counter()
        import skops.io._trusted_types as fast
        seconds = time.perf_counter() - started
        import numpy as np, scipy.special, sys
        from skops.io._utils import get_public_type_names, get_module
        import pickle
        assert get_module.__module__ == "skops.io._utils"  # restored after the import
        from bot.rasa_ext.skops_types import crawled_estimators
        slow = {
            "scipy": get_public_type_names(module=scipy.special, oftype=np.ufunc),
            "numpy": get_public_type_names(module=np, oftype=np.ufunc),
        }
        print(json.dumps({
            "seconds": seconds,
            "ensemble": "sklearn.ensemble" in sys.modules,
            "same_scipy": fast.SCIPY_UFUNC_TYPE_NAMES == slow["scipy"],
            "same_numpy": fast.NUMPY_UFUNC_TYPE_NAMES == slow["numpy"],
            "same_sklearn": sorted(fast.SKLEARN_ESTIMATOR_TYPE_NAMES)
                == [n for n in crawled_estimators() if n.startswith("sklearn.")],
            "counts": [len(fast.SCIPY_UFUNC_TYPE_NAMES), len(fast.NUMPY_UFUNC_TYPE_NAMES)],
        }))
    """)
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    print(found)
    assert found["ensemble"] is False  # no crawl of scikit-learn
    assert found["same_scipy"] and found["same_numpy"] and found["same_sklearn"], found
    assert min(found["counts"]) > 50
