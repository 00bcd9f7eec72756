"""The Slack channel's pure parts: signatures, mrkdwn, Block Kit limits, event filtering,
settings and the credentials `bot serve` writes (the HTTP behaviour is tested end to end)."""
from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import pytest
import yaml

from bot.channels.slack_format import (
    HELP_TEXT,
    button_blocks,
    chosen_blocks,
    collected_message,
    home_view,
    is_question,
    plain_text,
    reply_thread,
    signature_valid,
    slack_message,
    text_blocks,
    to_mrkdwn,
)
from bot.credentials import SLACK_CHANNEL, credentials_file
from bot.settings import SLACK_API_URL, slack_settings

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
NOW = 1_700_000_000
BODY = b"token=xyz&team_id=T1&command=%2Fircareers&text=what+is+IR"


def slack_signature(body: bytes, timestamp: str, secret: str = SECRET) -> str:
    """As Slack's documentation computes it."""
    base = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class TestSignature:
    def test_a_genuine_signature_is_accepted(self) -> None:
        assert signature_valid(SECRET, str(NOW), slack_signature(BODY, str(NOW)), BODY, NOW + 10)

    def test_slacks_documented_example(self) -> None:
        # https://api.slack.com/authentication/verifying-requests-from-slack
        body = (b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&"
                b"channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&"
                b"command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2F"
                b"commands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&"
                b"trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")
        signature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
        assert signature_valid(SECRET, "1531420618", signature, body, 1531420618)

    @pytest.mark.parametrize("secret", ["", "another-secret"])
    def test_another_secret_is_refused(self, secret: str) -> None:
        forged = slack_signature(BODY, str(NOW), secret=secret)
        assert not signature_valid(SECRET, str(NOW), forged, BODY, NOW)

    def test_a_changed_body_is_refused(self) -> None:
        signature = slack_signature(BODY, str(NOW))
        assert not signature_valid(SECRET, str(NOW), signature, BODY + b"&x=1", NOW)

    @pytest.mark.parametrize("offset, accepted", [
        (-300, True), (300, True), (-301, False), (301, False), (-600, False), (600, False),
    ])
    def test_five_minute_window_either_way(self, offset: int, accepted: bool) -> None:
        timestamp = str(NOW + offset)
        assert signature_valid(SECRET, timestamp, slack_signature(BODY, timestamp), BODY, NOW) is accepted

    @pytest.mark.parametrize("timestamp, signature", [
        (None, "good"), ("", "good"), (str(NOW), None), (str(NOW), ""),
        ("abc", "good"), (f"{NOW}.0", "good"), (f"-{NOW}", "good"), (f" {NOW}", "good"),
        (str(NOW), "v1=" + "0" * 64), (str(NOW), "v0=" + "Z" * 64), (str(NOW), "v0=é" + "0" * 63),
        (str(NOW), "good-uppercase"),
    ])
    def test_missing_or_malformed_headers_are_refused(self, timestamp, signature) -> None:
        good = slack_signature(BODY, str(NOW))
        signature = {"good": good, "good-uppercase": good.upper()}.get(signature, signature)
        assert not signature_valid(SECRET, timestamp, signature, BODY, NOW)


class TestMrkdwn:
    def test_bold_lists_and_links(self) -> None:
        markdown = (
            "Medical Student membership of SIR is **free**.\n"
            "- **ESIR**: an IR track\n"
            "  * nested item\n"
            "See [SIR's page](https://www.sirweb.org/learning-center/?a=1&b=2)."
        )
        assert to_mrkdwn(markdown) == (
            "Medical Student membership of SIR is *free*.\n"
            "• *ESIR*: an IR track\n"
            "  • nested item\n"
            "See <https://www.sirweb.org/learning-center/?a=1&amp;b=2|SIR's page>."
        )

    def test_slacks_control_characters_are_escaped(self) -> None:
        assert to_mrkdwn("a < b & c > d <!channel> <@U123>") == (
            "a &lt; b &amp; c &gt; d &lt;!channel&gt; &lt;@U123&gt;"
        )

    def test_link_titles_are_escaped_but_the_link_markup_is_not(self) -> None:
        assert to_mrkdwn("[A <b> & C](https://example.org/x)") == (
            "<https://example.org/x|A &lt;b&gt; &amp; C>"
        )

    def test_plain_text_and_lone_asterisks_are_unchanged(self) -> None:
        for text in ("No markup here.", "2 * 3 = 6", "a ** b", "-5 degrees", "PGY-3"):
            assert to_mrkdwn(text) == text

    def test_only_web_and_mail_links_are_converted(self) -> None:
        assert to_mrkdwn("[x](javascript:alert(1))") == "[x](javascript:alert(1))"
        assert to_mrkdwn("[mail us](mailto:rfs@sirweb.org)") == "<mailto:rfs@sirweb.org|mail us>"

    def test_long_texts_are_split_into_sections_at_line_breaks(self) -> None:
        lines = [f"- line {i} " + "x" * 90 for i in range(80)]  # about 8,000 characters
        blocks = text_blocks("\n".join(lines))
        assert len(blocks) == 3
        assert all(len(b["text"]["text"]) <= 3000 for b in blocks)
        assert all(b["text"]["text"].startswith("• line") for b in blocks)
        assert sum(b["text"]["text"].count("• line") for b in blocks) == 80

    def test_a_text_without_line_breaks_is_split_too(self) -> None:
        blocks = text_blocks("y" * 7000)
        assert [len(b["text"]["text"]) for b in blocks] == [3000, 3000, 1000]


