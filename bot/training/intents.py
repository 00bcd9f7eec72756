"""Teach the assistant a new question, or new wordings of a known one.

Rasa would happily train on a clashing name or an example filed under two intents, and only
a worse model would show it. Here every input is checked first, with a message that says
what to change; files are written only when everything is acceptable (see yamlfile).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Sequence

from bot.errors import BadInput, StaffError
from bot.rasa_ext import NLU_FALLBACK
from bot.training import data as assistant_data
from bot.training.data import AssistantData
from bot.training.project import Project
from bot.training.text import normalise
from bot.training.yamlfile import (
    YamlFile,
    append,
    example_block,
    extend_example_block,
    long_text,
    mapping,
    read_plain,
    sequence,
    write_all,
)

MIN_EXAMPLES = 10
MAX_EXAMPLE_LENGTH = 300
NAME = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
TOPIC = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
# Rasa's own intents (rasa.shared.core.constants.DEFAULT_INTENTS), spelled out so that
# refusing a name needs no Rasa import.
RESERVED = {"restart", "back", "out_of_scope", "session_start", NLU_FALLBACK}
NEW_TOPIC_HEADER = (
    '# Questions added by staff with `bot intent add` (docs/staff.md).\nversion: "3.1"\nnlu: []\n'
)


@dataclass(frozen=True)
class Change:
    """What a command changed, for its one-line confirmation."""

    intent: str
    added: List[str]
    files: List[Path]


def check_name(name: str, known: AssistantData) -> None:
    if not NAME.match(name or ""):
        raise BadInput(
            f"'{name}' is not a valid intent name: use lower-case letters, digits and "
            "underscores, starting with a letter, e.g. visa_support."
        )
    if name in known.intents or name in known.examples:
        raise BadInput(
            f"There is already an intent '{name}'. To add examples to it: "
            f'bot examples add {name} "..."'
        )
    if name in RESERVED:
        raise BadInput(f"'{name}' is a name Rasa reserves for itself; choose another.")
    if f"utter_{name}" in known.responses:
        raise BadInput(f"The domain already has a response utter_{name}; choose another name.")


def clean_examples(texts: Sequence[Any], intent: str, known: AssistantData) -> List[str]:
    """Stripped examples, refused when empty, repeated, or already someone else's."""
    cleaned: List[str] = []
    seen: Dict[str, str] = {}
    existing = known.normalised_examples()
    heldout = known.heldout_questions()
    for raw in texts:
        if not isinstance(raw, str):
            raise BadInput(f"Examples must be text; got {raw!r}.")
        text = " ".join(raw.split())
        if not text:
            continue
        key = normalise(text)
        if not key:
            raise BadInput(f"'{text}' has no letters or digits; it cannot be an example.")
        if text.startswith("/"):
            raise BadInput(f"'{text}' starts with '/', which Rasa reads as a button payload.")
        if len(text) > MAX_EXAMPLE_LENGTH:
            raise BadInput(f"'{text[:40]}...' is longer than {MAX_EXAMPLE_LENGTH} characters.")
        if key in seen:
            raise BadInput(f"'{text}' is given twice (case and punctuation are ignored).")
        owner = existing.get(key)
        if owner == intent:
            raise BadInput(f"'{text}' is already an example of '{intent}'.")
        if owner:
            raise BadInput(
                f"'{text}' is already an example of intent '{owner}'; one question cannot "
                "train two intents."
            )
        if key in heldout:
            raise BadInput(
                f"'{text}' is a held-out test question (tests/nlu/heldout.yml); training on it "
                "would make the test meaningless. Write it differently."
            )
        seen[key] = text
        cleaned.append(text)
    return cleaned


def _topic_file(project: Project, topic: str) -> YamlFile:
    if not TOPIC.match(topic or ""):
        raise BadInput(
            f"'{topic}' is not a valid topic: use lower-case letters, digits and underscores "
            f"(existing topics: {', '.join(p.stem for p in project.nlu_files())})."
        )
    path = project.nlu_dir / f"{topic}.yml"
    if path.exists():
        return YamlFile.load(path)
    file = YamlFile.new(path, NEW_TOPIC_HEADER)
    file.doc["nlu"] = sequence()
    return file


def add_intent(
    project: Project, name: str, examples: Sequence[Any], answer: str, topic: str = "custom"
) -> Change:
    """Add intent `name` with its examples, the answer utter_`name` and a rule linking them.

    Writes the topic's NLU file (data/nlu/<topic>.yml, created when new), domain.yml and
    data/rules.yml together, or nothing when any input is refused.
    """
    known = assistant_data.load(project)
    check_name(name, known)
    cleaned = clean_examples(examples, name, known)
    if len(cleaned) < MIN_EXAMPLES:
        raise BadInput(
            f"An intent needs at least {MIN_EXAMPLES} different examples; got {len(cleaned)}. "
            "Add more ways people ask the question."
        )
    from bot.training.answers import check_answer

    answer = check_answer(answer if isinstance(answer, str) else "")  # links: knowledge only
    nlu = _topic_file(project, topic)
    domain = YamlFile.load(project.domain)
    rules = YamlFile.load(project.rules)
    if not isinstance(nlu.doc.get("nlu"), list):
        raise StaffError(f"{project.show(nlu.path)} has no `nlu:` list; fix it by hand first.")
    for section in ("intents", "responses"):
        if domain.doc.get(section) is None:
            raise StaffError(f"domain.yml has no `{section}:` section; fix it by hand first.")
    if not isinstance(rules.doc.get("rules"), list):
        raise StaffError("data/rules.yml has no `rules:` list; fix it by hand first.")

    append(nlu, nlu.doc["nlu"], mapping(("intent", name), ("examples", example_block(cleaned))))
    append(domain, domain.doc["intents"], name)
    append(
        domain,
        domain.doc["responses"],
        f"utter_{name}",
        sequence(mapping(("text", long_text(answer)))),
    )
    append(
        rules,
        rules.doc["rules"],
        mapping(
            ("rule", f"answer {name}"),
            ("steps", sequence(mapping(("intent", name)), mapping(("action", f"utter_{name}")))),
        ),
    )
    return Change(name, cleaned, write_all([nlu, domain, rules]))


def add_examples(project: Project, intent: str, examples: Sequence[Any]) -> Change:
    """Add examples to an existing intent, in the NLU file that defines it."""
    known = assistant_data.load(project)
    if intent not in known.examples or intent not in known.intents:
        raise BadInput(
            f"Unknown intent '{intent}'. Known intents: {', '.join(sorted(known.examples))}."
        )
    cleaned = clean_examples(examples, intent, known)
    if not cleaned:
        raise BadInput("No example given.")
    nlu = YamlFile.load(known.files[intent])
    block = next(
        item for item in nlu.doc["nlu"] if isinstance(item, dict) and item.get("intent") == intent
    )
    block["examples"] = extend_example_block(block.get("examples") or "", cleaned)
    return Change(intent, cleaned, write_all([nlu]))


def read_intent_file(path: Path) -> tuple[List[Any], str]:
    """(examples, answer) from a staff-written YAML file: `examples:` list, `answer:` text."""
    if not path.is_file():
        raise BadInput(f"No such file: {path}.")
    content = read_plain(path)
    if not isinstance(content, dict) or not isinstance(content.get("examples"), list):
        raise BadInput(
            f"{path.name} needs `examples:` (a list of questions) and `answer:` (the reply text)."
        )
    answer = content.get("answer")
    if not isinstance(answer, str):
        raise BadInput(f"{path.name} needs `answer:` with the reply text.")
    return content["examples"], answer
