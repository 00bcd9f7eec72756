"""`python -m bot.console`: serve the staff console (CONSOLE_HOST, CONSOLE_PORT)."""

from __future__ import annotations

import os

from bot.rasa_ext.quiet import hide_library_deprecations


def main() -> None:
    hide_library_deprecations()
    from bot.console.app import create_app

    app = create_app()
    app.run(
        host=os.environ.get("CONSOLE_HOST", "127.0.0.1"),
        port=int(os.environ.get("CONSOLE_PORT", "5002")),
        access_log=False,
        motd=False,
        workers=1,
    )


if __name__ == "__main__":
    main()
