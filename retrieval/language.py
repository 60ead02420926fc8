"""The language a question is written in.

py3langid (a naive Bayes model over byte n-grams, shipped in the package)
reads the question, restricted to the languages of the Americas and a few
widely written others, so that a short question is not called Occitan or
Latin. Its weak spot is the short English keyword query full of Spanish names
("edmundo gonzalez vote count venezuela"), so one general rule goes first: a
question whose words are mostly the corpus' own words is in the corpus'
language (English). On the 1,343 eval questions (912 written, 431 translated)
this is wrong for 4 written ones (README, "Languages").
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["LanguageDetector", "ENGLISH", "SUPPORTED"]

ENGLISH = "en"
# questions in these languages have a question-word table in the answer layer
SUPPORTED = ("en", "es", "pt", "fr")
CANDIDATES = ("en", "es", "pt", "fr", "ht", "nl", "qu", "de", "it", "zh", "ja", "ko", "ru", "ar", "hi")
CORPUS_SHARE = 0.75  # of a question's words found in the corpus: then it is read as English
WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=1)
def identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    model = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    model.set_languages(list(CANDIDATES))
    return model


class LanguageDetector:
    """Built once per index from the words of its documents."""

    def __init__(self, corpus_words: frozenset[str]) -> None:
        self.corpus_words = corpus_words

    @classmethod
    def from_texts(cls, texts) -> LanguageDetector:
        return cls(frozenset(w for text in texts for w in WORD.findall(text.casefold())))

    def detect(self, question: str) -> str:
        """An ISO 639-1 code."""
        words = WORD.findall(question.casefold())
        if words and sum(w in self.corpus_words for w in words) / len(words) >= CORPUS_SHARE:
            return ENGLISH
        language, _ = identifier().classify(question)
        return str(language)