class TestButtons:
    def test_thirty_buttons_fill_two_actions_blocks(self) -> None:
        buttons = [{"title": f"Topic {i}", "payload": f"/topic_{i}"} for i in range(30)]
        blocks = button_blocks(buttons)
        assert [b["type"] for b in blocks] == ["actions", "actions"]
        assert [len(b["elements"]) for b in blocks] == [25, 5]
        elements = [e for b in blocks for e in b["elements"]]
        assert [e["value"] for e in elements] == [b["payload"] for b in buttons]
        assert len({e["action_id"] for e in elements}) == 30
        assert elements[0] == {"type": "button", "action_id": "button-0",
                               "text": {"type": "plain_text", "text": "Topic 0"},
                               "value": "/topic_0"}

    def test_exactly_twenty_five_fit_one_block(self) -> None:
        buttons = [{"title": str(i), "payload": f"/p{i}"} for i in range(25)]
        assert [len(b["elements"]) for b in button_blocks(buttons)] == [25]

    def test_titles_are_shortened_to_75_characters(self) -> None:
        [block] = button_blocks([{"title": "t" * 80, "payload": "/x"}])
        title = block["elements"][0]["text"]["text"]
        assert len(title) == 75 and title.endswith("…")

    def test_a_payload_slack_cannot_take_is_left_out_loudly(self, caplog) -> None:
        buttons = [{"title": "ok", "payload": "/a" + "x" * 1998},
                   {"title": "too long", "payload": "/b" + "x" * 1999}]
        [block] = button_blocks(buttons)
        assert [e["text"]["text"] for e in block["elements"]] == ["ok"]
        assert "too long" in caplog.text

    def test_a_message_with_text_and_buttons(self) -> None:
        message = slack_message("Pick **one**:", [{"title": "A", "payload": "/a"}])
        assert message["text"] == "Pick *one*:"
        assert [b["type"] for b in message["blocks"]] == ["section", "actions"]
        assert message["blocks"][0]["text"] == {"type": "mrkdwn", "text": "Pick *one*:"}

    def test_collected_replies_become_one_message(self) -> None:
        message = collected_message([
            {"recipient_id": "U1", "text": "First"},
            {"recipient_id": "U1", "text": "Second", "buttons": [{"title": "A", "payload": "/a"}]},
        ])
        assert message["text"] == "First\n\nSecond"
        assert [b["type"] for b in message["blocks"]] == ["section", "section", "actions"]

    def test_a_click_replaces_the_buttons_with_the_choice(self) -> None:
        section = {"type": "section", "text": {"type": "mrkdwn", "text": "Pick"}}
        blocks = [section, *button_blocks([{"title": str(i), "payload": f"/{i}"} for i in range(30)])]
        updated = chosen_blocks(blocks, "Fees & <dues>")
        assert updated == [section, {"type": "context", "elements": [
            {"type": "mrkdwn", "text": "You chose: *Fees &amp; &lt;dues&gt;*"}]}]


