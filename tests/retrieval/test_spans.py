import pytest

from retrieval.question import analyze
from retrieval.spans import candidate_spans


def spans(text, kind):
    return [text[s.start : s.end] for s in candidate_spans(text, 0, len(text), kind)]


@pytest.mark.parametrize(
    "question, kind",
    [
        ("How many Haitians arrived in Del Rio?", "number"),
        ("How much did the World Bank lend Costa Rica?", "money"),
        ("What percentage of GDP did remittances make up?", "percent"),
        ("When was the implementation meeting held?", "date"),
        ("Who chaired the Situation Room meetings?", "person"),
        ("Which Colombian president blamed U.S. sanctions?", "person"),
        ("Which organization leads the R4V platform?", "organisation"),
        ("In which U.S. border town did Haitians gather?", "place"),
        ("Why did Venezuelans leave?", "reason"),
        ("What does the declaration say about refoulement?", "other"),
    ],
)
def test_question_types(question, kind):
    assert analyze(question).answer_type == kind


def test_number_money_percent_and_date_spans():
    text = "In February 2023, the World Bank approved a $370 million loan, about 8.38 percent more, for around 15,000 people."
    assert spans(text, "money") == ["$370 million"]
    assert spans(text, "percent") == ["about 8.38 percent"]
    assert "around 15,000" in spans(text, "number")
    assert "2023" not in spans(text, "number")  # a year is not a count
    assert spans(text, "date") == ["February 2023"]


def test_names_are_sorted_into_people_organisations_and_places():
    text = "Principal Deputy National Security Advisor Jon Finer met the Inter-American Development Bank in Del Rio, Texas."
    assert spans(text, "person") == ["Jon Finer"]
    assert "Inter-American Development Bank" in spans(text, "organisation")
    assert "Del Rio" in spans(text, "place")
