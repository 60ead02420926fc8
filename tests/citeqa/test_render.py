"""The command line's renderings of a result (fake index)."""

from citeqa.render import render_answer, result_json


def test_a_non_english_question_is_named_and_its_english_source_said(fake_qa):
    result = fake_qa.ask("¿Cuántos haitianos llegaron a Del Rio?")
    assert result_json(fake_qa, result)["lang"] == "es"
    assert result.answerable  # the fake vectors match the names: Del Rio, the number
    assert "the sources are English, quoted verbatim" in render_answer(fake_qa, result, color=False)
    english = fake_qa.ask("How many Haitians arrived in Del Rio?")
    assert result_json(fake_qa, english)["lang"] == "en"
    assert "quoted verbatim" not in render_answer(fake_qa, english, color=False)
