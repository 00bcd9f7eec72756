"""One word for each name of the specialty, before the classifiers read the question.

Real questions spell the names out ("interventional radiology", "early specialization in
interventional radiology") where most examples say "IR" or "ESIR". Spelled out, the words
teach the classifiers the wrong thing: "interventional" is mostly an example word of the
interventional-cardiology intent, and "interventional radiology" mostly of "what is IR".
This component, placed after the tokenizer, merges each such phrase into one token whose
lemma is the short name, for the training examples and the questions alike, so the
features, the agreement gate and the second opinion see one word for one thing.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Text, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

_RADIOLOGY = ("radiology", "radiologist", "radiologists")
# Lower-case word sequences and the one word each becomes; the longest match wins.
SYNONYMS: Dict[Tuple[str, ...], str] = {
    **{("interventional", word): "ir" for word in _RADIOLOGY},
    **{("vascular", "and", "interventional", word): "vir" for word in _RADIOLOGY},
    ("early", "specialization", "in", "interventional", "radiology"): "esir",
    ("early", "specialisation", "in", "interventional", "radiology"): "esir",
}


def merged(tokens: Sequence[Token], synonyms: Dict[Tuple[str, ...], str] = SYNONYMS) -> List[Token]:
    """The tokens with every synonym phrase replaced by one token (its text the phrase as
    written, its lemma the short name); other tokens unchanged."""
    longest = max((len(phrase) for phrase in synonyms), default=0)
    words = [token.text.lower() for token in tokens]
    out: List[Token] = []
    i = 0
    while i < len(tokens):
        short: Optional[str] = None
        for size in range(min(longest, len(tokens) - i), 1, -1):
            short = synonyms.get(tuple(words[i : i + size]))
            if short:
                first, last = tokens[i], tokens[i + size - 1]
                text = " ".join(t.text for t in tokens[i : i + size])
                out.append(Token(text, first.start, last.end, dict(first.data), short))
                i += size
                break
        if not short:
            out.append(tokens[i])
            i += 1
    return out


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SpecialtySynonyms(GraphComponent):
    """Merges the spelled-out names of the specialty into one token each (see module)."""

    @classmethod
    def required_components(cls) -> List[type]:
        return []

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SpecialtySynonyms:
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        key = TOKENS_NAMES[TEXT]
        for message in messages:
            tokens = message.get(key)
            if tokens:
                message.set(key, merged(tokens))
        return messages
