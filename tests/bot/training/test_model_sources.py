"""What a model's fingerprint covers: our NLU components only for a config that uses them."""
from __future__ import annotations

from bot import settings
from bot.training.model import training_sources


def test_our_components_count_only_for_a_config_that_names_them() -> None:
    ours = training_sources(settings.PROJECT_ROOT, "config.yml")
    stock = training_sources(settings.PROJECT_ROOT, "bench/config-stock.yml")
    nlu = settings.PROJECT_ROOT / "bot" / "nlu"
    assert any(path.parent == nlu for path in ours)
    assert not any(path.parent == nlu for path in stock)
    assert {p for p in stock if p.parent != nlu} - {settings.PROJECT_ROOT / "bench/config-stock.yml"} \
        == {p for p in ours if p.parent != nlu} - {settings.PROJECT_ROOT / "config.yml"}
