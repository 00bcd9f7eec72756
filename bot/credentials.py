"""Rasa's credentials file: the channels of credentials.yml, plus Slack when it is configured.

credentials.yml is static and committed, but the Slack channel must be absent unless its
secrets are set (Rasa's SlackInput refuses to start without them). So `bot serve` gives
Rasa credentials.yml itself, or, when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set, a
generated copy with the Slack channel added. The secrets never go into the file: the
channel reads them from the environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Mapping

import yaml

from bot import settings

SLACK_CHANNEL = "bot.channels.slack.SlackAppInput"


def credentials_file(base: Path, generated: Path, env: Mapping[str, str]) -> Path:
    """The credentials file for Rasa: `base`, or `generated` (written) when Slack is set up."""
    if settings.slack_settings(env) is None:
        return base
    listed: Dict[str, Any] = yaml.safe_load(base.read_text()) or {}
    listed[SLACK_CHANNEL] = None
    generated.parent.mkdir(parents=True, exist_ok=True)
    generated.write_text(
        f"# Written by `bot serve`: {base.name} plus the Slack channel, whose settings come\n"
        "# from the environment. Edits here are overwritten; edit credentials.yml instead.\n"
        + yaml.safe_dump(listed, sort_keys=False)
    )
    return generated
