"""Which language a question is in: the shipped model, and the corpus-words rule before it."""

import pytest

from retrieval.language import LanguageDetector

CORPUS = "The Los Angeles Declaration on Migration and Protection was endorsed by leaders of the Americas. " \
    "Edmundo González won the vote count in Venezuela, the opposition said, in July 2024."


@pytest.fixture(scope="module")
def detector():
    return LanguageDetector.from_texts([CORPUS])


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("¿Cuántos países firmaron la Declaración de Los Ángeles?", "es"),
        ("cuantos paises firmaron declaracion los angeles", "es"),
        ("Quando foi assinada a Declaração de Los Angeles?", "pt"),
        ("quantos haitianos chegaram em del rio", "pt"),
        ("Combien de pays ont signé la déclaration de Los Angeles ?", "fr"),
        ("Who endorsed the Los Angeles Declaration?", "en"),
    ],
)
def test_questions_are_read_in_their_language(detector, question, lang):
    assert detector.detect(question) == lang


def test_a_keyword_query_of_the_corpus_own_words_is_english(detector):
    # the model alone calls it Spanish: most of its words are Spanish names
    assert detector.detect("edmundo gonzalez vote count venezuela july 2024") == "en"
