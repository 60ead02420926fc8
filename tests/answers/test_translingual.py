"""Questions in Spanish, Portuguese and French: the answer type from each language's question words."""

import pytest

from answers.translingual import analyze_translingual, cognates


@pytest.mark.parametrize(
    ("question", "lang", "kind"),
    [
        ("¿Cuántos haitianos llegaron a Del Rio?", "es", "number"),
        ("cuantos paises firmaron la declaracion", "es", "number"),  # typed without accents
        ("¿Cuándo se firmó la Declaración?", "es", "date"),
        ("¿En qué año se firmó la Declaración?", "es", "date"),
        ("¿Quién es Marcela Escobari?", "es", "person"),
        ("¿Dónde se reunieron los ministros?", "es", "place"),
        ("¿Qué organización dirige la Secretaría?", "es", "organisation"),
        ("¿Cómo se llama el programa de Brasil?", "es", "organisation"),
        ("¿Por qué es importante la República Dominicana?", "es", "reason"),
        ("Quantas pessoas foram reassentadas?", "pt", "number"),
        ("Quando foi a reunião ministerial?", "pt", "date"),
        ("Quem anunciou as sanções?", "pt", "person"),
        ("Em que cidade fica o aeroporto La Aurora?", "pt", "place"),
        ("Combien d'Haïtiens sont arrivés à Del Rio ?", "fr", "number"),
        ("Quand la réunion a-t-elle eu lieu ?", "fr", "date"),
        ("Qui a annoncé les sanctions ?", "fr", "person"),
        ("Où se trouve le bureau ?", "fr", "place"),
        ("Quel pays a accueilli la réunion ?", "fr", "place"),
        ("Comment s'appelle l'initiative régionale ?", "fr", "organisation"),
        ("Pendant quelle période a-t-il été conseiller ?", "fr", "date"),
        ("Pourquoi la République dominicaine est-elle importante ?", "fr", "reason"),
    ],
)
def test_the_question_word_gives_the_type(question, lang, kind):
    assert analyze_translingual(question, lang).answer_type == kind


def test_a_long_question_is_read_from_its_last_sentence():
    q = analyze_translingual("Estoy escribiendo sobre cómo empezó todo. ¿Cuándo se lanzó la implementación?", "es")
    assert q.answer_type == "date"  # not "cómo" (reason) from the context


def test_names_years_and_accents():
    q = analyze_translingual("¿Cuántos migrantes llegaron a Haití desde México en 2023?", "es")
    assert q.names == ("Haití", "México") and q.years == ("2023",)
    assert "haiti" in q.terms and "mexico" in q.terms  # the sources write the names without accents
    assert q.lang == "es" and q.query.lang == "es"


def test_an_unknown_noun_is_handed_on_with_its_cognates():
    q = analyze_translingual("Quel économiste a dit cela ?", "fr")
    assert q.answer_type == "other" and q.head_lemma == "economiste"
    assert "economist" in cognates(q.head_lemma)
    assert "operation" in cognates("operacao")


def test_a_language_without_a_table_is_still_read():
    q = analyze_translingual("Wie viele Länder haben unterzeichnet?", "de")
    assert q.answer_type == "other" and q.lang == "de"
