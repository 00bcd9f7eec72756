"""Which origins may embed the widget."""
from __future__ import annotations

from bot.origins import allowed_origins, origin_allowed


def test_the_list_is_normalised_and_junk_dropped() -> None:
    assert allowed_origins(" https://A.example/ ,http://b.example:8080,ftp://x, ,nonsense") == {
        "https://a.example", "http://b.example:8080",
    }
    assert allowed_origins(None) == frozenset()


def test_origin_rules() -> None:
    allowed = allowed_origins("https://society.example")
    assert origin_allowed(None, "bot.example", allowed)  # curl, servers
    assert origin_allowed("https://bot.example", "bot.example", allowed)  # its own pages
    assert origin_allowed("https://society.example/", "bot.example", allowed)
    assert not origin_allowed("https://evil.example", "bot.example", allowed)
    assert not origin_allowed("https://society.example.evil.example", "bot.example", allowed)
