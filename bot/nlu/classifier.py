"""Rasa's logistic regression, its coefficients laid out for one question at a time.

scikit-learn multiplies a question's sparse features by the transposed coefficients; with
them stored row by row (C order) scipy copies the whole matrix on every prediction (0.5 ms
of a 6 ms parse). Stored column by column (Fortran order) the transpose is a view: the same
numbers, about ten times faster. Nothing else differs from Rasa's component.
"""

from __future__ import annotations

from typing import Any, Dict, Text

import numpy as np
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.training_data.training_data import TrainingData


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class FastLogisticRegression(LogisticRegressionClassifier):
    """LogisticRegressionClassifier with column-ordered coefficients (see module)."""

    def _lay_out(self) -> None:
        if hasattr(self.clf, "coef_"):
            self.clf.coef_ = np.asfortranarray(self.clf.coef_)

    def train(self, training_data: TrainingData) -> Resource:
        resource = super().train(training_data)
        self._lay_out()
        return resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> FastLogisticRegression:
        component = super().load(config, model_storage, resource, execution_context, **kwargs)
        component._lay_out()
        return component
