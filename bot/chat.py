"""`make chat`: a conversation in the terminal with the same servers `make run` starts.

Replies are shown as a person reads them: **bold** as bold (plain when not a terminal),
links as "text (address)", buttons numbered so that typing the number chooses one (its
title is what the user sees, never its payload). The pure helpers are tested directly.
"""

from __future__ import annotations

import json
import re
import sys
import urllib.request
import uuid
from typing import Any, Callable, Dict, List, Optional, Sequence

BOLD = re.compile(r"\*\*(.+?)\*\*")
LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
STOP_WORDS = {"/stop", "/quit", "/exit"}
Reply = Dict[str, Any]


def render_text(text: str, ansi: bool) -> str:
    """Markdown as a terminal shows it: bold in ANSI (or plain), links with their address."""
    text = LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", text)
    return BOLD.sub((lambda m: f"\033[1m{m.group(1)}\033[0m") if ansi else (r"\1"), text)


def render_replies(replies: Sequence[Reply], ansi: bool) -> List[str]:
    """The bot's replies as lines; buttons numbered across the replies, from 1."""
    lines: List[str] = []
    number = 0
    for reply in replies:
        if reply.get("text"):
            lines += [
                f"bot> {line}" if i == 0 else f"     {line}"
                for i, line in enumerate(render_text(reply["text"], ansi).splitlines())
            ]
        for button in reply.get("buttons") or []:
            number += 1
            lines.append(f"     [{number}] {button.get('title', '')}")
    return lines


def buttons_of(replies: Sequence[Reply]) -> List[Reply]:
    return [button for reply in replies for button in reply.get("buttons") or []]


def message_for(typed: str, buttons: Sequence[Reply]) -> str:
    """What to send: a button's payload when its number was typed, else the text itself."""
    text = typed.strip()
    if text.isdigit() and 1 <= int(text) <= len(buttons):
        return str(buttons[int(text) - 1].get("payload") or buttons[int(text) - 1].get("title"))
    return text


def post(url: str, sender: str, message: str, timeout: float = 30) -> List[Reply]:
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return list(json.loads(response.read()))


def converse(
    url: str,
    ask: Callable[[str], str] = input,
    show: Callable[[str], None] = print,
    ansi: Optional[bool] = None,
) -> None:
    """Read questions until /stop or end of input; show each answer."""
    ansi = sys.stdout.isatty() if ansi is None else ansi
    sender = f"terminal-{uuid.uuid4().hex[:8]}"
    buttons: List[Reply] = []
    show("Type a question (a button's number chooses it; /stop ends).")
    while True:
        try:
            typed = ask("you> ")
        except EOFError:
            break
        if typed.strip().lower() in STOP_WORDS:
            break
        if not typed.strip():
            continue
        replies = post(url, sender, message_for(typed, buttons))
        buttons = buttons_of(replies)
        for line in render_replies(replies, ansi):
            show(line)
