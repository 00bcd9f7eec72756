"""The intent classifier: Rasa's logistic regression, same predictions, coefficients as columns."""

from __future__ import annotations

import numpy as np
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.classifier import FastLogisticRegression
from tests.bot.nlu.test_second_opinion import featurised


def test_it_predicts_what_rasas_classifier_predicts_without_copying(tmp_path) -> None:
    examples = [featurised([2, 1, 0], "fee"), featurised([1, 2, 0], "fee")]
    examples += [featurised([0, 1, 2], "step"), featurised([0, 0, 3], "step")]
    context = ExecutionContext(graph_schema=None, node_name="clf")  # type: ignore[arg-type]
    loaded = {}
    for cls in (LogisticRegressionClassifier, FastLogisticRegression):
        (tmp_path / cls.__name__).mkdir()
        storage, resource = LocalModelStorage(tmp_path / cls.__name__), Resource("clf")
        cls.create({}, storage, resource, context).train(TrainingData(examples))
        loaded[cls] = cls.load({}, storage, resource, context)
    fast = loaded[FastLogisticRegression].clf
    # the transpose scikit-learn multiplies by is a view, not a copy
    assert fast.coef_.flags.f_contiguous and fast.coef_.T.flags.c_contiguous
    rasa, ours = (c.process([featurised([1, 1, 1]), featurised([3, 0, 0])]) for c in loaded.values())
    for expected, got in zip(rasa, ours):
        assert got.get("intent")["name"] == expected.get("intent")["name"]
        assert np.isclose(got.get("intent")["confidence"], expected.get("intent")["confidence"])
