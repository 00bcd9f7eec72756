"""The website chat widget's channel: serves the widget and demo page, and takes messages.

- `GET /widget.js`, `GET /widget.css`: the widget, embedded with one script tag.
- `GET /demo/`, `GET /demo/<page>.html`: a demo site about IR careers that embeds it.
- `GET /favicon.ico`, `GET /favicon.svg`: the site icon.
- `POST /webhooks/web/webhook`: a message, as the REST channel (same checks and replies).

Plain HTTP, no sockets or sticky sessions: any Rasa instance behind a load balancer can
answer any request (they share the tracker store and a Redis lock store).

Cross-origin embedding works only for the origins listed in WIDGET_ALLOWED_ORIGINS
(comma-separated, e.g. "https://www.example.org,https://example.org"); the bot's own
pages always work. Rasa's CORS layer, narrowed to this channel's message route
(bot/rasa_ext/patches.py), adds the CORS headers for those origins, no other route gets
any; this channel refuses a message from any other origin before it reaches the bot.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Iterable, Optional, Text

from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.base import health
from bot.channels.rest import SafeRestInput
from bot.origins import allowed_origins, origin_allowed

WEB_ROOT = Path(__file__).resolve().parent.parent / "web"
DEMO_FILE = re.compile(r"^[a-z0-9-]+\.(html|css)$")
CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".svg": "image/svg+xml",
}
# The demo pages load only what the bot serves: no third-party script can run on them.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)


class WebChatInput(SafeRestInput):
    """The widget's channel; see the module docstring."""

    def __init__(self, origins: Optional[Iterable[str]] = None) -> None:
        self.origins = (
            frozenset(origins)
            if origins is not None
            else allowed_origins(os.environ.get("WIDGET_ALLOWED_ORIGINS"))
        )

    @classmethod
    def name(cls) -> Text:
        return "web"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> WebChatInput:
        listed = (credentials or {}).get("allowed_origins")
        return cls(allowed_origins(",".join(listed)) if listed else None)

    def url_prefix(self) -> Text:
        return "/"  # the widget lives at /widget.js, the webhook at /webhooks/web/webhook

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        web = Blueprint(f"web_widget_{type(self).__name__}", __name__)

        web.add_route(health, "/webhooks/web/", methods=["GET"])

        @web.route("/webhooks/web/webhook", methods=["POST", "OPTIONS"])
        async def receive(request: Request) -> HTTPResponse:
            if request.method == "OPTIONS":  # a preflight: CORS headers come from Rasa's layer
                return response.empty()
            if not origin_allowed(request.headers.get("origin"), request.host, self.origins):
                return response.json(
                    {"error": "This origin may not use the assistant."}, status=403
                )
            return await self.handle(request, on_new_message)

        @web.route("/widget.js", methods=["GET"])
        async def widget_js(request: Request) -> HTTPResponse:
            return static(WEB_ROOT / "widget.js", {})

        @web.route("/widget.css", methods=["GET"])
        async def widget_css(request: Request) -> HTTPResponse:
            return static(WEB_ROOT / "widget.css", {})

        @web.route("/favicon.ico", methods=["GET"])
        async def favicon_ico(request: Request) -> HTTPResponse:
            return static(WEB_ROOT / "favicon.svg", {})  # browsers accept an SVG here

        @web.route("/favicon.svg", methods=["GET"])
        async def favicon_svg(request: Request) -> HTTPResponse:
            return static(WEB_ROOT / "favicon.svg", {})

        @web.route("/demo", methods=["GET"], strict_slashes=True, name="demo_bare")
        async def demo_bare(request: Request) -> HTTPResponse:
            return response.redirect("/demo/")

        @web.route("/demo/", methods=["GET"], strict_slashes=True, name="demo_index")
        async def demo_index(request: Request) -> HTTPResponse:
            return demo("index.html")

        @web.route("/demo/<page>", methods=["GET"])
        async def demo_page(request: Request, page: str) -> HTTPResponse:
            return demo(page)

        return web


def demo(name: str) -> HTTPResponse:
    """A file of the demo site; only plain names like "about.html" (no paths)."""
    if not DEMO_FILE.match(name):
        return response.text("Not found", status=404)
    headers = {"Content-Security-Policy": PAGE_POLICY} if name.endswith(".html") else {}
    return static(WEB_ROOT / "demo" / name, headers)


def static(path: Path, headers: Dict[str, str]) -> HTTPResponse:
    """A file of the widget or demo, re-read on each request (edits show without restart)."""
    if not path.is_file():
        return response.text("Not found", status=404)
    return response.raw(
        path.read_bytes(),
        content_type=CONTENT_TYPES.get(path.suffix, "application/octet-stream"),
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache", **headers},
    )
