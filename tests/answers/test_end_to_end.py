"""The real model on the real corpus (index built once per session)."""

import pytest

from answers import Answerer
from tests.conftest import PRIMARY

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def qa(real_index):
    return Answerer.load(real_index)


def test_number_question_gets_the_short_span(qa):
    result = qa.ask("How many Haitians arrived in Del Rio?")
    assert result.answerable
    assert "15,000" in result.answer.text and len(result.answer.text) < 20
    assert "Del Rio" in result.answer.sentence
    assert result.passages[0].passage.passage_id == result.answer.passage_id


@pytest.mark.parametrize("question", ["Who won the 2018 World Cup?", "What is the capital of Australia?", "How do I bake sourdough bread?"])
def test_off_topic_questions_abstain_but_list_related_passages(qa, question):
    result = qa.ask(question)
    assert not result.answerable and result.answer is None and result.passages == []
    assert result.related


def test_plainly_answered_questions_are_not_refused(qa):
    for question in [
        "When was the Los Angeles Declaration adopted?",
        "Which program is Katie Tobin a nonresident scholar in?",
        "How much was the World Bank loan for Costa Rica?",
    ]:
        assert qa.ask(question).answerable, question


@pytest.mark.xfail(
    strict=True,
    reason="known defect (README, Limitations): answered 'Joe Biden'; the retrained answerability model "
    "refused 5 more traps on test but not this one (abstention 0.71 against a threshold of 0.75)",
)
def test_a_question_the_text_does_not_state_is_refused_rather_than_answered_wrongly(qa):
    # The paper's author is in its metadata and its byline, not in a sentence: the best sentence
    # ("Prior to joining Carnegie, the author served ... as President Joe Biden's top migration
    # adviser") names another person. The earlier system answered "Joe Biden's".
    result = qa.ask("Who is the author of the Carnegie paper?")
    assert not result.answerable or "Tobin" in result.answer.text


@pytest.mark.skipif(not PRIMARY.is_dir(), reason="../shared/corpus/primary is absent: the readout is one side of the disagreement")
def test_disagreeing_sources_are_both_returned(qa):
    result = qa.ask("On what date did the White House host the Los Angeles Declaration implementation meeting?", k=5)
    texts = " ".join(h.passage.text for h in result.passages)
    values = {result.answer.text, *(a.text for a in result.alternatives)}
    assert any("26" in v for v in values) and any("27" in v for v in values), values
    assert "September 26" in texts and "September 27" in texts


def test_two_different_facts_are_not_shown_as_a_disagreement(qa):
    # "almost 1 million border encounters in U.S. fiscal year 2019" (one article) and "more than
    # 2 million in both 2022 and 2023" (another) count different years, not the same thing
    result = qa.ask("Approximately how many border encounters did the United States record in fiscal year 2019?")
    assert result.answerable and "1 million" in result.answer.text
    assert result.alternatives == []


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("¿Cuántos haitianos llegaron a Del Rio en septiembre de 2021?", "es"),
        ("Quantos haitianos chegaram a Del Rio em setembro de 2021?", "pt"),
        ("Combien d'Haïtiens sont arrivés à Del Rio en septembre 2021 ?", "fr"),
    ],
)
def test_a_question_in_another_language_gets_the_english_span(qa, question, lang):
    result = qa.ask(question)
    assert result.lang == lang and result.answerable
    assert "15,000" in result.answer.text and "Del Rio" in result.answer.sentence


@pytest.mark.parametrize(
    "question",
    [
        "¿Quién ganó el Mundial de fútbol de 2018?",
        pytest.param(
            "Qual é a melhor receita de pão de queijo?",
            marks=pytest.mark.xfail(strict=True, reason="known defect (README, Limitations): multilingual-e5-small puts an "
                                    "off-topic question as near the corpus as an answerable one, and it is answered '1:52'"),
        ),
    ],
)
def test_an_off_topic_question_in_another_language_is_refused(qa, question):
    result = qa.ask(question)
    assert result.lang in {"es", "pt"} and not result.answerable and result.answer is None
