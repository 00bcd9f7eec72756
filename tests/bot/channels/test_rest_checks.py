"""Input checks of the REST channel (pure parts; the HTTP behaviour is tested end to end)."""
from __future__ import annotations

import pytest

from bot.channels.base import check_body, clean_text, nesting_depth


def nested(depth: int) -> dict:
    value: dict = {}
    for _ in range(depth - 1):
        value = {"a": value}
    return value


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
        ({"sender": "x\u0000", "message": "hi"}, "control characters"),
        ({"sender": "a\nb", "message": "hi"}, "control characters"),
        ({"sender": "a\u202eb", "message": "hi"}, "control characters"),
        ({"sender": "u", "message": "hi", "metadata": nested(500)}, "nest more than 8"),
        ({"sender": "u", "message": "hi", "metadata": {"a": [[[[[[[[[1]]]]]]]]]}}, "nest"),
    ],
)
def test_bad_bodies(body, problem: str) -> None:
    assert problem in check_body(body)


def test_good_body() -> None:
    assert check_body({"sender": "u1", "message": ""}) is None
    assert check_body({"sender": "élodie-😀", "message": "hi", "metadata": nested(8)}) is None


def test_nesting_depth_needs_no_recursion() -> None:
    assert nesting_depth(nested(100_000), 8) == 9  # stops counting past the limit
    assert nesting_depth({"a": [1, {"b": 2}]}, 8) == 3


def test_clean_text() -> None:
    assert clean_text("  hi\u0000 there\u200b\n") == "hi there"
    assert clean_text("cafe\u0301") == "café"
    assert clean_text("line1\nline2\tend") == "line1 line2 end"
    assert clean_text("😀 emoji stays") == "😀 emoji stays"
