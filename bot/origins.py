"""Which web origins may embed the widget (WIDGET_ALLOWED_ORIGINS)."""

from __future__ import annotations

from typing import FrozenSet, Iterable, Optional
from urllib.parse import urlsplit


def allowed_origins(value: Optional[str]) -> FrozenSet[str]:
    """Origins from a comma-separated list, normalised (scheme://host[:port], no slash)."""
    origins = set()
    for item in (value or "").split(","):
        item = item.strip().rstrip("/")
        if item:
            parts = urlsplit(item)
            if parts.scheme in ("http", "https") and parts.netloc:
                origins.add(f"{parts.scheme}://{parts.netloc}".lower())
    return frozenset(origins)


def origin_allowed(origin: Optional[str], host: str, allowed: Iterable[str]) -> bool:
    """No Origin (curl, servers), the bot's own host, or a listed origin."""
    if not origin:
        return True
    origin = origin.lower().rstrip("/")
    return urlsplit(origin).netloc == host.lower() or origin in allowed
