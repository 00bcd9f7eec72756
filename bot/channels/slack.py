"""Slack: direct messages, @-mentions, button clicks, /ircareers and the App Home tab.

A subclass of Rasa's SlackInput at the same URL (POST /webhooks/slack/webhook for events,
interactivity and the slash command), filling the gaps its users hit:
- every request's v0 signature is checked over the raw body (five-minute window), and a
  request without a valid one is refused with a 401 before anything is parsed;
- Slack is acknowledged at once and the answer follows from a background task, and each
  event is answered once however often Slack retries it, on whichever Rasa instance
  (the event id is claimed in Redis or the database: bot/channels/slack_seen.py);
- any number of buttons (Block Kit, split as Slack's limits require), Markdown converted
  to mrkdwn, a clicked button's message updated to show the choice;
- /ircareers answers privately through the command's response_url; the Home tab greets;
- every Web API call goes to SLACK_API_URL, so tests point it at a fake Slack.

Settings come only from the environment (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET,
SLACK_API_URL): `bot serve` lists this channel in the credentials it writes only when
both secrets are set (bot/credentials.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any, Awaitable, Callable, Coroutine, Dict, List, Optional, Set, Text
from urllib.parse import parse_qs

import aiohttp
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.slack import SlackInput
from rasa.shared.exceptions import InvalidConfigException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import settings
from bot.channels.base import ask, health
from bot.channels.slack_format import (
    HELP_TEXT,
    chosen_blocks,
    collected_message,
    home_view,
    is_question,
    plain_text,
    reply_thread,
    signature_valid,
    slack_message,
)
from bot.channels.slack_seen import SeenEvents, seen_events

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
Replies = List[Dict[str, Any]]
API_TIMEOUT = aiohttp.ClientTimeout(total=5, sock_connect=3)  # every Slack call gives up in time
LOOKING_UP = "Looking that up…"


class SlackApi:
    """Slack's Web API at a configurable base URL, with the bot token; JSON bodies."""

    def __init__(self, token: str, base_url: str) -> None:
        self._token = token
        self.base_url = base_url
        self._session: Optional[aiohttp.ClientSession] = None

    async def call(self, method: str, body: Dict[str, Any]) -> Dict[str, Any]:
        """Call a Web API method; a failure is logged and returned, never raised."""
        headers = {"Authorization": f"Bearer {self._token}"}
        return await self._post(f"{self.base_url}{method}", body, headers, method)

    async def respond(self, response_url: str, body: Dict[str, Any]) -> Dict[str, Any]:
        """Answer a slash command or click through its response_url (which needs no token)."""
        return await self._post(response_url, body, {}, "response_url")

    async def _post(
        self, url: str, body: Dict[str, Any], headers: Dict[str, str], what: str
    ) -> Dict[str, Any]:
        try:
            async with self._client().post(url, json=body, headers=headers) as reply:
                text = await reply.text()
                if reply.status != 200:
                    raise aiohttp.ClientError(f"HTTP {reply.status}")
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.warning("Slack %s failed: %s", what, error or type(error).__name__)
            return {"ok": False, "error": str(error)}
        data = _json_object(text)  # response_url answers "ok" as plain text
        if data.get("ok") is False:
            logger.warning("Slack %s refused: %s", what, data.get("error"))
        return data

    def _client(self) -> aiohttp.ClientSession:
        # Created on first use, inside the server's event loop; one pool for every call.
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=API_TIMEOUT)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


def _json_object(text: str) -> Dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError:
        return {"ok": True, "text": text}
    return data if isinstance(data, dict) else {"ok": True}


class SlackOutput(OutputChannel):
    """The bot's messages to one Slack conversation (and thread), as Block Kit messages."""

    @classmethod
    def name(cls) -> Text:
        return "slack"

    def __init__(
        self, api: SlackApi, channel: Optional[str], thread_ts: Optional[str] = None
    ) -> None:
        self.api = api
        self.channel = channel
        self.thread_ts = thread_ts

    async def _post(self, recipient_id: Text, message: Dict[str, Any]) -> None:
        # Without a channel (e.g. Rasa's API triggering an intent), the sender is a user id:
        # Slack then delivers in the app's direct messages with that user.
        body = {"channel": self.channel or recipient_id, **message}
        if self.thread_ts:
            body["thread_ts"] = self.thread_ts
        await self.api.call("chat.postMessage", body)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._post(recipient_id, slack_message(text))

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        await self._post(recipient_id, slack_message(text, buttons))

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        await self._post(recipient_id, slack_message(image=image))

    async def send_custom_json(
        self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any
    ) -> None:
        await self._post(recipient_id, json_message)

    async def send_all(self, replies: Replies) -> None:
        """Post the replies Rasa collected, in order."""
        for reply in replies:
            message = {k: v for k, v in reply.items() if k != "recipient_id"}
            await self.send_response(str(reply.get("recipient_id", "")), message)


