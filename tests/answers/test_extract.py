"""The entity extractor on real parses of hand-written sentences: the candidate the
question's words attach to wins, widened to its own phrase, never one the question states."""

from answers.extract import EntityExtractor, in_question
from answers.lexicon import Lexicon
from answers.question import analyze
from ingest.parse import parse_texts

SENTENCES = [
    "About 15,000 Haitians arrived in Del Rio in September 2021, while 5,000 others waited in Mexico.",
    "Secretary Antony Blinken hosted the fourth ministerial in Washington, and Marcela Escobari attended it.",
    "After the meeting, Mayorkas visited Mexico and Costa Rica to build support for the pact.",
    "The Center for American Progress warned in 2019 that instability could trigger mass migration.",
]


def best_answer(question: str, sentence: str) -> str:
    parse = parse_texts([sentence])[0]
    lexicon = Lexicon([(s, p) for s, p in zip(SENTENCES, parse_texts(SENTENCES))])
    candidates = EntityExtractor({}, lexicon).candidates(analyze(question), sentence, 0, parse)
    return sentence[candidates[0].start : candidates[0].end] if candidates else ""


def test_a_count_attached_to_the_focus_noun_wins_with_its_qualifier():
    assert best_answer("How many Haitians arrived in Del Rio?", SENTENCES[0]) == "About 15,000"


def test_the_subject_of_the_questions_verb_answers_who():
    assert best_answer("Who hosted the fourth ministerial?", SENTENCES[1]) == "Antony Blinken"


def test_a_list_question_gets_the_list():
    assert best_answer("Which countries did Mayorkas visit after the meeting?", SENTENCES[2]) == "Mexico and Costa Rica"


def test_a_name_loses_its_article_and_dates_come_from_dates():
    assert best_answer("Which think tank warned about mass migration?", SENTENCES[3]) == "Center for American Progress"
    assert best_answer("When did the Center for American Progress warn about instability?", SENTENCES[3]) == "2019"


def test_what_the_question_states_is_no_answer():
    assert in_question("in May 2022", "What happened in May 2022?")
    assert in_question("the United States", "Which U.S. agency ...?")
    assert not in_question("Mexico", "Which country hosted it?")
    assert best_answer("When did Haitians arrive in Del Rio in September 2021?", SENTENCES[0]) == ""
