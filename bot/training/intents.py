"""Teach the assistant a new question, or new wordings of a known one; and take them back.

Rasa would happily train on a clashing name or an example filed under two intents, and only
a worse model would show it. Here every input is checked first, with a message that says
what to change; files are written only when everything is acceptable (see yamlfile).

Removing is the undo of adding, for staff who added a wrong example or topic: it removes
exactly what adding wrote, and refuses what would leave `bot check` with a problem or take
away something users already get (see `removal_refused`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Collection, Dict, Iterator, List, Optional, Sequence

from bot.errors import BadInput, StaffError
from bot.rasa_ext import NLU_FALLBACK
from bot.training import data as assistant_data
from bot.training.data import AssistantData
from bot.training.project import Project
from bot.training.text import normalise, plain
from bot.training.yamlfile import (
    YamlFile,
    append,
    example_block,
    extend_example_block,
    long_text,
    mapping,
    read_plain,
    remove,
    sequence,
    write_all,
)

if TYPE_CHECKING:
    from bot.training.registry import ModelRegistry

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
    removed: List[str] = field(default_factory=list)


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


# --- taking back what staff added -------------------------------------------------------


def _intent_blocks(project: Project, intent: str) -> Iterator[tuple[YamlFile, int]]:
    """(file, index in its `nlu:` list) of every block of `intent`, last first (so the
    indexes stay valid while removing); only files that have one are loaded for editing."""
    for path in project.nlu_files():
        content = read_plain(path) or {}
        items = content.get("nlu") if isinstance(content, dict) else None
        if not isinstance(items, list):
            continue
        indexes = [
            i
            for i, item in enumerate(items)
            if isinstance(item, dict) and item.get("intent") == intent
        ]
        if indexes:
            file = YamlFile.load(path)
            for index in reversed(indexes):
                yield file, index


def _known_intent(known: AssistantData, intent: str) -> None:
    if intent not in known.examples and intent not in known.intents:
        raise BadInput(
            f"Unknown intent '{intent}'. Known intents: {', '.join(sorted(known.examples))}."
        )


def remove_examples(project: Project, intent: str, texts: Sequence[str]) -> Change:
    """Remove examples from `intent` (as shown: annotations and case aside); a topic keeps
    at least MIN_EXAMPLES, so a wrong wording is replaced by adding the right one first."""
    known = assistant_data.load(project)
    _known_intent(known, intent)
    wanted = [" ".join(str(t).split()) for t in texts if str(t).strip()]
    if not wanted:
        raise BadInput("No example given.")
    current = known.examples.get(intent, [])
    gone: set[str] = set()  # the example texts to remove, as the files have them
    for text in wanted:
        same = {e for e in current if e == text} or {
            e for e in current if normalise(e) == normalise(text)
        }
        if not same:
            raise BadInput(f"'{text}' is not an example of '{intent}'; nothing was removed.")
        gone |= same
    left = sum(1 for e in current if e not in gone)
    if left < MIN_EXAMPLES:
        raise BadInput(
            f"{intent} would have {left} examples left; a topic needs at least {MIN_EXAMPLES}. "
            "Add the right ways of asking first, then remove the wrong ones. Nothing was removed."
        )
    files: Dict[Path, YamlFile] = {}
    for file, index in _intent_blocks(project, intent):
        block = file.doc["nlu"][index]
        lines = str(block.get("examples") or "").splitlines(keepends=True)
        kept = [
            line
            for line in lines
            if not (line.strip().startswith("- ") and plain(line.strip()[2:].strip()) in gone)
        ]
        if kept != lines:
            block["examples"] = extend_example_block("".join(kept), [])
            files[file.path] = file
    removed = [e for e in current if e in gone]
    return Change(intent, [], write_all(list(files.values())), removed=removed)


@dataclass(frozen=True)
class Removal:
    """A removed topic, with what is needed to add it back."""

    intent: str
    examples: List[str]
    answer: Optional[str]
    files: List[Path]
    deleted: List[Path]  # files that held nothing else and were removed

    def details(self) -> str:
        """For the audit log: everything needed to add the topic back by hand."""
        lines = [f"{len(self.examples)} examples:", *(f"- {e}" for e in self.examples)]
        return "\n".join([*lines, f"answer: {self.answer or '(none)'}"])


def released_intents(registry: Optional[ModelRegistry] = None) -> frozenset[str]:
    """The intents of the released model (none when nothing is released yet)."""
    from bot.training.model import model_intents
    from bot.training.registry import ModelRegistry

    record = (registry or ModelRegistry()).released()
    if record is None:
        return frozenset()
    if not Path(record.path).exists():
        raise StaffError(
            f"The file of the released model {record.label} is missing ({record.path}), so "
            "it cannot be told which topics users get."
        )
    return model_intents(Path(record.path))


def _mentions(node: Any, names: Collection[str]) -> bool:
    """Whether any value in `node` is one of `names`, or a button payload `/name...`."""
    if isinstance(node, dict):
        return any(_mentions(v, names) for v in node.values())
    if isinstance(node, list):
        return any(_mentions(v, names) for v in node)
    if isinstance(node, str):
        return node in names or any(node == f"/{n}" or node.startswith(f"/{n}{{") for n in names)
    return False


def _answer_rule(project: Project, intent: str) -> tuple[Optional[int], List[str]]:
    """(index in data/rules.yml of the rule `add_intent` wrote, other files/blocks that
    mention the intent or its answer)."""
    names = {intent, f"utter_{intent}"}
    wanted = [{"intent": intent}, {"action": f"utter_{intent}"}]
    rule, others = None, []
    for path in sorted(p for p in project.data.rglob("*.yml") if project.nlu_dir not in p.parents):
        content = read_plain(path) or {}
        for kind in ("rules", "stories"):
            for index, block in enumerate(content.get(kind) or []):
                if not _mentions(block, names):
                    continue
                mine = path == project.rules and kind == "rules" and block.get("steps") == wanted
                if mine and rule is None:
                    rule = index
                    continue
                others.append(f"{project.show(path)} ({block.get('rule') or block.get('story')})")
    return rule, others


def removal_refused(
    project: Project, intent: str, released: Optional[Collection[str]] = None
) -> Optional[str]:
    """Why `intent` may not be removed by staff, in plain words; None when it may.

    A topic may be removed while it is exactly what adding a topic writes (examples, one
    answer, one rule), nothing else refers to it, the test questions do not cover it, and
    no released model knows it: so removing it changes nothing users get, and leaves the
    data as it was before it was added. `released`: the released model's intents (default:
    read from the registry in DATABASE_URL).
    """
    known = assistant_data.load(project)
    _known_intent(known, intent)
    if intent in RESERVED or intent == "out_of_scope":
        return f"{intent} is a name Rasa reserves for itself; the assistant needs it."
    try:
        in_model = intent in (released_intents() if released is None else released)
    except StaffError as error:
        return str(error)
    if in_model:
        return (
            f"The released model knows {intent}, so users get its answer now. If that release "
            "was the mistake, roll it back first (Models page, or `bot rollback`); otherwise "
            "ask a developer to take the topic out."
        )
    tests = sum(1 for _, i in known.heldout if i == intent)
    if tests:
        return (
            f"The test questions (tests/nlu/heldout.yml) have {tests} question(s) for {intent}; "
            "a developer keeps that file, so ask one to take the topic out."
        )
    rule, others = _answer_rule(project, intent)
    response = f"utter_{intent}"
    if response not in known.responses or rule is None:
        return (
            f"{intent} was not added as staff add topics (an answer of its own and one rule "
            "that gives it); ask a developer to take it out."
        )
    domain = read_plain(project.domain) or {}
    elsewhere = {k: v for k, v in domain.items() if k not in ("intents", "responses")}
    elsewhere["responses"] = {
        k: v for k, v in (domain.get("responses") or {}).items() if k != response
    }
    if _mentions(elsewhere, {intent, response}):
        others.append("domain.yml (a button or slot that leads to it)")
    if _mentions(read_plain(project.config) or {}, {intent}):
        others.append("config.yml")
    quoted = (f'"{intent}"', f"'{intent}'", response)
    code_files = [
        *sorted((project.root / "actions").glob("*.py")),  # custom actions
        *sorted((project.root / "bot").rglob("*.py")),  # the project's package (NLU checks ...)
    ]
    for code in code_files:
        if any(name in code.read_text(encoding="utf-8") for name in quoted):
            others.append(project.show(code))
    if others:
        return (
            f"Other parts of the assistant refer to {intent}: {', '.join(others)}; ask a "
            "developer to take it out."
        )
    if any(isinstance(e, dict) and intent in e for e in domain.get("intents") or []):
        return f"{intent} has settings of its own in domain.yml; ask a developer to take it out."
    return None


def remove_intent(
    project: Project, intent: str, released: Optional[Collection[str]] = None
) -> Removal:
    """Remove a topic staff added: its examples, its answer utter_`intent` and its rule,
    in one change (an NLU file that then holds nothing but its header is deleted)."""
    why = removal_refused(project, intent, released)
    if why:
        raise BadInput(f"{why} Nothing was removed.")
    known = assistant_data.load(project)
    domain = YamlFile.load(project.domain)
    rules = YamlFile.load(project.rules)
    response = f"utter_{intent}"
    variants = (domain.doc.get("responses") or {}).get(response) or []
    answer = str(variants[0]["text"]) if variants and "text" in variants[0] else None
    nlu: Dict[Path, YamlFile] = {}
    for file, index in _intent_blocks(project, intent):
        remove(file.doc["nlu"], index)
        nlu[file.path] = file
    deleted = []
    for file in nlu.values():
        if not file.doc["nlu"] and file.render() == NEW_TOPIC_HEADER:
            file.deleted = True  # it held only this topic: as before it was added
            deleted.append(file.path)
    if intent in domain.doc["intents"]:
        remove(domain.doc["intents"], list(domain.doc["intents"]).index(intent))
    remove(domain.doc["responses"], response)
    rule, _ = _answer_rule(project, intent)
    assert rule is not None  # removal_refused checked it
    remove(rules.doc["rules"], rule)
    files = write_all([*nlu.values(), domain, rules])
    return Removal(intent, known.examples.get(intent, []), answer, files, deleted)
