"""The language a question is written in.

py3langid (a naive Bayes model over byte n-grams, shipped in the package)
reads the question, restricted to the languages of the Americas and a few
widely written others, so that a short question is not called Occitan or
Latin. Its weak spot is the short English keyword query full of Spanish names
("edmundo gonzalez vote count venezuela"), so one general rule goes first: a
question whose terms (stop words dropped, stemmed, as BM25 reads them) are
mostly the corpus' own is in the corpus' language (English). On the 1,343 eval
questions (912 written, 431 translated) this misreads 7, none of them English:
keyword queries in another language made mostly of English names and terms
("operation welcome bresil budget annuel") are read as English (README,
"Questions in Spanish, Portuguese and French").
"""

from __future__ import annotations

from functools import lru_cache

from ingest.lexical import bm25_tokens

__all__ = ["LanguageDetector", "ENGLISH"]

ENGLISH = "en"
CANDIDATES = ("en", "es", "pt", "fr", "ht", "nl", "qu", "de", "it", "zh", "ja", "ko", "ru", "ar", "hi")
CORPUS_SHARE = 0.75  # of a question's terms found in the corpus: then it is read as English


@lru_cache(maxsize=1)
def identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    model = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    model.set_languages(list(CANDIDATES))
    return model


class LanguageDetector:
    """Built once per index from its BM25 vocabulary (the ranking's own, computed anyway)."""

    def __init__(self, vocabulary: frozenset[str]) -> None:
        self.vocabulary = vocabulary

    @classmethod
    def from_texts(cls, texts) -> LanguageDetector:
        return cls(frozenset(t for terms in bm25_tokens(list(texts)) for t in terms))

    def detect(self, question: str) -> str:
        """An ISO 639-1 code."""
        terms = bm25_tokens([question])[0]
        if terms and sum(t in self.vocabulary for t in terms) / len(terms) >= CORPUS_SHARE:
            return ENGLISH
        language, _ = identifier().classify(question)
        return str(language)
