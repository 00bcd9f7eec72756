"""The REST channel with input checks: every request gets a clear answer, never silence.

Rasa's own RestInput passes anything on (an empty message yields no reply, a malformed
body a server error) and answers with nothing when an action fails. This subclass keeps its
URL (/webhooks/rest/webhook) and reply format, and adds:
- a 400 with a JSON error for a body that is not {"sender": str, "message": str};
- a friendly prompt for an empty message, and a polite refusal for an overlong one
  (neither reaches the model or the tracker);
- text normalised to NFC with control characters removed;
- an apology when the assistant produced no reply (e.g. the action server is down).
"""

from __future__ import annotations

from typing import Awaitable, Callable, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.base import ask, check_body, health


class SafeRestInput(RestInput):
    """REST channel that checks its input; see the module docstring."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    async def handle(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[None]]
    ) -> HTTPResponse:
        """Check one POSTed message, pass it to the assistant, return its replies."""
        try:
            body = request.json
        except Exception:
            body = None
        problem = check_body(body)
        if problem:
            return response.json({"error": problem}, status=400)
        replies = await ask(
            on_new_message,
            body["sender"],
            body.get("message") or "",
            self.name(),
            body.get("metadata"),
        )
        return response.json(replies)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        webhook.add_route(health, "/", methods=["GET"])

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self.handle(request, on_new_message)

        return webhook
