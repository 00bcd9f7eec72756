"""What the assistant knows, read from its files: intents, examples, answers, rules.

Read as plain YAML (no Rasa import), so staff commands answer at once; `bot check` runs
Rasa's own validator on top.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Set, Tuple

from bot.training.project import Project
from bot.training.text import normalise, plain
from bot.training.yamlfile import read_intents, read_plain, response_texts


def examples_of(block: Any) -> List[str]:
    """The examples of an `examples: |` block, one per `- ` line."""
    lines = str(block or "").splitlines()
    return [line.strip()[2:].strip() for line in lines if line.strip().startswith("- ")]


@dataclass
class AssistantData:
    intents: List[str]  # as listed in the domain
    responses: Dict[str, List[str]]
    actions: List[str]  # custom actions listed in the domain
    examples: Dict[str, List[str]]  # intent -> examples (annotations removed)
    files: Dict[str, Path]  # intent -> NLU file that defines it
    answered_by: Dict[str, Set[str]]  # intent -> actions that follow it in rules/stories
    heldout: List[Tuple[str, str]]  # (question, intent)

    def owner(self, text: str) -> Optional[str]:
        """The intent that already has this example (normalised), if any."""
        return self.normalised_examples().get(normalise(text))

    def normalised_examples(self) -> Dict[str, str]:
        found: Dict[str, str] = {}
        for intent, texts in self.examples.items():
            for text in texts:
                found.setdefault(normalise(text), intent)
        return found

    def heldout_questions(self) -> Dict[str, str]:
        return {normalise(text): intent for text, intent in self.heldout}


def _nlu_examples(path: Path) -> List[Tuple[str, List[str]]]:
    content = read_plain(path) or {}
    return [
        (str(item["intent"]), [plain(e) for e in examples_of(item.get("examples"))])
        for item in content.get("nlu") or []
        if isinstance(item, dict) and "intent" in item
    ]


def _answers(paths: List[Path]) -> Dict[str, Set[str]]:
    """intent -> actions that directly follow it in any rule or story."""
    answered: Dict[str, Set[str]] = {}
    for path in paths:
        if not path.exists():
            continue
        content = read_plain(path) or {}
        for block in (content.get("rules") or []) + (content.get("stories") or []):
            steps = block.get("steps") or []
            for step, following in zip(steps, steps[1:] + [{}]):
                if isinstance(step, dict) and "intent" in step:
                    action = following.get("action") if isinstance(following, dict) else None
                    answered.setdefault(step["intent"], set())
                    if action:
                        answered[step["intent"]].add(action)
    return answered


def heldout_questions(path: Path) -> List[Tuple[str, str]]:
    if not path.exists():
        return []
    return [(text, intent) for intent, texts in _nlu_examples(path) for text in texts]


def load(project: Project) -> AssistantData:
    domain = read_plain(project.domain) or {}
    examples: Dict[str, List[str]] = {}
    files: Dict[str, Path] = {}
    for path in project.nlu_files():
        for intent, texts in _nlu_examples(path):
            examples.setdefault(intent, []).extend(texts)
            files.setdefault(intent, path)
    data_files = sorted(p for p in project.data.rglob("*.yml") if project.nlu_dir not in p.parents)
    return AssistantData(
        intents=read_intents(domain),
        responses=response_texts(domain),
        actions=[str(a) for a in domain.get("actions") or []],
        examples=examples,
        files=files,
        answered_by=_answers(data_files),
        heldout=heldout_questions(project.heldout),
    )
