"""The assistant's knowledge: `knowledge/` (SIR's career page and the sourced fact sheet).

Everything the assistant states comes from these two files. This module reads them into
passages for retrieval (the long tail no intent covers) and into the sets of figures,
years and links that tests check every answer against. Lines the sheet marks
*unconfirmed* or "do not state" never become passages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import List, Tuple

from bot import settings

KNOWLEDGE_DIR = Path("knowledge")
FACTS_FILE = KNOWLEDGE_DIR / "facts.md"
SOURCE_PAGE_FILE = KNOWLEDGE_DIR / "source-page.txt"
SOURCE_PAGE_URL = "https://www.sirweb.org/learning-center/rfs-landing-page/"
# Sections that are instructions to the assistant, not facts to retrieve.
NOT_RETRIEVED = ("Official links", "Out of bounds", "What the assistant may say")
WITHHELD = re.compile(r"\*unconfirmed\*|do not state|unconfirmed", re.IGNORECASE)
TRAILING_SOURCE = re.compile(r"\s*\(([^()]*(?:\([^()]*\)[^()]*)*)\)\s*\.?$")
SENTENCE_END = re.compile(r"(?<=[.;])\s+(?=[A-Z])")
# The source page's announcements of its own past events are not facts to repeat.
STALE = re.compile(r"Plan to|check back|hard at work|More information|View RFS", re.IGNORECASE)


@dataclass(frozen=True)
class Passage:
    """One retrievable fact: its section, its text (without the source), and its source."""

    section: str
    text: str
    source: str


def knowledge_text(root: Path | None = None) -> str:
    """Both files, as one text (for checking that a figure or link is in the knowledge)."""
    root = root or settings.PROJECT_ROOT
    return "\n".join(
        (root / name).read_text(encoding="utf-8") for name in (FACTS_FILE, SOURCE_PAGE_FILE)
    )


def _split_source(text: str) -> Tuple[str, str]:
    """("fact text", "its source") from a sheet line ending in "(source, date)"."""
    match = TRAILING_SOURCE.search(text)
    if not match:
        return text.strip(), ""
    return text[: match.start()].strip().rstrip(".") + ".", match.group(1).strip()


def _fact_items(markdown: str) -> List[Tuple[str, str]]:
    """(section, item text) for each bullet or paragraph of the fact sheet."""
    items: List[Tuple[str, str]] = []
    section = ""
    current: List[str] = []  # the lines of the item being read

    def flush() -> None:
        if current:
            items.append((section, " ".join(current)))
            current.clear()

    for raw in markdown.splitlines():
        line = raw.strip()
        if line.startswith("#"):
            flush()
            section = line.lstrip("#").strip()
        elif not line or line.startswith("|"):
            flush()
        elif line.startswith("- "):
            flush()
            current.append(line[2:])
        else:
            current.append(line)
    flush()
    return items


def passages(root: Path | None = None) -> List[Passage]:
    """Retrievable passages: the fact sheet's facts, then the source page's paragraphs."""
    root = root or settings.PROJECT_ROOT
    found: List[Passage] = []
    for section, item in _fact_items((root / FACTS_FILE).read_text(encoding="utf-8")):
        if any(section.startswith(name) for name in NOT_RETRIEVED):
            continue
        text, source = _split_source(item)
        kept = [s for s in SENTENCE_END.split(text) if not WITHHELD.search(s)]
        if kept and len(" ".join(kept)) > 40:
            found.append(Passage(section, " ".join(kept), source))
    page = (root / SOURCE_PAGE_FILE).read_text(encoding="utf-8")
    for paragraph in re.split(r"\n\s*\n", page):
        text = " ".join(paragraph.split())
        if len(text) > 80 and not WITHHELD.search(text) and not STALE.search(text):
            found.append(Passage("SIR's career page", text, "SIR career page"))
    return found


@lru_cache(maxsize=4)
def cached_passages(root: Path | None = None) -> Tuple[Passage, ...]:
    return tuple(passages(root))
