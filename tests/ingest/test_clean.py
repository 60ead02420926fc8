import re

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.clean import clean_text, fold_for_matching, normalize_chars
from tests.conftest import CORPUS


def test_superscript_footnotes_are_removed():
    assert clean_text("harder than any other region in the world.⁴ Migrants") == (
        "harder than any other region in the world. Migrants"
    )


def test_glued_footnote_numbers_are_removed_but_decimals_kept():
    raw = "The economy grew by 8.38 percent and 2,000 children crossed.27 Others fled,51 and in 2021.56 more."
    assert clean_text(raw) == "The economy grew by 8.38 percent and 2,000 children crossed. Others fled, and in 2021. more."


def test_spaced_footnote_after_sentence_is_removed():
    assert clean_text("had fled the country. 14 Venezuela's elections") == "had fled the country. Venezuela's elections"


def test_escaped_dollars_and_markdown_bold():
    raw = "Biden announced an additional \\$25 million to **Costa Rica, and Belize** programs."
    assert clean_text(raw) == "Biden announced an additional $25 million to Costa Rica, and Belize programs."


def test_ligatures_are_normalised():
    assert normalize_chars("ﬁnancial eﬃcient") == "financial efficient"


def test_trademark_survives_normalisation():
    assert "CBP One™" in clean_text("Migrants used CBP One™ to book appointments.")


def test_pull_quote_repeated_as_its_own_block_is_dropped():
    body = "The adoption of the Los Angeles Declaration was a rare and unifying moment in the Americas."
    raw = f"Intro. {body} More text follows here.\n\nThe adoption of the Los Angeles\nDeclaration was a rare and unifying\nmoment in the Americas.\n\nNext paragraph."
    assert clean_text(raw).count("rare and unifying") == 1


def test_pull_quote_pasted_inside_its_paragraph_is_dropped():
    raw = (
        "In the end, countries really delivered. Notable mentions go to Ecuador, **Costa Rica, and Belize, three countries** that acted. "
        "In the end, countries really delivered. Notable mentions go to Ecuador, Costa Rica, and Belize, three countries that acted. Then more."
    )
    assert clean_text(raw).count("countries really delivered") == 1


def test_sentence_broken_across_a_page_break_is_rejoined():
    raw = (
        "While North America's economies rebounded quickly, the pandemic hit Latin America and the Caribbean\n\n"
        "Figure 1. GDP per capita\n\nSOUTH AMERICA\n\n"
        "harder than any other region in the world."
    )
    assert clean_text(raw) == (
        "While North America's economies rebounded quickly, the pandemic hit Latin America and the Caribbean "
        "harder than any other region in the world."
    )


def test_hyphenated_name_split_across_blocks_is_rejoined():
    raw = "In the first months the team crafted a plan focused on accountability and results. On September 27, 2022, Sherwood-\n\nRandall and Sullivan co-convened representatives."
    assert "Sherwood-Randall and Sullivan" in clean_text(raw)


def test_page_furniture_and_photo_credits_are_dropped():
    raw = "Skip to main content\n\nE.g., 06/25/2024\n\nReal text here.\n\nMigrants wait on Aug. 23, 2021.Ivan Pisarenko/AFP via Getty Images\n\nGive Now"
    assert clean_text(raw) == "Real text here."


def test_seed_texts_keep_their_amounts():
    cleaned = clean_text((CORPUS / "001_03a5958c15c3af4f.txt").read_text())
    for amount in ["$370 million", "$25 million", "$530 million", "over 2,000 children", "8.38 percent", "15,000 Haitians"]:
        assert amount in cleaned
    assert "\\$" not in cleaned and "**" not in cleaned and not re.search(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]", cleaned)


# A content number: amounts, counts, decimals, years, percentages.
numbers = st.one_of(
    st.integers(0, 10**9).map(lambda n: f"{n:,}"),
    st.integers(0, 999).map(lambda n: f"${n} million"),
    st.tuples(st.integers(0, 99), st.integers(0, 99)).map(lambda t: f"{t[0]}.{t[1]} percent"),
    st.integers(1900, 2099).map(str),
)
words = st.sampled_from("the migrants crossed border in and of region children report Venezuela's pact".split())


@st.composite
def sentences_with_numbers(draw):
    parts = []
    ordinals = ["First", "Second", "Third", "Fourth", "Fifth", "Sixth"]
    for index in range(draw(st.integers(1, 6))):
        # Sentences differ (the cleaner rightly drops a run of 8+ words repeated verbatim).
        before = ordinals[index] + " " + " ".join(draw(st.lists(words, min_size=1, max_size=6)))
        after = " ".join(draw(st.lists(words, min_size=1, max_size=6)))
        parts.append((f"{before} {draw(numbers)} {after}", draw(st.sampled_from([".", ",", ";", ""]))))
    return parts


@settings(max_examples=200, deadline=None)
@given(sentences_with_numbers())
def test_cleaner_never_eats_a_content_number(parts):
    raw = " ".join(text + punct for text, punct in parts)
    expected = re.findall(r"\d+", raw)
    assert re.findall(r"\d+", clean_text(raw)) == expected


text_pieces = st.lists(
    st.one_of(
        st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40),
        st.sampled_from(["\n\n", "\n", ".", "²³", "\\$5", "**", " 12 ", "Getty Images", "- ", "\t3"]),
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(text_pieces)
def test_cleaner_is_idempotent(pieces):
    once = clean_text("".join(pieces))
    assert clean_text(once) == once


def test_fold_for_matching_ignores_quote_style_and_case():
    assert fold_for_matching("Panama’s new president") == fold_for_matching("panama's NEW president")
