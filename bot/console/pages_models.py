"""(filled in by a later slice)"""

from __future__ import annotations

from sanic import Sanic


def register(app: Sanic) -> None:
    pass
