"""The sequential prediction runner gives exactly what Rasa's dask runner gives, on the same
loaded nodes of the real model: NLU parses of the held-out questions, and the policies'
predictions over real conversations."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner

from bot import settings
from bot.rasa_ext import prepare
from bot.rasa_ext.graph_runner import SequentialGraphRunner

prepare(quiet=True)  # as the launcher: the patches point the processor at our runner


def heldout_questions(limit: int = 120) -> list:
    lines = settings.HELDOUT_FILE.read_text().splitlines()
    questions = [line.strip()[2:] for line in lines if line.strip().startswith("- ")
                 and "intent:" not in line]
    return questions[::max(1, len(questions) // limit)][:limit]


@pytest.fixture(scope="module")
def agent(trained_model: Path):
    from rasa.core.agent import load_agent

    return asyncio.run(load_agent(model_path=str(trained_model)))


def test_rasa_loads_models_with_the_sequential_runner(agent) -> None:
    assert isinstance(agent.processor.graph_runner, SequentialGraphRunner)


def test_nlu_and_policy_predictions_equal_the_dask_runners(agent) -> None:
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    runner = agent.processor.graph_runner
    processor = agent.processor
    compared = 0
    for n, question in enumerate(heldout_questions()):
        message = UserMessage(question, CollectingOutputChannel(), f"runner-{n}")
        asyncio.run(agent.handle_message(message))  # a real conversation turn
        tracker = asyncio.run(processor.fetch_tracker_and_update_session(f"runner-{n}"))
        target = [processor.model_metadata.nlu_target]
        ours = runner.run(inputs={"__message__": [message], "__tracker__": tracker},
                          targets=target)
        theirs = DaskGraphRunner.run(runner, inputs={"__message__": [message],
                                                     "__tracker__": tracker}, targets=target)
        assert _parse(ours) == _parse(theirs), question
        policy = [processor.model_metadata.core_target]
        ours_p = runner.run(inputs={"__tracker__": tracker}, targets=policy)
        theirs_p = DaskGraphRunner.run(runner, inputs={"__tracker__": tracker}, targets=policy)
        a, b = ours_p[policy[0]], theirs_p[policy[0]]
        assert (a.policy_name, a.max_confidence, a.probabilities) == (
            b.policy_name, b.max_confidence, b.probabilities), question
        compared += 1
    assert compared >= 100


def _parse(result: dict) -> list:
    (messages,) = result.values()
    return [m.as_dict(only_output_properties=True) for m in messages]  # what Rasa keeps


def test_an_input_named_like_a_node_is_refused_as_dask_does(agent) -> None:
    runner = agent.processor.graph_runner
    target = [agent.processor.model_metadata.nlu_target]
    with pytest.raises(GraphRunError, match="clashes with a node name"):
        runner.run(inputs={"__message__": target[0]}, targets=target)
