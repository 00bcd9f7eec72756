"""Run Rasa's command line in this process, lean: `python -m bot.rasa_ext.launch run ...`.

Why a launcher rather than the `rasa` script: the lean install (bot.rasa_ext.lean) has to
run before Rasa is imported, and our fixes to Rasa internals (bot.rasa_patches) are then
applied up front rather than when the channels happen to be imported. BOT_LEAN=0 turns the
lean install off (e.g. to serve a model that needs TensorFlow).
"""
from __future__ import annotations

import os
import sys
from typing import List, Optional, Sequence


def lean_enabled() -> bool:
    return os.environ.get("BOT_LEAN", "1") != "0"


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Like the `rasa` script with `argv` (default: this process's arguments)."""
    args: List[str] = list(sys.argv[1:] if argv is None else argv)
    if lean_enabled():
        from bot.rasa_ext import lean

        lean.install()
    from bot import rasa_patches

    rasa_patches.install()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *args]
    rasa_main()


if __name__ == "__main__":
    main()
