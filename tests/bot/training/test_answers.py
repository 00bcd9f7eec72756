"""Editing an answer (the console's Topics page): one response text changes, nothing else in
domain.yml; links must come from the knowledge files; the preview escapes what staff typed."""
from __future__ import annotations

import difflib

import pytest

from bot.training import data as assistant_data
from bot.training.answers import preview_html, set_answer
from bot.training.project import Project
from tests.bot.training.conftest import refused

NEW = ("I don't have reliable figures on IR salaries or lifestyle. See "
       "[SIR](https://www.sirweb.org/) for what the society publishes.")


def test_an_answer_is_replaced_and_only_its_lines_change(project: Project) -> None:
    before_text = project.domain.read_text()
    before, after = set_answer(project, "salary_lifestyle", NEW)
    assert after == NEW and before and before != NEW
    assert assistant_data.load(project).responses["utter_salary_lifestyle"][0] == NEW
    changed = [line for line in difflib.unified_diff(before_text.splitlines(),
               project.domain.read_text().splitlines(), lineterm="", n=0)
               if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))]
    assert all("salary" in line.lower() or "lifestyle" in line.lower() or line[1:].startswith("        ")
               for line in changed), changed
    assert "buttons:" in project.domain.read_text().split("utter_salary_lifestyle:")[1][:1200]


@pytest.mark.parametrize("answer, message", [
    ("See https://evil.example/pay-here", "not in the knowledge files"),
    ("   ", "The answer is empty"),
    ("x" * 2001, "longer than 2000"),
])
def test_bad_answers_are_refused_and_nothing_changes(project: Project, answer: str, message: str) -> None:
    with refused(project, message):
        set_answer(project, "salary_lifestyle", answer)


def test_the_preview_escapes_before_it_formats() -> None:
    html = preview_html('**Free** <img src=x onerror=alert(1)> [SIR](https://www.sirweb.org/)\n'
                        '- one\n- [x](javascript:alert(1))')
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<strong>Free</strong>" in html and 'href="https://www.sirweb.org/"' in html
    assert "javascript:" not in html.split("href=")[-1].split(">")[0]
