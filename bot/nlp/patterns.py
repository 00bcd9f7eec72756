"""Entity patterns: one YAML file feeds both the spaCy entity ruler and value normalisation.

The ruler reports the text it matched ("PGY-3"); actions need the canonical value
("resident-in-training"). Both come from `patterns.yml`, so they cannot drift apart.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import yaml

PATTERNS_FILE = Path(__file__).with_name("patterns.yml")
_RANGE = re.compile(r"\{(\d+)\.\.(\d+)\}")
_IGNORED = re.compile(r"[\s\-_.#']+")


def expand(phrase: str) -> Iterator[str]:
    """Expand the first "{a..b}" range in a phrase (recursively for several)."""
    match = _RANGE.search(phrase)
    if not match:
        yield phrase
        return
    low, high = int(match.group(1)), int(match.group(2))
    for number in range(low, high + 1):
        yield from expand(phrase[: match.start()] + str(number) + phrase[match.end() :])


def _key(text: str) -> str:
    """Comparison key: lower case, without spaces, hyphens, dots and hashes."""
    return _IGNORED.sub("", text.lower())


@lru_cache(maxsize=4)
def load_patterns(path: Path = PATTERNS_FILE) -> Dict[str, Dict[str, List[str]]]:
    """entity -> canonical value -> phrases (ranges expanded, the canonical value included)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    result: Dict[str, Dict[str, List[str]]] = {}
    for entity, values in raw.items():
        result[entity] = {}
        for canonical, phrases in values.items():
            expanded = [p for phrase in phrases for p in expand(str(phrase))]
            result[entity][canonical] = [canonical, *expanded]
    return result


def spacy_patterns(path: Path = PATTERNS_FILE) -> List[dict]:
    """Patterns in the format of spaCy's EntityRuler (label, phrase, id)."""
    return [
        {"label": entity, "pattern": phrase, "id": canonical}
        for entity, values in load_patterns(path).items()
        for canonical, phrases in values.items()
        for phrase in phrases
    ]


@lru_cache(maxsize=16)
def _lookup(entity: str, path: Path = PATTERNS_FILE) -> Dict[str, str]:
    return {
        _key(phrase): canonical
        for canonical, phrases in load_patterns(path).get(entity, {}).items()
        for phrase in phrases
    }


def canonical(entity: str, text: Optional[str], path: Path = PATTERNS_FILE) -> Optional[str]:
    """The canonical value for an entity's matched text, or None when it is not known."""
    if not text:
        return None
    return _lookup(entity, path).get(_key(str(text)))


def find(entity: str, text: str, path: Path = PATTERNS_FILE) -> Optional[str]:
    """The canonical value of the longest phrase of `entity` found in free text, if any.

    Used when a value arrives outside the NLU pipeline (a button payload, a slot set by
    hand) so actions never depend on the exact wording.
    """
    words = re.findall(r"[\w#\-]+", text.lower())
    best: Optional[str] = None
    best_len = 0
    lookup = _lookup(entity, path)
    for start in range(len(words)):
        for end in range(start + 1, min(len(words), start + 6) + 1):
            key = _key("".join(words[start:end]))
            if key in lookup and end - start > best_len:
                best, best_len = lookup[key], end - start
    return best
