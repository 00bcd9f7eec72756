"""Rasa's prediction graph run in plain dependency order, without dask's scheduler.

Why: for each message Rasa runs the model's graph three times (NLU, then the policies
twice), each through `dask.get`, which re-derives the minimal schema, builds a dask graph,
orders it and schedules every node through its generic machinery: a profile of our server
put that overhead at about a fifth of a message's time, more than any one component. The
graph is small and its nodes are pure functions of their inputs, so here the plan for each
set of targets (which nodes, in which order, fed by which) is computed once and then
simply executed. The results are the same (a test compares both runners on the same
nodes); training keeps Rasa's DaskGraphRunner.

Rasa 3.6 behaviour reproduced from `rasa.engine.runner.dask.DaskGraphRunner.run`: only
the targets' ancestors run (`GraphSchema.minimal_graph_schema`); each node is called with
the `(name, value)` outputs of its `needs`, in the schema's order; an input is passed as
`(name, value)`, replaces a node of the same name, and may not be a string equal to a node's
name; a name that is neither a node nor an input is passed as is (dask's literal); a
RuntimeError becomes GraphRunError; the result maps each target to its value.
`rasa.core.processor` names `DaskGraphRunner` at module level when it loads a model
(patches.py points that name here).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Text, Tuple

from rasa.engine.exceptions import GraphRunError
from rasa.engine.graph import GraphNode
from rasa.engine.runner.dask import DaskGraphRunner

Step = Tuple[Text, GraphNode, Tuple[Text, ...]]


class SequentialGraphRunner(DaskGraphRunner):
    """DaskGraphRunner whose `run` executes a cached plan in dependency order."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans: Dict[Tuple[Text, ...], List[Step]] = {}

    def _plan(self, targets: Sequence[Text]) -> List[Step]:
        key = tuple(targets)
        plan = self._plans.get(key)
        if plan is None:
            schema = self._graph_schema.minimal_graph_schema(list(targets))
            order: List[Text] = []
            done: set = set()

            def visit(name: Text) -> None:
                if name in done or name not in schema.nodes:
                    return
                done.add(name)
                for need in schema.nodes[name].needs.values():
                    visit(need)
                order.append(name)

            for name in schema.nodes:
                visit(name)
            plan = [
                (name, self._instantiated_nodes[name], tuple(schema.nodes[name].needs.values()))
                for name in order
            ]
            self._plans[key] = plan
        return plan

    def run(
        self,
        inputs: Optional[Dict[Text, Any]] = None,
        targets: Optional[List[Text]] = None,
    ) -> Dict[Text, Any]:
        run_targets = targets if targets else self._graph_schema.target_names
        plan = self._plan(run_targets)
        values: Dict[Text, Any] = {}
        for name, value in (inputs or {}).items():
            if isinstance(value, str) and any(value == step[0] for step in plan):
                raise GraphRunError(
                    f"Input value '{value}' clashes with a node name. Make sure that none "
                    f"of the input names passed to the `run` method are the same as node "
                    f"names in the graph schema."
                )
            values[name] = (name, value)
        try:
            for name, node, needs in plan:
                if name not in values:  # an input of the same name replaces the node
                    values[name] = node(*(values.get(need, need) for need in needs))
        except RuntimeError as error:
            raise GraphRunError("Error running runner.") from error
        return dict(values[target] for target in run_targets)
