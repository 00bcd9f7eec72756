"""`python -m bot.rasa_ext.actions_server --port N`: the action server, closed to outsiders.

rasa_sdk's own `python -m rasa_sdk` listens on every interface (SANIC_HOST, default
0.0.0.0) and runs any action for anyone who can reach it. Here the same app
(`rasa_sdk.endpoint.create_app`) listens on settings.bind_host() (127.0.0.1 by default),
and answers only the Rasa servers:
- with ACTION_SERVER_SECRET set, every request but /health must carry it in the
  X-Action-Secret header (the Rasa servers send it: bot/endpoints.py);
- without it, only loopback clients are served, and listening beyond loopback is refused.
Bodies over settings.max_body_bytes() are refused by Sanic before they are read.
"""

from __future__ import annotations

import argparse
import hmac
import ipaddress
import logging
import sys
from typing import Optional, Sequence

SECRET_HEADER = "X-Action-Secret"


def is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def refusal(secret: Optional[str], sent: Optional[str], client: str) -> Optional[str]:
    """Why a request to the action server is refused, or None to serve it."""
    if secret:
        if sent is None or not hmac.compare_digest(sent.encode(), secret.encode()):
            return "missing or wrong X-Action-Secret"
        return None
    return None if is_loopback(client) else "only loopback clients without ACTION_SERVER_SECRET"


def create_app(actions: str = "actions") -> object:
    from rasa_sdk.endpoint import create_app as sdk_app
    from sanic import response

    from bot import settings

    app = sdk_app(actions, cors_origins=None)
    app.config.REQUEST_MAX_SIZE = settings.max_body_bytes()
    secret = settings.action_server_secret()

    @app.middleware("request")
    async def only_rasa(request):
        if request.path == "/health":
            return None
        why = refusal(secret, request.headers.get(SECRET_HEADER), request.ip)
        if why:
            logging.getLogger(__name__).warning("Refused an action request: %s", why)
            return response.json({"error": "forbidden"}, status=403)
        return None

    return app


def main(argv: Optional[Sequence[str]] = None) -> int:
    from bot import settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=settings.action_port())
    parser.add_argument("--actions", default="actions")
    args = parser.parse_args(argv)
    host = settings.bind_host()
    if not settings.action_server_secret() and not is_loopback(host):
        print(
            f"error: the action server would listen on {host} without a secret: set "
            "ACTION_SERVER_SECRET (the same value for the Rasa servers) or BOT_BIND_HOST=127.0.0.1.",
            file=sys.stderr,
        )
        return 2
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s  %(message)s"
    )
    app = create_app(args.actions)
    app.run(host=host, port=args.port, access_log=False)  # type: ignore[attr-defined]
    return 0


if __name__ == "__main__":
    sys.exit(main())
