"""Find the knowledge passage that answers a question no intent covers, or none.

TF-IDF over the passages of `knowledge/` (scikit-learn, installed with Rasa; no model to
download). A passage is returned only when the match is confident: a high cosine score
*and* enough distinctive words shared with the question, so a question merely in the
domain ("IR", "residency") never gets a passage written for something else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, FrozenSet, Optional, Sequence

from bot.knowledge import Passage

MIN_SCORE = 0.30
MIN_SHARED_TERMS = 3
WORD = re.compile(r"[a-z0-9][a-z0-9/+-]*[a-z0-9]|[a-z0-9]")
# Words every question in this domain uses: sharing them proves nothing.
DOMAIN_WORDS = frozenset(
    [
        "ir",
        "interventional",
        "radiology",
        "radiologist",
        "radiologists",
        "residency",
        "resident",
        "residents",
        "program",
        "programs",
        "training",
        "sir",
        "year",
        "years",
        "do",
        "does",
        "what",
        "how",
        "is",
        "are",
        "can",
        "i",
        "my",
        "the",
        "medical",
        "student",
        "students",
        "career",
    ]
)


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float
    shared: FrozenSet[str]


def terms(text: str) -> FrozenSet[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(
        w
        for w in WORD.findall(text.lower())
        if w not in ENGLISH_STOP_WORDS and w not in DOMAIN_WORDS
    )


class KnowledgeIndex:
    """A TF-IDF index of passages, built once (the action server keeps one)."""

    def __init__(self, passages: Sequence[Passage]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.passages = list(passages)
        self._vectorizer = TfidfVectorizer(
            lowercase=True,
            stop_words="english",
            ngram_range=(1, 2),
            sublinear_tf=True,
            token_pattern=WORD.pattern,
        )
        self._matrix: Any = self._vectorizer.fit_transform(
            [f"{p.section}. {p.text}" for p in self.passages]
        )

    def best(self, question: str) -> Optional[Hit]:
        """The best passage, or None when no match is confident."""
        if not self.passages or not question.strip():
            return None
        scores = (self._matrix @ self._vectorizer.transform([question]).T).toarray().ravel()
        index = int(scores.argmax())
        passage = self.passages[index]
        shared = terms(question) & terms(f"{passage.section} {passage.text}")
        if scores[index] < MIN_SCORE or len(shared) < MIN_SHARED_TERMS:
            return None
        return Hit(passage, float(scores[index]), shared)
