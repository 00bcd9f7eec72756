"""Input checks of the REST channel (pure parts; the HTTP behaviour is tested end to end)."""
from __future__ import annotations

import pytest

from bot.channels.base import check_body, clean_text


@pytest.mark.parametrize(
    "body, problem",
    [
        (None, "JSON object"),
        ([], "JSON object"),
        ({"message": "hi"}, '"sender"'),
        ({"sender": "  ", "message": "hi"}, '"sender"'),
        ({"sender": "x" * 129, "message": "hi"}, "at most 128"),
        ({"sender": "u", "message": 5}, '"message" must be a string'),
        ({"sender": "u", "message": "hi", "metadata": "x"}, '"metadata"'),
    ],
)
def test_bad_bodies(body, problem: str) -> None:
    assert problem in check_body(body)


def test_good_body() -> None:
    assert check_body({"sender": "u1", "message": ""}) is None


def test_clean_text() -> None:
    assert clean_text("  hi\u0000 there\u200b\n") == "hi there"
    assert clean_text("cafe\u0301") == "café"
    assert clean_text("line1\nline2\tend") == "line1 line2 end"
    assert clean_text("😀 emoji stays") == "😀 emoji stays"