class SlackAppInput(SlackInput):
    """The project's Slack channel; see the module docstring."""

    def __init__(self, config: settings.SlackSettings, seen: Optional[SeenEvents] = None) -> None:
        super().__init__(slack_token=config.token, slack_signing_secret=config.signing_secret)
        self.config = config
        self.api = SlackApi(config.token, config.api_url)
        self._seen = seen
        # Our own set (not SlackInput's private one): answers still running after the ack.
        self._answering: Set[asyncio.Task[None]] = set()

    @classmethod
    def name(cls) -> Text:
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> SlackAppInput:
        """From the environment only: secrets never sit in a credentials file."""
        config = settings.slack_settings()
        if config is None:
            raise InvalidConfigException(
                "The Slack channel needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET in the "
                "environment (`bot serve` adds it to the credentials only when both are set)."
            )
        return cls(config)

    @property
    def seen(self) -> SeenEvents:
        if self._seen is None:  # chosen at first use, so starting the server does no I/O
            self._seen = seen_events()
        return self._seen

    def get_output_channel(
        self, channel: Optional[Text] = None, thread_id: Optional[Text] = None
    ) -> OutputChannel:
        return SlackOutput(self.api, channel or self.slack_channel, thread_id)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        slack = Blueprint(f"slack_app_{type(self).__name__}", __name__)

        slack.add_route(health, "/", methods=["GET"])

        @slack.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return self.receive(request, on_new_message)

        @slack.listener("after_server_stop")
        async def close(*_: Any) -> None:
            await self.api.close()

        return slack

    # Receiving: verify, answer Slack at once, leave the work to a background task.

    def receive(self, request: Request, on_new_message: OnNewMessage) -> HTTPResponse:
        """Slack's request, verified over its exact bytes before anything is parsed."""
        if not signature_valid(
            self.config.signing_secret,
            request.headers.get("X-Slack-Request-Timestamp"),
            request.headers.get("X-Slack-Signature"),
            request.body,
            time.time(),
        ):
            logger.warning("Refused a request to the Slack webhook without a valid signature")
            return response.text("Invalid or missing Slack signature.", status=401)
        kind = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
        try:
            if kind == "application/json":
                return self.on_event(_object(json.loads(request.body)), on_new_message)
            if kind == "application/x-www-form-urlencoded":
                form = _form(request.body)
                if "payload" in form:
                    return self.on_interaction(_object(json.loads(form["payload"])), on_new_message)
                if "command" in form:
                    return self.on_command(form, on_new_message)
        except ValueError:  # not JSON, not UTF-8, or not an object
            pass
        return response.text("Not a Slack event, interaction or command.", status=400)

    def on_event(self, envelope: Dict[str, Any], on_new_message: OnNewMessage) -> HTTPResponse:
        """An Events API request: the URL check, a message for the bot, or the Home tab."""
        if envelope.get("type") == "url_verification":
            return response.json({"challenge": envelope.get("challenge")})
        event = envelope.get("event")
        event_id = envelope.get("event_id")
        if envelope.get("type") != "event_callback" or not isinstance(event, dict) or not event_id:
            return response.text("")
        if _is_home_opened(event):
            self._spawn(self._once(str(event_id), lambda: self._publish_home(event["user"])))
        elif is_question(event, _bot_user_ids(envelope)):
            self._spawn(
                self._once(
                    str(event_id), lambda: self._answer_message(event, envelope, on_new_message)
                )
            )
        else:
            logger.debug("Slack event %s (%s) is not for the bot", event_id, event.get("type"))
        return response.text("")

    def on_interaction(self, payload: Dict[str, Any], on_new_message: OnNewMessage) -> HTTPResponse:
        """A click on one of the bot's buttons, answered as if its payload had been typed."""
        action = _clicked_button(payload)
        user = (payload.get("user") or {}).get("id")
        if action is None or not user:  # another kind of interaction, or a link button
            return response.text("")
        key = "click:" + str(payload.get("trigger_id") or f"{user}:{action.get('action_ts')}")
        self._spawn(self._once(key, lambda: self._answer_click(payload, action, on_new_message)))
        return response.text("")

    def on_command(self, form: Dict[str, str], on_new_message: OnNewMessage) -> HTTPResponse:
        """/ircareers <question>: acknowledged within Slack's 3 s, answered via response_url."""
        question = form.get("text", "").strip()
        if not question:
            return response.json({"response_type": "ephemeral", "text": HELP_TEXT})
        if not form.get("response_url") or not form.get("user_id"):
            return response.text("A slash command needs response_url and user_id.", status=400)
        self._spawn(self._answer_command(form, on_new_message))
        return response.json({"response_type": "ephemeral", "text": LOOKING_UP})

    # Background work.

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run after the acknowledgement; the reference keeps the task from being collected."""
        task = asyncio.create_task(work)
        self._answering.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._answering.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("Answering a Slack request failed", exc_info=task.exception())

    async def _once(self, key: str, work: Callable[[], Awaitable[None]]) -> None:
        """Do the work unless this event was already taken (by this or another instance)."""
        try:
            first = await self.seen.claim(key)
        except Exception:  # better a rare duplicate than no answer while the store is down
            logger.exception("Could not record Slack event %s as seen; answering it anyway", key)
            first = True
        if first:
            await work()
        else:
            logger.info("Slack delivered event %s again; it was already taken", key)

    async def _answer_message(
        self, event: Dict[str, Any], envelope: Dict[str, Any], on_new_message: OnNewMessage
    ) -> None:
        thread = reply_thread(event)
        text = plain_text(event["text"], _bot_user_ids(envelope))
        replies = await self._ask(on_new_message, event["user"], text, event["channel"], thread)
        await SlackOutput(self.api, event["channel"], thread).send_all(replies)

    async def _answer_click(
        self, payload: Dict[str, Any], action: Dict[str, Any], on_new_message: OnNewMessage
    ) -> None:
        user = str(payload["user"]["id"])
        message = payload.get("message")
        container = payload.get("container") or {}
        channel = (payload.get("channel") or {}).get("id") or container.get("channel_id")
        if not isinstance(message, dict) or not channel or container.get("is_ephemeral"):
            # A private answer to /ircareers: Slack gives no message to update, only a response_url.
            replies = await self._ask(on_new_message, user, action["value"], channel, None)
            await self._respond(payload.get("response_url"), replies)
            return
        title = str((action.get("text") or {}).get("text") or action["value"])
        await self.api.call(
            "chat.update",
            {
                "channel": channel,
                "ts": message.get("ts"),
                "text": message.get("text") or title,
                "blocks": chosen_blocks(message.get("blocks") or [], title),
            },
        )
        thread = message.get("thread_ts")
        replies = await self._ask(on_new_message, user, action["value"], channel, thread)
        await SlackOutput(self.api, channel, thread).send_all(replies)

    async def _answer_command(self, form: Dict[str, str], on_new_message: OnNewMessage) -> None:
        text = plain_text(form["text"], ())
        channel = form.get("channel_id")
        replies = await self._ask(on_new_message, form["user_id"], text, channel, None)
        await self._respond(form["response_url"], replies)

    async def _respond(self, response_url: Optional[str], replies: Replies) -> None:
        if not response_url:
            logger.warning("A Slack interaction came without a response_url; cannot answer it")
            return
        message = {"response_type": "ephemeral", **collected_message(replies)}
        await self.api.respond(response_url, message)

    async def _publish_home(self, user: str) -> None:
        await self.api.call("views.publish", {"user_id": user, "view": home_view()})

    async def _ask(
        self,
        on_new_message: OnNewMessage,
        user: str,
        text: str,
        channel: Optional[str],
        thread: Optional[str],
    ) -> Replies:
        """The assistant's replies; one conversation per Slack user, as with Rasa's connector."""
        metadata = {"out_channel": channel, "thread_id": thread, "users": [user]}
        return await ask(on_new_message, user, text, self.name(), metadata)


def _object(value: Any) -> Dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError("expected a JSON object")
    return value


def _form(body: bytes) -> Dict[str, str]:
    """A url-encoded body (slash commands, interactivity), parsed from the verified bytes."""
    return {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}


def _is_home_opened(event: Dict[str, Any]) -> bool:
    """Someone opened the app's Home tab (the event also comes for its Messages tab)."""
    return (
        event.get("type") == "app_home_opened"
        and event.get("tab") == "home"
        and bool(event.get("user"))
    )


def _bot_user_ids(envelope: Dict[str, Any]) -> List[str]:
    """The bot's own user ids, from the event's authorizations.

    Not `authed_users`, which Rasa uses: it lists the people who installed the app too.
    """
    authorizations = envelope.get("authorizations") or []
    return [str(a["user_id"]) for a in authorizations if a.get("is_bot") and a.get("user_id")]


def _clicked_button(payload: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """The clicked button of a block_actions payload, when it carries a value."""
    if payload.get("type") != "block_actions":
        return None
    for action in payload.get("actions") or []:
        if action.get("type") == "button" and action.get("value"):
            return action
    return None
