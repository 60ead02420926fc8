import pytest

from retrieval.answer import Idf, score_sentence
from retrieval.attach import choose_span
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
        ("How did the number of migrants in the region change between 2010 and 2022?", "change"),
        ("What nationalities does the CHNV parole program cover?", "nationality"),
        # a leading clause set off by a comma is not what is asked
        ("According to the Declaration, how has the pandemic affected migration?", "reason"),
        ("When returning migrants with no right to stay, what does the Declaration promise for minors?", "other"),
        ("On which date did Duque visit the White House, where Biden spoke?", "date"),
        ("What pushes people into irregular migration?", "other"),
        ("At which university is migration expert Ronal Rodríguez based?", "organisation"),
        ("Which Rice University analyst doubted the declaration?", "person"),
        ("Over what period did Clemens advise the administration?", "date"),
        ("What was the monthly count of border encounters in August?", "number"),
        ("What was the cumulative U.S. commitment under the framework?", "money"),
        ("Which State Department bureau teamed up with USAID?", "organisation"),
        ("Along with the President, who announced the Cities Summit?", "person"),
        ("What's the name of the pilot that Canada runs?", "organisation"),
        ("Which country was modeling a commitment to every pillar?", "place"),
        ("How much did the economy of Canada expand between 2019 and 2021?", "percent"),
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


def answer_span(question, text):
    """The span choose_span picks in a one-sentence text (idf 1 for every word)."""
    q = analyze(question)
    idf = Idf({"_": 1.0})
    sentence = score_sentence(text, 0, (0, len(text)), tuple(q.terms), q, idf, tuple(candidate_spans(text, 0, len(text), q.answer_type)))
    start, end = choose_span(text, sentence, q, idf)
    return text[start:end]


