"""`make bench` is run rarely and by hand, so its entry points are checked here cheaply: each
module imports, answers --help, and runs main() only after everything it calls is defined."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT

MODULES = ["bench.run", "bench.lean_startup"]


@pytest.mark.parametrize("module", MODULES)
def test_each_bench_module_answers_help(module: str) -> None:
    result = subprocess.run([sys.executable, "-m", module, "--help"], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "usage:" in result.stdout


@pytest.mark.parametrize("module", MODULES)
def test_the_main_guard_is_the_last_statement(module: str) -> None:
    path = PROJECT_ROOT / Path(*module.split(".")).with_suffix(".py")
    body = ast.parse(path.read_text()).body
    guards = [i for i, node in enumerate(body) if isinstance(node, ast.If)
              and "__main__" in ast.unparse(node.test)]
    assert guards == [len(body) - 1], f"{path}: `if __name__ == '__main__'` must come last"
