"""Starting Rasa: the API token is added inside the process, in a form Rasa always parses."""

from __future__ import annotations

import pytest

from bot.rasa_ext.launch import with_api_token


@pytest.mark.parametrize("token", ["plain-token", "-starts-with-a-dash", "--looks-like-an-option"])
def test_rasa_parses_every_token_that_secrets_can_make(token: str) -> None:
    from rasa.__main__ import create_argument_parser

    args = with_api_token(["run", "--enable-api", "--port", "5005"], token)
    assert token not in args  # only inside one argument, never alone
    parsed = create_argument_parser().parse_args(args)
    assert parsed.auth_token == token
    assert parsed.port == 5005


def test_the_token_is_added_only_with_the_api_and_never_twice() -> None:
    assert with_api_token(["run"], "secret") == ["run"]
    assert with_api_token(["run", "--enable-api"], None) == ["run", "--enable-api"]
    given = ["run", "--enable-api", "--auth-token=mine"]
    assert with_api_token(given, "secret") == given
    assert with_api_token(["run", "--enable-api", "--auth-token", "mine"], "secret") == [
        "run", "--enable-api", "--auth-token", "mine"
    ]
