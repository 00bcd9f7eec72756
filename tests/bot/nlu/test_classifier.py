"""The intent classifier: Rasa's logistic regression, same predictions, lighter and faster."""

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
    assert fast.coef_.dtype == np.float32  # half the memory
    rasa, ours = (c.process([featurised([1, 1, 1]), featurised([3, 0, 0])]) for c in loaded.values())
    for expected, got in zip(rasa, ours):
        assert got.get("intent")["name"] == expected.get("intent")["name"]
        assert np.isclose(got.get("intent")["confidence"], expected.get("intent")["confidence"])


def test_its_input_is_rasas_input_without_the_token_features(tmp_path) -> None:
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.message import Message
    from scipy.sparse import csr_matrix

    message = Message(data={"text": "x y"})
    for origin, row in (("words", [1, 0, 2]), ("chars", [0, 3])):
        sequence = csr_matrix(np.eye(2, len(row)))
        message.add_features(Features(sequence, "sequence", "text", origin))
        message.add_features(Features(csr_matrix([row]), "sentence", "text", origin))
    context = ExecutionContext(graph_schema=None, node_name="clf")  # type: ignore[arg-type]
    storage, resource = LocalModelStorage(tmp_path), Resource("clf")
    rasa = LogisticRegressionClassifier.create({}, storage, resource, context)
    ours = FastLogisticRegression.create({}, storage, resource, context)
    expected = rasa._create_X([message, message]).toarray()
    assert expected.tolist() == [[1, 0, 2, 0, 3]] * 2
    assert ours._create_X([message, message]).toarray().tolist() == expected.tolist()
