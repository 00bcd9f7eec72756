"""The action server registers exactly the custom actions the domain names."""
from __future__ import annotations

from rasa_sdk.executor import ActionExecutor


def test_every_domain_action_is_served(domain: dict) -> None:
    executor = ActionExecutor()
    executor.register_package("actions")
    assert set(executor.actions) == set(domain["actions"])
