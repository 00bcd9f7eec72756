"""`bot check`: is the training data fit to train on? Said in plain words, before training.

Rasa's own validator (what `rasa data validate` runs) finds broken references, intents
missing from the domain, examples filed under two intents and conflicting stories. It does
not notice what makes this assistant answer badly: an intent with too few examples, a
question nobody answers, two intents with nearly the same example, or a held-out test
question that leaked into the training data (which makes the test meaningless).
"""

from __future__ import annotations

import logging
import re
import warnings
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Tuple

from bot.rasa_ext import NLU_FALLBACK
from bot.training import data as assistant_data
from bot.training.data import AssistantData
from bot.training.intents import MIN_EXAMPLES
from bot.training.project import Project
from bot.training.text import near_duplicate_pairs, normalise

DEFAULT_INTENTS = {"restart", "back", "session_start", NLU_FALLBACK}  # Rasa's, answered by Rasa


@dataclass
class Section:
    title: str
    problems: List[str] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)
    summary: str = "ok"


@dataclass
class CheckReport:
    sections: List[Section]

    @property
    def problems(self) -> List[str]:
        return [p for s in self.sections for p in s.problems]

    @property
    def ok(self) -> bool:
        return not self.problems


# --- Rasa's validator ---------------------------------------------------------------------


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: List[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


IRRELEVANT = ("Slot auto-fill has been removed",)  # Rasa 3 says this on every domain load


def _plain(message: str) -> str:
    message = " ".join(message.split())
    return message.split(" More info at ")[0].split(" Please refer to ")[0]


UNUSED_RESPONSE = re.compile(r"^The utterance '(.+)' is not used in any story or rule\.$")


def _group_unused_responses(notes: List[str]) -> List[str]:
    """Rasa's one line per response sent only by custom actions, as one line."""
    unused = sorted(m.group(1) for m in map(UNUSED_RESPONSE.match, notes) if m)
    rest = [n for n in notes if not UNUSED_RESPONSE.match(n)]
    if unused:
        rest.append(
            "Responses in no rule or story (fine when a custom action sends them): "
            + ", ".join(unused)
            + "."
        )
    return rest


def rasa_checks(project: Project) -> Section:
    """Run each of Rasa's checks, keeping the warnings of failed ones as problems."""
    from bot.rasa_ext import prepare

    prepare()
    from rasa.shared.exceptions import RasaException
    from rasa.shared.importers.importer import TrainingDataImporter
    from rasa.validator import Validator

    section = Section("Rasa's checks (as `rasa data validate`)")
    collect = _Collect()
    logger = logging.getLogger("rasa.validator")
    logger.addHandler(collect)
    try:
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("ignore")
            importer = TrainingDataImporter.load_from_config(
                str(project.config), str(project.domain), [str(project.data)]
            )
            validator = Validator.from_importer(importer)
            if validator.domain.is_empty():
                section.problems.append("domain.yml is empty or could not be read.")
                section.summary = "failed"
                return section
        checks: List[Tuple[str, Callable[[], bool]]] = [
            ("domain", validator.verify_domain_validity),
            ("actions in rules and stories", validator.verify_actions_in_stories_rules),
            ("forms", validator.verify_forms_in_stories_rules),
            ("form slots", validator.verify_form_slots),
            ("slot mappings", validator.verify_slot_mappings),
            ("intents and examples", lambda: validator.verify_nlu(False)),
            ("story structure", lambda: validator.verify_story_structure(False)),
        ]
        for name, check in checks:
            collect.messages.clear()
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                passed = check()
            messages = [
                _plain(str(w.message))
                for w in caught
                if issubclass(w.category, UserWarning) and not str(w.message).startswith(IRRELEVANT)
            ] + [_plain(m) for m in collect.messages]
            if passed:
                section.notes += messages
            else:
                section.problems += messages or [f"Rasa's {name} check failed."]
    except RasaException as error:
        section.problems.append(_plain(str(error)))
    finally:
        logger.removeHandler(collect)
    section.notes = _group_unused_responses(section.notes)
    section.summary = "ok" if not section.problems else f"{len(section.problems)} problem(s)"
    return section


# --- ours ---------------------------------------------------------------------------------


def _intents(known: AssistantData) -> List[str]:
    return [i for i in known.intents if i not in DEFAULT_INTENTS]


def example_counts(known: AssistantData, minimum: int = MIN_EXAMPLES) -> Section:
    section = Section(f"Examples per intent (at least {minimum})")
    counts = {intent: len(known.examples.get(intent, [])) for intent in _intents(known)}
    for intent, count in sorted(counts.items(), key=lambda kv: kv[1]):
        if count < minimum:
            section.problems.append(
                f"Intent '{intent}' has {count} example(s); it needs at least {minimum}. "
                f'Add some with: bot examples add {intent} "..."'
            )
    if counts and not section.problems:
        fewest = min(counts, key=lambda intent: counts[intent])
        section.summary = f"ok (fewest: {fewest}, {counts[fewest]})"
    return section


def answers(known: AssistantData) -> Section:
    section = Section("Every intent has an answer, in a rule or story")
    for intent in _intents(known):
        actions = known.answered_by.get(intent)
        if not actions:
            section.problems.append(
                f"Intent '{intent}' is in no rule or story, so nothing answers it. Add a rule "
                f"to data/rules.yml (bot intent add does this for new intents)."
            )
            continue
        for action in sorted(actions):
            if action.startswith("utter_") and action not in known.responses:
                section.problems.append(
                    f"Intent '{intent}' is answered by {action}, but domain.yml has no such response."
                )
            elif (
                not action.startswith("utter_")
                and action not in known.actions
                and not action.startswith("action_default")
            ):
                section.problems.append(
                    f"Intent '{intent}' is answered by {action}, which domain.yml does not list."
                )
    return section


def near_duplicate_examples(known: AssistantData) -> Section:
    """Pairs of examples of two intents that are the same question, or nearly."""
    section = Section("No near-duplicate examples across intents")
    items = sorted(
        {(normalise(t), i, t) for i, texts in known.examples.items() for t in texts},
        key=lambda x: len(x[0]),
    )
    for first, second in near_duplicate_pairs([key for key, _, _ in items]):
        (a_key, a_intent, a_text), (b_key, b_intent, b_text) = items[first], items[second]
        if a_intent == b_intent:
            continue
        same = "the same question" if a_key == b_key else "nearly the same question"
        section.problems.append(
            f'"{a_text}" ({a_intent}) and "{b_text}" ({b_intent}) are {same} under two '
            "intents; keep it in one, or reword one."
        )
    return section


def repeated_examples(known: AssistantData) -> Section:
    """An intent listing the same question twice (case and punctuation aside): it counts
    double in training, and removing it later leaves the copy behind."""
    section = Section("No example listed twice")
    for intent, texts in sorted(known.examples.items()):
        seen: Dict[str, str] = {}
        for text in texts:
            key = normalise(text)
            if key and key in seen:
                also = "" if text == seen[key] else f' (also as "{text}")'
                section.problems.append(
                    f"Intent '{intent}' lists \"{seen[key]}\" twice{also}; keep one."
                )
            seen.setdefault(key, text)
    return section


def heldout_leaks(known: AssistantData, heldout_label: str) -> Section:
    section = Section("Held-out test questions kept out of the training data")
    training: Dict[str, str] = known.normalised_examples()
    if not known.heldout:
        section.notes.append(f"No held-out questions found ({heldout_label}).")
    for text, intent in known.heldout:
        owner = training.get(normalise(text))
        if owner:
            section.problems.append(
                f'The held-out question "{text}" ({intent}) is also a training example of '
                f"{owner}; remove it from the training data, or the test means nothing."
            )
    return section


def run_checks(project: Project, include_rasa: bool = True) -> CheckReport:
    known = assistant_data.load(project)
    sections = [rasa_checks(project)] if include_rasa else []
    sections += [
        example_counts(known),
        answers(known),
        near_duplicate_examples(known),
        repeated_examples(known),
        heldout_leaks(known, project.show(project.heldout)),
    ]
    for section in sections:
        if section.problems and section.summary.startswith("ok"):
            section.summary = f"{len(section.problems)} problem(s)"
    return CheckReport(sections)


def format_check(report: CheckReport, project: Project) -> str:
    lines = [f"Checked config.yml, domain.yml, data/ and {project.show(project.heldout)}:", ""]
    for section in report.sections:
        lines.append(f"  {section.title + ' ':.<58} {section.summary}")
    problems = report.problems
    notes = [n for s in report.sections for n in s.notes]
    if notes:
        lines += ["", f"Notes ({len(notes)}, not problems):"] + [f"  - {n}" for n in notes]
    if problems:
        lines += ["", f"Problems ({len(problems)}):"] + [f"  - {p}" for p in problems]
        lines += ["", "Fix these before training (`bot train`)."]
    else:
        lines += ["", "No problems found. Next: bot train"]
    return "\n".join(lines)
