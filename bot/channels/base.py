"""What every channel of ours shares: input cleaning, the canned replies, and `ask`.

Each channel (rest.py, web.py, slack.py) adds only its own transport rules; the assistant
is asked the same way everywhere, so every message gets an answer, never silence.
"""

from __future__ import annotations

import logging
import unicodedata
from typing import Any, Awaitable, Callable, Dict, List, Optional

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.lock_store import LockError
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 2000
MAX_SENDER_CHARS = 128
MAX_METADATA_DEPTH = 8  # the widget sends a flat object; deeper nesting is an attack
EMPTY_REPLY = "Please type a question about careers in interventional radiology."
TOO_LONG_REPLY = (
    "That message is too long for me ({length} characters). Please ask in under "
    f"{MAX_MESSAGE_CHARS} characters, one question at a time."
)
NO_REPLY = (
    "Sorry, something went wrong on my side and I couldn't answer. Please try again in a moment."
)


def clean_text(text: str) -> str:
    """NFC-normalised text without control characters (newlines and tabs become spaces)."""
    text = unicodedata.normalize("NFC", text)
    return "".join(
        " " if ch in "\n\r\t" else ch
        for ch in text
        if ch in "\n\r\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co")
    ).strip()


def _printable(text: str) -> bool:
    """No control, format, surrogate or private-use character (NUL included)."""
    return all(unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co") for ch in text)


def nesting_depth(value: Any, limit: int) -> int:
    """How deeply lists and objects nest in `value`, counting no further than `limit` + 1.

    Iterative, so no body can exhaust the stack.
    """
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            if depth > limit:
                return depth
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def check_body(body: Any) -> Optional[str]:
    """What is wrong with a request body, or None when it is acceptable.

    The sender becomes a database key and a log field, so it must be short printable
    text (PostgreSQL refuses a NUL, and used to take the server down with it).
    """
    if not isinstance(body, dict):
        return 'The body must be a JSON object: {"sender": "...", "message": "..."}.'
    sender = body.get("sender")
    if not isinstance(sender, str) or not sender.strip():
        return '"sender" must be a non-empty string identifying the conversation.'
    if len(sender) > MAX_SENDER_CHARS:
        return f'"sender" must be at most {MAX_SENDER_CHARS} characters.'
    if not _printable(sender):
        return '"sender" must not contain control characters.'
    if not isinstance(body.get("message", ""), str):
        return '"message" must be a string.'
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        return '"metadata" must be a JSON object.'
    if metadata and nesting_depth(metadata, MAX_METADATA_DEPTH) > MAX_METADATA_DEPTH:
        return f'"metadata" must not nest more than {MAX_METADATA_DEPTH} levels deep.'
    return None


async def health(request: Request) -> HTTPResponse:
    """GET on a channel's prefix: the channel is up (shared by all our channels)."""
    return response.json({"status": "ok"})


def bot_reply(sender: str, text: str) -> List[Dict[str, Any]]:
    return [{"recipient_id": sender, "text": text}]


async def ask(
    on_new_message: Callable[[UserMessage], Awaitable[None]],
    sender: str,
    message: str,
    input_channel: str,
    metadata: Optional[Dict[str, Any]] = None,
) -> List[Dict[str, Any]]:
    """The assistant's replies to one message, never none (shared by our channels).

    An empty or overlong message gets its canned answer without reaching the model; a
    failure, or no reply at all, gets an apology instead of silence. The length is checked
    before cleaning too, so no work is spent on text that will be refused anyway.
    """
    if len(message) > 2 * MAX_MESSAGE_CHARS:
        return bot_reply(sender, TOO_LONG_REPLY.format(length=len(message)))
    text = clean_text(message)
    if not text:
        return bot_reply(sender, EMPTY_REPLY)
    if len(text) > MAX_MESSAGE_CHARS:
        return bot_reply(sender, TOO_LONG_REPLY.format(length=len(text)))
    collector = CollectingOutputChannel()
    try:
        await on_new_message(
            UserMessage(text, collector, sender, input_channel=input_channel, metadata=metadata)
        )
    except LockError:
        logger.warning("A message waited too long for its conversation's lock")
    except Exception:  # ours to fix: a traceback, but never the message's text
        logger.exception("Failed to handle a message")
    return collector.messages or bot_reply(sender, NO_REPLY)