class TestEvents:
    BOT = ["UBOT"]

    @pytest.mark.parametrize("event", [
        {"type": "message", "channel_type": "im", "channel": "D1", "user": "U1", "text": "hi"},
        {"type": "app_mention", "channel": "C1", "user": "U1", "text": "<@UBOT> hi"},
    ])
    def test_direct_messages_and_mentions_are_questions(self, event) -> None:
        assert is_question(event, self.BOT)

    @pytest.mark.parametrize("change", [
        {"bot_id": "B1"}, {"subtype": "bot_message", "bot_id": "B1"}, {"user": "UBOT"},
        {"subtype": "message_changed"}, {"subtype": "message_deleted"}, {"subtype": "file_share"},
        {"channel_type": "channel"}, {"type": "reaction_added"}, {"user": None}, {"text": None},
    ])
    def test_everything_else_is_not(self, change) -> None:
        event = {"type": "message", "channel_type": "im", "channel": "D1", "user": "U1", "text": "hi"}
        assert not is_question({**event, **change}, self.BOT)

    def test_replies_go_into_the_thread_in_channels_only(self) -> None:
        assert reply_thread({"channel_type": "im", "ts": "1.1"}) is None
        assert reply_thread({"channel_type": "im", "ts": "1.2", "thread_ts": "1.1"}) == "1.1"
        assert reply_thread({"type": "app_mention", "ts": "2.1"}) == "2.1"
        assert reply_thread({"type": "app_mention", "ts": "2.2", "thread_ts": "2.1"}) == "2.1"

    def test_the_bots_mention_and_slacks_markup_are_removed(self) -> None:
        text = "<@UBOT> what is IR? see <https://sirweb.org|sirweb.org> &amp; <#C1|general> <@UBOT|ir>"
        assert plain_text(text, self.BOT) == "what is IR? see sirweb.org & general"
        assert plain_text("fees for &lt;PGY-3&gt; <@UOTHER>", self.BOT) == "fees for <PGY-3> @UOTHER"


def test_help_and_home_name_the_main_topics() -> None:
    assert "/ircareers" in HELP_TEXT
    home = str(home_view())
    assert home_view()["type"] == "home"
    for topic in ("What interventional radiology is", "Training pathways", "fees", "Upcoming events"):
        assert topic in home


class TestSettings:
    def test_both_secrets_are_needed(self) -> None:
        assert slack_settings({}) is None
        assert slack_settings({"SLACK_BOT_TOKEN": "xoxb-1"}) is None
        assert slack_settings({"SLACK_SIGNING_SECRET": "s"}) is None
        assert slack_settings({"SLACK_BOT_TOKEN": "", "SLACK_SIGNING_SECRET": "s"}) is None

    def test_the_api_url_defaults_to_slack_and_ends_with_a_slash(self) -> None:
        config = slack_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"})
        assert config.api_url == SLACK_API_URL == "https://slack.com/api/"
        fake = slack_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s",
                               "SLACK_API_URL": "http://127.0.0.1:9999/api"})
        assert fake.api_url == "http://127.0.0.1:9999/api/"

    def test_secrets_never_show_in_a_repr(self) -> None:
        config = slack_settings({"SLACK_BOT_TOKEN": "xoxb-secret-1", "SLACK_SIGNING_SECRET": "shh-2"})
        assert "xoxb-secret-1" not in repr(config) and "shh-2" not in repr(config)


class TestCredentials:
    @pytest.fixture
    def base(self, tmp_path: Path) -> Path:
        path = tmp_path / "credentials.yml"
        path.write_text("# comment\nbot.channels.rest.SafeRestInput:\nbot.channels.web.WebChatInput:\n")
        return path

    def test_without_slack_settings_the_base_file_is_used(self, base: Path, tmp_path: Path) -> None:
        generated = tmp_path / "var" / "credentials.yml"
        assert credentials_file(base, generated, {"SLACK_BOT_TOKEN": "xoxb-1"}) == base
        assert not generated.exists()

    def test_with_slack_settings_slack_is_added_without_secrets(self, base: Path, tmp_path: Path) -> None:
        generated = tmp_path / "var" / "credentials.yml"
        env = {"SLACK_BOT_TOKEN": "xoxb-secret", "SLACK_SIGNING_SECRET": "signing-secret"}
        assert credentials_file(base, generated, env) == generated
        assert yaml.safe_load(generated.read_text()) == {
            "bot.channels.rest.SafeRestInput": None, "bot.channels.web.WebChatInput": None,
            SLACK_CHANNEL: None,
        }
        assert "xoxb-secret" not in generated.read_text()
        assert "signing-secret" not in generated.read_text()

    def test_the_projects_credentials_name_the_slack_channel_class(self) -> None:
        module, _, name = SLACK_CHANNEL.rpartition(".")
        assert module == "bot.channels.slack"
        import bot.channels.slack as slack

        assert getattr(slack, name).name() == "slack"
