import pytest

from answers.abstain import states_other_year

PASSAGE_2024 = "The United States has now committed over $1.2 billion under the framework in 2024 alone. FY2024 was a record."


@pytest.mark.parametrize(
    "question, sentence, passage, expected",
    [
        # asked about 2023; the passage never says 2023 and the sentence gives 2024
        ("How much did the United States commit during 2023?", "committed over $1.2 billion in 2024 alone.", PASSAGE_2024, True),
        # the asked year is in the passage: the sentence may still name others
        ("How much was committed in 2024?", "committed over $1.2 billion in 2024 alone.", PASSAGE_2024, False),
        # no year asked
        ("How much did the United States commit?", "committed over $1.2 billion in 2024 alone.", PASSAGE_2024, False),
        # the passage lacks the year but the sentence states no other: not a contradiction
        ("What did Guatemala's June 2022 law give citizens?", "The law exempts them from the airport tax.", "The law exempts them.", False),
        # a year glued to letters ("FY2024") is still a year
        ("What was set for FY2025?", "FY2024 was a record.", PASSAGE_2024, True),
    ],
)
def test_a_fact_given_for_another_year_than_asked(question, sentence, passage, expected):
    assert states_other_year(question, sentence, passage) is expected
