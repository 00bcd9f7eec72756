"""Pure helpers of the Slack channel: signatures, Slack's mrkdwn, Block Kit messages, views.

No network or database here, so each rule Slack imposes (signature scheme, escaping,
block limits) is tested directly; bot/channels/slack.py does the HTTP.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from typing import Any, Dict, Iterable, List, Optional, Sequence

logger = logging.getLogger(__name__)

Block = Dict[str, Any]

# Slack's limits (https://api.slack.com/reference/block-kit/blocks).
MAX_ACTIONS_ELEMENTS = 25
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_SECTION_TEXT = 3000
MAX_SIGNATURE_AGE = 300  # seconds either side of now (Slack's five-minute window)

SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
TIMESTAMP = re.compile(r"[0-9]{1,12}")
LINK = re.compile(r"\[([^\[\]\n]+)\]\(((?:https?://|mailto:)[^()\s]+)\)")
BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
BULLET = re.compile(r"^([ \t]*)[-*+][ \t]+", re.MULTILINE)
ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
UNESCAPES = {value: key for key, value in ESCAPES.items()}

HELP_TEXT = (
    "Ask me about careers in interventional radiology, e.g. `/ircareers what is IR?` or "
    "`/ircareers how much is membership for a resident?`. I know about what interventional "
    "radiologists do, the training pathways, SIR membership and its fees, and upcoming events. "
    "Only you see my answers to `/ircareers`."
)
HOME_TOPICS = (
    "What interventional radiology is, and what IRs treat",
    "Training pathways: integrated and independent residency, ESIR, ABR certification",
    "SIR membership and its fees for students, residents and fellows",
    "Upcoming events: the Annual Scientific Meeting, the Spring Practicum, RFS webinars",
)


def signature_valid(
    secret: str, timestamp: Optional[str], signature: Optional[str], body: bytes, now: float
) -> bool:
    """Whether a request carries Slack's v0 signature of exactly this body, made recently.

    A missing, malformed or stale (more than five minutes from `now`, either way) header is
    refused too: an old signed request replayed by someone else must not reach the bot.
    """
    if not timestamp or not signature or not TIMESTAMP.fullmatch(timestamp):
        return False
    if not SIGNATURE.fullmatch(signature) or abs(now - int(timestamp)) > MAX_SIGNATURE_AGE:
        return False
    expected = (
        "v0="
        + hmac.new(
            secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256
        ).hexdigest()
    )
    return hmac.compare_digest(expected, signature)


def escape(text: str) -> str:
    """Text with the three characters Slack reserves for its markup escaped."""
    return "".join(ESCAPES.get(ch, ch) for ch in text)


def unescape(text: str) -> str:
    """A user's text as typed: Slack sends &, < and > escaped."""
    return re.sub("&(amp|lt|gt);", lambda m: UNESCAPES[m.group(0)], text)


def to_mrkdwn(markdown: str) -> str:
    """The bot's Markdown in Slack's mrkdwn: *bold*, • lists and <url|title> links.

    Escaping comes first, so the link markup made here is the only markup Slack sees.
    """
    text = escape(markdown)
    text = BULLET.sub(lambda m: f"{m.group(1)}• ", text)
    text = BOLD.sub(r"*\1*", text)
    return LINK.sub(lambda m: f"<{m.group(2)}|{m.group(1)}>", text)


def text_blocks(text: str) -> List[Block]:
    """Section blocks for a text, split at line breaks to fit Slack's 3,000 characters each."""
    blocks: List[Block] = []
    for part in _chunks(to_mrkdwn(text), MAX_SECTION_TEXT):
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": part}})
    return blocks


def _chunks(text: str, size: int) -> Iterable[str]:
    """Pieces of at most `size` characters, cut at the last line break (or space) that fits."""
    while len(text) > size:
        cut = text.rfind("\n", 0, size)
        if cut <= 0:
            cut = text.rfind(" ", 0, size)
        if cut <= 0:
            cut = size
        yield text[:cut]
        text = text[cut:].lstrip("\n ")
    if text.strip():
        yield text


def button_blocks(buttons: Sequence[Dict[str, Any]]) -> List[Block]:
    """Actions blocks holding every button: Slack allows 25 per block, so more take more blocks.

    A title is shortened to Slack's 75 characters. A payload over 2,000 characters cannot
    be sent, and cutting it would change its meaning, so such a button is left out, loudly.
    """
    elements = []
    for index, button in enumerate(buttons):
        if not _button_fits(button):
            logger.warning(
                "Slack: left out button %r, whose payload Slack cannot take", button.get("title")
            )
            continue
        elements.append(
            {
                "type": "button",
                "action_id": f"button-{index}",
                "text": {"type": "plain_text", "text": _shorten(str(button.get("title") or "?"))},
                "value": str(button["payload"]),
            }
        )
    return [
        {"type": "actions", "elements": elements[start : start + MAX_ACTIONS_ELEMENTS]}
        for start in range(0, len(elements), MAX_ACTIONS_ELEMENTS)
    ]


