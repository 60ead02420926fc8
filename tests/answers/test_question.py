"""Question analysis: the type from the wh-word and focus noun, the focus, verb and role."""

import pytest

from answers.question import analyze


@pytest.mark.parametrize(
    "question, kind",
    [
        ("How many Haitians arrived in Del Rio?", "number"),
        ("When was the implementation meeting held?", "date"),
        ("Who hosted the fourth ministerial?", "person"),
        ("Where did the ministers meet?", "place"),
        ("Which country hosted the third ministerial meeting?", "place"),
        ("What percentage of arrivals were children?", "number"),
        ("Which agency apprehends the migrant?", "organisation"),
        ("Why did Mexico step up enforcement?", "reason"),
        ("How did the governments respond?", "reason"),
        ("What is the capital of Australia?", "place"),
    ],
)
def test_the_type_comes_from_the_wh_word_and_the_focus_noun(question, kind):
    assert analyze(question).answer_type == kind


def test_focus_verb_role_and_years():
    q = analyze("How many Haitians arrived in Del Rio in September 2021?")
    assert q.focus == ("haitian",) and q.head == "haitian" and q.verb == "arrive"
    assert q.years == ("2021",) and "Del Rio" in q.names
    assert analyze("Who hosted the fourth ministerial?").role == "subject"
    assert analyze("What did Canada pledge?").role == "object"


def test_the_name_of_something_asks_for_that_thing():
    q = analyze("What was the name of the multilateral operation?")
    assert q.head == "oper" and q.answer_type == "other"


def test_a_kind_from_elsewhere_replaces_the_type_and_its_labels():
    q = analyze("Which think tank published the report?").of_kind("organisation")
    assert q.answer_type == "organisation" and "ORG" in q.labels


def test_keyword_questions_take_their_kind_from_their_last_kind_noun():
    assert analyze("brazil per capita gdp contraction 2019 to 2021 percent").answer_type == "number"
    assert analyze("del rio haitians how many").answer_type == "number"
    assert analyze("fifth ministerial host country").answer_type == "place"


def test_the_terms_take_in_the_lemma_the_stemmer_misses():
    assert "hold" in analyze("When was the implementation meeting held?").terms
    assert "lead" in analyze("Who led the delegation?").terms
