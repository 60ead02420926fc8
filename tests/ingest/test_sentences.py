from ingest.sentences import sentence_spans


def sentences(text):
    return [text[s:e] for s, e in sentence_spans(text)]


def test_abbreviations_and_initials_do_not_end_sentences():
    text = "Joseph R. Biden met Dr. Sherwood-Randall in the U.S. Capitol. They spoke at 1:44 P.M. PDT. Then left."
    assert sentences(text) == [
        "Joseph R. Biden met Dr. Sherwood-Randall in the U.S. Capitol.",
        "They spoke at 1:44 P.M. PDT.",
        "Then left.",
    ]


def test_quotes_and_line_breaks():
    text = 'He said, "We did it." It worked.\n- A list item without a period\nNext line?'
    assert sentences(text) == ['He said, "We did it."', "It worked.", "- A list item without a period", "Next line?"]


def test_decimals_are_not_boundaries():
    assert sentences("GDP grew by 8.38 percent. Canada grew 13.1 percent.") == [
        "GDP grew by 8.38 percent.",
        "Canada grew 13.1 percent.",
    ]