def _button_fits(button: Dict[str, Any]) -> bool:
    payload = button.get("payload")
    return payload is not None and 0 < len(str(payload)) <= MAX_BUTTON_VALUE


def _shorten(text: str, limit: int = MAX_BUTTON_TEXT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def slack_message(
    text: str = "", buttons: Sequence[Dict[str, Any]] = (), image: Optional[str] = None
) -> Dict[str, Any]:
    """A chat.postMessage body (without channel): blocks, and `text` for notifications."""
    blocks = text_blocks(text) + button_blocks(buttons)
    if image:
        blocks.append({"type": "image", "image_url": image, "alt_text": "image"})
    return {"text": to_mrkdwn(text) or image or "", "blocks": blocks}


def collected_message(messages: Sequence[Dict[str, Any]]) -> Dict[str, Any]:
    """One Slack message from the bot's replies to one user message (Rasa's dicts)."""
    parts = [
        slack_message(m.get("text") or "", m.get("buttons") or (), m.get("image")) for m in messages
    ]
    return {
        "text": "\n\n".join(p["text"] for p in parts if p["text"]),
        "blocks": [block for p in parts for block in p["blocks"]],
    }


def chosen_blocks(blocks: Sequence[Block], title: str) -> List[Block]:
    """A message's blocks once a button was clicked: its buttons become "You chose: <title>".

    The buttons go so they cannot be clicked twice; the note keeps the conversation readable.
    """
    note: Block = {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": f"You chose: *{escape(title)}*"}],
    }
    kept: List[Block] = []
    for block in blocks:
        if block.get("type") != "actions":
            kept.append(block)
        elif note not in kept:
            kept.append(note)
    return kept


def plain_text(text: str, bot_user_ids: Iterable[str]) -> str:
    """A user's message as typed, without mentions of the bot.

    Slack sends `<@U123>` for a mention, `<https://x.org|x.org>` for a link, `<#C1|general>`
    for a channel and escapes &, < and >; the assistant should see the words.
    """
    for user_id in bot_user_ids:
        text = re.sub(rf"<@{re.escape(user_id)}(\|[^<>]*)?>", " ", text)
    text = re.sub(r"<[^<>|]+\|([^<>]+)>", r"\1", text)
    text = re.sub(r"<([^<>]+)>", r"\1", text)
    return re.sub(r"[ \t]{2,}", " ", unescape(text)).strip()


def is_question(event: Dict[str, Any], bot_user_ids: Iterable[str]) -> bool:
    """Whether an event is a person's new message to the bot: a direct message or a mention.

    Everything else is left alone: the bot's own and other bots' messages (or it would
    answer itself), edits, deletions and every other subtype, and channel messages that do
    not mention it (a mention also arrives as app_mention; answering both would answer twice).
    """
    kind = event.get("type")
    addressed = kind == "app_mention" or (kind == "message" and event.get("channel_type") == "im")
    return (
        addressed
        and not event.get("subtype")
        and not event.get("bot_id")
        and bool(event.get("user"))
        and event.get("user") not in set(bot_user_ids)
        and isinstance(event.get("text"), str)
        and bool(event.get("channel"))
    )


def reply_thread(event: Dict[str, Any]) -> Optional[str]:
    """Where the answer goes: the message's thread in a channel (not to clutter it); in a
    direct message, the thread only when the person wrote in one."""
    if event.get("thread_ts"):
        return str(event["thread_ts"])
    if event.get("channel_type") == "im":
        return None
    return str(event["ts"]) if event.get("ts") else None


def home_view() -> Dict[str, Any]:
    """The App Home tab: who the assistant is, its main topics and how to ask."""
    topics = "\n".join(f"• {topic}" for topic in HOME_TOPICS)
    return {
        "type": "home",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "IR careers assistant"}},
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": (
                        "Hi! I answer questions from medical students, residents and fellows about "
                        "careers in interventional radiology (IR), from the Society of Interventional "
                        "Radiology's information. I can't give medical advice."
                    ),
                },
            },
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": f"*What I know about*\n{topics}"},
            },
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": (
                        "*How to ask*\n• Send me a direct message (the Messages tab)\n"
                        "• Mention me in a channel: I answer in the thread\n"
                        "• Type `/ircareers` and your question: only you see the answer"
                    ),
                },
            },
        ],
    }
