"""The assistant's answers (domain.yml responses): edit one, check its links, preview it.

Everything the assistant says must come from the knowledge files, so an answer may link
only to addresses those files contain (KNOWLEDGE_DIR, default knowledge/). The
preview renders the same small Markdown subset as the widget (bold, links, lists), with
everything escaped first, so what staff type can never become markup.
"""

from __future__ import annotations

import html
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import FrozenSet, Tuple

from bot import settings
from bot.errors import BadInput, StaffError
from bot.training import data as assistant_data
from bot.training.project import Project
from bot.training.yamlfile import YamlFile, long_text, write_all

URL = re.compile(r"https?://[^\s)<>\"'\]]+")
MAX_ANSWER = 2000


def knowledge_dir() -> Path:
    from bot.knowledge import KNOWLEDGE_DIR

    return Path(os.environ.get("KNOWLEDGE_DIR", settings.PROJECT_ROOT / KNOWLEDGE_DIR))


def _clean(url: str) -> str:
    return url.rstrip(".,;:!?").rstrip("/")


@lru_cache(maxsize=4)
def _links(directory: str, stamp: Tuple[float, ...]) -> FrozenSet[str]:
    found = set()
    for path in sorted(Path(directory).glob("*")):
        if path.is_file():
            found |= {_clean(u) for u in URL.findall(path.read_text(encoding="utf-8"))}
    return frozenset(found)


def knowledge_links() -> FrozenSet[str]:
    """Every web address in the knowledge files (re-read when they change)."""
    directory = knowledge_dir()
    files = sorted(p for p in directory.glob("*") if p.is_file()) if directory.is_dir() else []
    return _links(str(directory), tuple(p.stat().st_mtime for p in files))


def check_links(answer: str) -> None:
    """Refuse an answer linking anywhere the knowledge files do not."""
    allowed = knowledge_links()
    unknown = [u for u in URL.findall(answer or "") if _clean(u) not in allowed]
    if unknown:
        raise BadInput(
            f"The answer links to {', '.join(sorted(set(unknown)))}, which is not in the "
            "knowledge files; answers may link only to addresses they contain."
        )


def check_answer(answer: str) -> str:
    answer = (answer or "").strip().replace("\r\n", "\n")
    if not answer:
        raise BadInput("The answer is empty: write what the assistant should reply.")
    if len(answer) > MAX_ANSWER:
        raise BadInput(f"The answer is longer than {MAX_ANSWER} characters; shorten it.")
    check_links(answer)
    return answer


def set_answer(project: Project, intent: str, answer: str) -> Tuple[str, str]:
    """Replace the text of utter_`intent` (its buttons stay); returns (before, after)."""
    answer = check_answer(answer)
    known = assistant_data.load(project)
    name = f"utter_{intent}"
    if name not in known.responses:
        raise BadInput(
            f"'{intent}' has no answer of its own ({name}); it is answered by a custom action "
            "(fees and events come from the database: edit them on their page)."
        )
    domain = YamlFile.load(project.domain)
    variants = domain.doc["responses"][name]
    if not variants or "text" not in variants[0]:
        raise StaffError(f"{name} in domain.yml has no text to edit; fix it by hand.")
    before = str(variants[0]["text"])
    variants[0]["text"] = long_text(answer)
    write_all([domain])
    return before, answer


_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^\s)]+)\)")


def preview_html(text: str) -> str:
    """The widget's Markdown subset as HTML, from escaped text (safe to insert)."""
    out, items = [], []
    for raw in (text or "").split("\n"):
        line = html.escape(raw.strip(), quote=True)
        line = _LINK.sub(r'<a href="\2" rel="noopener noreferrer">\1</a>', line)
        line = _BOLD.sub(r"<strong>\1</strong>", line)
        if raw.strip().startswith(("- ", "* ")):
            items.append(f"<li>{line[2:]}</li>")
            continue
        if items:
            out.append("<ul>" + "".join(items) + "</ul>")
            items = []
        if line:
            out.append(f"<p>{line}</p>")
    if items:
        out.append("<ul>" + "".join(items) + "</ul>")
    return "\n".join(out)
