"""`python -m bot.rasa_ext.launch ARGS...`: Rasa's own CLI, with our extensions in place.

The one way the project starts Rasa (servers, `make chat`, training, `rasa test`): the
version is checked and the patches installed before Rasa parses its arguments, so no entry
point runs an unpatched Rasa. Serving (`run`, `shell`) is also lean (bot/rasa_ext/lean.py:
no TensorFlow in the process) unless BOT_LEAN=0, e.g. to serve a model that needs it;
training keeps everything it may need.

With `--enable-api`, the API token comes from RASA_API_TOKEN and is added to the argument
list inside this process only: it never appears on a command line (`ps` shows argv).
"""

from __future__ import annotations

import os
import sys
from typing import List, Optional, Sequence

SERVING_COMMANDS = ("run", "shell")


def lean_enabled(args: Sequence[str]) -> bool:
    return bool(args) and args[0] in SERVING_COMMANDS and os.environ.get("BOT_LEAN", "1") != "0"


def with_api_token(args: Sequence[str], token: Optional[str]) -> List[str]:
    """`args` with the API token added when the API is on and no token was given.

    Written as `--auth-token=TOKEN`: a token may start with "-" (one in 64 of
    `secrets.token_urlsafe`), which argparse would take for an option after a space.
    """
    args = list(args)
    given = any(a == "--auth-token" or a.startswith("--auth-token=") for a in args)
    if "--enable-api" in args and token and not given:
        args.append(f"--auth-token={token}")
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if lean_enabled(args):
        from bot.rasa_ext import lean

        lean.install()  # before anything imports Rasa
    from bot.rasa_ext import UnsupportedRasa, check_version, patches
    from bot.rasa_ext.quiet import hide_library_deprecations

    try:
        check_version()
    except UnsupportedRasa as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    hide_library_deprecations()
    patches.install()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *with_api_token(args, os.environ.get("RASA_API_TOKEN"))]
    try:
        rasa_main()
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
