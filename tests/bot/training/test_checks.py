"""`bot check`: Rasa's validator plus the checks that keep answers good."""
from __future__ import annotations

from pathlib import Path

from bot.training.checks import format_check, run_checks
from bot.training.intents import add_intent
from bot.training.project import Project
from tests.bot.training.conftest import VISA_ANSWER, VISA_EXAMPLES


def test_the_real_data_passes_every_check_including_rasas(project: Project) -> None:
    report = run_checks(project)
    text = format_check(report, project)
    assert report.ok, text
    assert "Rasa's checks (as `rasa data validate`) " in text
    assert "No problems found. Next: bot train" in text
    # Responses sent only by custom actions are a note, not a problem.
    assert ("Responses in no rule or story (fine when a custom action sends them): "
            "utter_ask_membership_category, utter_default, ") in text


def test_a_new_intent_added_by_the_command_passes(project: Project) -> None:
    add_intent(project, "visa_support", VISA_EXAMPLES, VISA_ANSWER)
    report = run_checks(project)
    assert report.ok, format_check(report, project)


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_problems_are_named_in_plain_words(project: Project) -> None:
    add_intent(project, "visa_support", VISA_EXAMPLES, VISA_ANSWER)
    custom = project.nlu_dir / "custom.yml"
    # too few examples: 11 - 6 + the 4 below = 9
    for line in ("visa questions", "IMG visa support", "J-1 visa for residency",
                 "which programs sponsor visas", "visa help for IMGs",
                 "visa sponsorship for IR fellows"):
        _replace(custom, f"    - {line}\n", "")
    # a repeated example, a near duplicate of a join_sir example, and a held-out question
    _replace(custom, "    - do you help with visas\n",
             "    - do you help with visas\n    - Do you help with visas?\n    - how do I join SIR?!\n"
             "    - how do i joinn SIR\n    - hiya bot, anyone home\n")
    # an intent nothing answers
    _replace(project.rules, "- rule: answer gems_program\n  steps:\n  - intent: gems_program\n"
             "  - action: utter_gems_program\n", "")
    report = run_checks(project, include_rasa=False)
    problems = "\n".join(report.problems)
    assert not report.ok
    assert "Intent 'gems_program' is in no rule or story, so nothing answers it." in problems
    assert "\"how do I join SIR?!\" (visa_support)" in problems and "the same question" in problems
    assert "\"how do i joinn SIR\" (visa_support)" in problems and "nearly the same question" in problems
    assert ("Intent 'visa_support' lists \"do you help with visas\" twice (also as \"Do you "
            "help with visas?\"); keep one.") in problems
    assert ("The held-out question \"hiya bot, anyone home\" (greet) is also a training example "
            "of visa_support") in problems
    assert ("Intent 'visa_support' has 9 example(s); it needs at least 10. Add some with: "
            "bot examples add visa_support \"...\"") in problems


def test_too_few_examples_and_rasas_own_findings(project: Project) -> None:
    custom = project.nlu_dir / "custom.yml"
    custom.write_text('version: "3.1"\nnlu:\n- intent: orphan\n  examples: |\n    - one\n'
                      "    - two\n")
    report = run_checks(project)
    problems = "\n".join(report.problems)
    assert "labeled with intent 'orphan'. This intent is not listed in your domain" in problems
    assert "Fix these before training" in format_check(report, project)
