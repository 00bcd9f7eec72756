"""Everything the assistant states comes from knowledge/: figures, years, money and links.

Every response in domain.yml, every string an action can send (actions/*.py) and the
seeded fees and events are checked: each number, amount, year and web address must appear
in the knowledge files, and nothing the fact sheet marks *unconfirmed* or "do not state"
may be said.
"""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path
from typing import Iterator, List, Set, Tuple

import pytest
import yaml

from bot.db.records import format_date
from bot.knowledge import knowledge_text, passages
from bot.settings import PROJECT_ROOT

NUMBER = re.compile(r"\$?\d[\d,]*(?:\.\d+)?%?")
URL = re.compile(r"(?:https?://|www\.)[^\s)\]>\"'`]+|\b[a-z0-9-]+\.(?:org|com|gov)\b[^\s)\]>\"'`]*")
# Safety guidance, not a career fact: the emergency number is allowed to be said.
ALLOWED_NUMBERS = {"911"}
# What the sheet withholds, each with the sheet's own words for why.
WITHHELD = {
    r"sirmeeting\.org": "Annual meeting site: current use *unconfirmed*",
    r"\bSIR 20(2[5-9]|3\d)\b": "Later annual meeting dates and places: *unconfirmed*",
    r"\$4,500|8 weeks": "Summer internship: whether it runs now *unconfirmed*",
    r"24 months": "Neurointerventional fellowship length: *unconfirmed*",
    r"\$\s?\d[\d,]* (?:per|a) year for (?:active|associate|full)": "Dues for other categories",
}


def _normal_url(url: str) -> str:
    url = re.sub(r"^https?://", "", url.strip().rstrip(".,;:").lower())
    return re.sub(r"^www\.", "", url).rstrip("/")


def _strings_in_actions() -> Iterator[Tuple[str, str]]:
    for path in sorted((PROJECT_ROOT / "actions").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                yield f"actions/{path.name}", node.value


def _responses() -> Iterator[Tuple[str, str]]:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    for name, variants in domain["responses"].items():
        for variant in variants:
            text = variant.get("text", "")
            titles = " ".join(b.get("title", "") for b in variant.get("buttons", []))
            yield name, f"{text} {titles}"


def _seeded() -> Iterator[Tuple[str, str]]:
    seed = yaml.safe_load((PROJECT_ROOT / "bot" / "db" / "seed.yml").read_text(encoding="utf-8"))
    for section, rows in seed.items():
        for row in rows or []:
            values = [format_date(v) if isinstance(v, date) else str(v)
                      for k, v in row.items() if k != "slug"]
            yield f"seed {section} {row.get('slug')}", " ".join(values)


def said() -> List[Tuple[str, str]]:
    return [*_responses(), *_strings_in_actions(), *_seeded()]


def knowledge_urls() -> Set[str]:
    return {_normal_url(u) for u in URL.findall(knowledge_text())}


def test_every_figure_year_and_amount_is_in_the_knowledge() -> None:
    known = knowledge_text().replace(",", "")
    missing = []
    for where, text in said():
        text = URL.sub(" ", text)  # addresses are checked below
        for number in NUMBER.findall(text):
            bare = number.strip(",.").replace(",", "")
            bare = bare[:-3] if bare.endswith(".00") else bare
            if bare.lstrip("$").rstrip("%") in ALLOWED_NUMBERS:
                continue
            if bare not in known:
                missing.append(f"{where}: {number}")
    assert missing == []


def test_every_link_is_one_the_knowledge_gives() -> None:
    known = knowledge_urls()
    unknown = [
        f"{where}: {url}"
        for where, text in said()
        for url in URL.findall(text)
        if _normal_url(url) not in known
    ]
    assert unknown == []


@pytest.mark.parametrize("pattern, why", sorted(WITHHELD.items()))
def test_nothing_withheld_is_stated(pattern: str, why: str) -> None:
    stated = [where for where, text in said() if re.search(pattern, text)]
    assert stated == [], why


def test_the_check_would_catch_an_invented_figure_or_link() -> None:
    assert not NUMBER.fullmatch("$75") or "$75" not in knowledge_text()
    assert _normal_url("https://www.sirweb.org/") in knowledge_urls()
    assert _normal_url("https://example.org/fees") not in knowledge_urls()


def test_no_withheld_sentence_becomes_a_retrievable_passage() -> None:
    texts = [p.text for p in passages()]
    assert texts and not any("unconfirmed" in t.lower() or "do not state" in t.lower() for t in texts)


def test_the_repository_has_its_own_copy_of_the_knowledge() -> None:
    for name in ("facts.md", "source-page.txt"):
        assert (PROJECT_ROOT / "knowledge" / name).stat().st_size > 1000
    assert not any("../shared" in Path(PROJECT_ROOT / f).read_text() for f in ("README.md", "domain.yml"))