@pytest.mark.parametrize(
    "question, text, expected",
    [
        # a figure is followed by what it counts; "023" of "2023" is no number
        (
            "How many encounters did authorities record at the border in December 2023?",
            "Encounters at the border fell from 249,741 in December 2023 to 58,038 in August.",
            "249,741",
        ),
        # a name follows its title, and the title may end in an organisation's name
        (
            "Who was the White House coordinator for the Los Angeles Declaration in 2024?",
            "Antony Blinken hosted it with White House Homeland Security Advisor Dr. Liz Sherwood-Randall, "
            "White House Coordinator for the Los Angeles Declaration Marcela Escobari, and others.",
            "Marcela Escobari",
        ),
        # two people joined by "and" are two answers, not one name
        (
            "Besides Liz Sherwood-Randall, which official co-hosted the meeting?",
            "National Security Advisor Jake Sullivan and Homeland Security Advisor Liz Sherwood-Randall welcomed representatives.",
            "Jake Sullivan",
        ),
        # "whose" asks for the possessor
        (
            "Whose declaration on rights at work is the text aligned with?",
            "This Declaration aligns with the International Labour Organization’s Declaration on Fundamental Principles and Rights at Work.",
            "International Labour Organization",
        ),
        # an acronym of a name the question states is not the answer
        (
            "Which Inter-American Development Bank fund received new contributions?",
            "Canada joined the Inter-American Development Bank (IDB) to make new contributions to the Migration Grant Facility.",
            "Migration Grant Facility",
        ),
        # a place named inside an organisation's name is not the place asked for
        (
            "Which country will hold the rotating chair in 2025?",
            "The Government of Colombia will assume the rotating Country Chair and host the fifth Los Angeles Declaration Ministerial in 2025.",
            "Colombia",
        ),
        # the words after "which" name the answer's kind
        (
            "In which border town did 15,000 Haitian migrants arrive?",
            "Around 15,000 Haitians moved north from Brazil and arrived at the remote border town of Del Rio, Texas.",
            "Del Rio",
        ),
        ("How did the number of migrants in the region change?", "The region saw an almost doubling of the number of migrants.", "an almost doubling"),
        (
            "What nationalities does the parole program cover?",
            "It expanded the Cuban, Haitian, Nicaraguan, and Venezuelan (CHNV) parole program.",
            "Cuban, Haitian, Nicaraguan, and Venezuelan",
        ),
        # the wh-phrase's preposition introduces the answer
        (
            "From which countries did the Haitians set out?",
            "Around 15,000 Haitians moved north from Brazil and Chile, across Central America and Mexico, to Del Rio.",
            "Brazil and Chile",
        ),
        (
            "In which Texas town did troops wait beside the Rio Grande as migrants crossed?",
            "Texas National Guard troops wait beside the Rio Grande as migrants cross into the United States in Eagle Pass, Texas.",
            "Eagle Pass",
        ),
        ("Over what period did Clemens advise the administration?", "Clemens advised the administration between 2021 and 2023.", "between 2021 and 2023"),
        # a code is no count
        ("How many farmworkers were hired?", "Employers hire H-2A farmworkers; 2,000 were hired.", "2,000"),
        # "Who <verb>?" asks for the verb's subject
        (
            "According to the fact sheet, who hosted the fourth Ministerial?",
            "Secretary of State Antony Blinken hosted the fourth Ministerial with White House Coordinator for the Ministerial Marcela Escobari.",
            "Antony Blinken",
        ),
        # an organisation's name, then a person
        (
            "Who was running the IOM when the declaration was launched?",
            "The then director general of the International Organization for Migration António Vitorino also attended.",
            "António Vitorino",
        ),
        # a surname alone is a person; a month is not
        ("Who said the bubbles have burst?", "In June, “These bubbles have burst,” Chaves-González said.", "Chaves-González"),
        # "besides X" sets X aside
        (
            "Besides the Haitian one, what family reunification program did the United States resume?",
            "The United States resumed the Haitian Family Reunification Parole Program and the Cuban Family Reunification Parole Program.",
            "Cuban Family Reunification Parole Program",
        ),
        # a venue is a place; a name and its common noun go together
        ("In which room was Biden sitting?", "Biden, sitting in the Cabinet Room, called on the Americas to act.", "Cabinet Room"),
        ("Which Ecuadorian project gets the lending?", "The lending supports Ecuador’s Social Safety Net project.", "Social Safety Net project"),
        ("Which UN agency voiced concern?", "The U.N. Refugee Agency expressed concern about the measures.", "U.N. Refugee Agency"),
        # the object of the question's verb when no typed candidate fits
        (
            "What were several Caribbean countries negotiating to create among CARICOM members?",
            "They negotiated to strengthen mobility among CARICOM countries, which would create a flexible arrangement for skills mobility.",
            "a flexible arrangement for skills mobility",
        ),
        # a "from X to Y" range is one answer; a paper's name is not a title
        ("Which two countries does the route run between?", "The 20 nations represent the entire route from Chile to Canada.", "Chile to Canada"),
        ("What publication called it new thinking?", "The Economist reported that the declaration is new thinking.", "Economist"),
        # the noun naming the answer's kind, not the question's own subject inside a candidate
        (
            "What Carnegie Endowment program is Katie Tobin a nonresident scholar in?",
            "Katie Tobin is a nonresident scholar in the American Statecraft Program at the Carnegie Endowment for International Peace.",
            "American Statecraft Program",
        ),
        # "in X’s Y": the preposition introduces the possessor, the answer is what it possesses
        (
            "In which commune of Haiti's capital did USAID hand out food?",
            "USAID supported the distribution of food to 18,000 people in Port-au-Prince’s Cité Soleil commune.",
            "Cité Soleil commune",
        ),
        # a surname beside full names; "along with X" sets X aside
        (
            "Who convened the 2016 refugee gathering at the UN General Assembly?",
            "It was also true in 2016 when Obama convened the Refugee Summit at the United Nations General Assembly.",
            "Obama",
        ),
        (
            "Along with the President, who announced the first Cities Summit?",
            "During the Summit, President Biden and Secretary Blinken announced the first Cities Summit of the Americas.",
            "Secretary Blinken",
        ),
        # words someone coined
        ("What nickname did she give the governments?", "She said, \"What I see is an emerging 'Coalition of the Brave' of governments.\"", "Coalition of the Brave"),
    ],
)
def test_answer_span_is_the_one_the_question_asks_for(question, text, expected):
    assert answer_span(question, text) == expected


def test_binding_prefers_the_sentence_where_the_asked_thing_meets_a_value():
    from retrieval.attach import binding

    q = analyze("How many Haitians arrived in Del Rio?")
    idf = Idf({"_": 1.0})

    def bound(text):
        sentence = score_sentence(text, 0, (0, len(text)), (), q, idf, tuple(candidate_spans(text, 0, len(text), q.answer_type)))
        return binding(text, sentence, q, idf)

    tight = bound("In September 2021, 15,000 Haitians arrived in Del Rio, Texas.")
    loose = bound("Haitians arrived in Del Rio in September, and officials later counted 3 buses at the bridge.")
    assert tight > loose > 0
    assert bound("Why did they come?") == 0.0  # no candidate, no binding
