"""Questions in Spanish, Portuguese and French, answered from English sources.

The English parser cannot read them, and none of their words needs to appear
in the answer: the ranking finds the English sentence by the multilingual
model (ingest/multilingual.py). What the answer layer still needs is the type
of answer, so that the span is chosen as for an English question: "¿cuántos",
"quantos", "combien" ask for a number, "¿cuándo", "quando", "quand" for a
date. It comes from the same two short tables as in English (answers/question.py):
the question words of each language, and for "qué/qual/quel + noun" the kind
of a general noun. Words are compared without accents, as people type them
("cuantos paises").

A long question with its context first ("I'm writing a paper on ... When
was ...?") is read from its last sentence. "Cómo se llama el programa",
"comment s'appelle", like "what is the name of", ask for the kind of their
noun. A noun the table does not know is handed on as the focus, so that the
answer layer can look up the kind of its English cognate in the corpus
("economista", "analyste": answers/reader.py).

Names (capitalised runs) and years are read by pattern; there is no verb or
role, so a span is bound to the question by its names and numbers only.
"""

from __future__ import annotations

import re

from answers.question import LABELS, YEAR, Question
from ingest.lexical import fold_accents
from ingest.parse import SentenceParse
from retrieval.query import content_terms

__all__ = ["analyze_translingual", "cognates", "QUESTION_WORDS"]

# question word (or two) -> the type it asks for; "which" words take the type of their noun
QUESTION_WORDS = {
    "es": {"cuantos": "number", "cuantas": "number", "cuanto": "number", "cuanta": "number", "cuando": "date", "quien": "person",
           "quienes": "person", "donde": "place", "adonde": "place", "por que": "reason", "porque": "reason", "como": "reason",
           "que": "which", "cual": "which", "cuales": "which", "como se": "which"},
    "pt": {"quantos": "number", "quantas": "number", "quanto": "number", "quanta": "number", "quando": "date", "quem": "person",
           "onde": "place", "aonde": "place", "por que": "reason", "porque": "reason", "por quê": "reason", "como": "reason",
           "que": "which", "qual": "which", "quais": "which", "como se": "which"},
    "fr": {"combien": "number", "quand": "date", "qui": "person", "ou": "place", "pourquoi": "reason", "comment": "reason",
           "quel": "which", "quelle": "which", "quels": "which", "quelles": "which", "que": "which", "quoi": "which",
           "comment s": "which"},
}
# general nouns naming a kind of answer (the English table's, in each language), without accents
FOCUS_NOUNS = {
    "person": {"es": "persona funcionario funcionaria lider presidente presidenta ministro ministra secretario secretaria asesor asesora portavoz embajador embajadora canciller",
               "pt": "pessoa funcionario funcionaria lider presidente presidenta ministro ministra secretario secretaria assessor assessora porta-voz embaixador embaixadora chanceler",
               "fr": "personne responsable dirigeant dirigeante president presidente ministre secretaire conseiller conseillere porte-parole ambassadeur ambassadrice"},
    "place": {"es": "pais nacion ciudad estado lugar region pueblo capital provincia zona",
              "pt": "pais nacao cidade estado lugar regiao capital provincia area",
              "fr": "pays nation ville etat lieu endroit region capitale province zone"},
    "organisation": {"es": "organizacion organismo agencia grupo institucion empresa compania programa iniciativa banco fondo",
                     "pt": "organizacao organismo agencia grupo instituicao empresa companhia programa iniciativa banco fundo",
                     "fr": "organisation organisme agence groupe institution entreprise societe programme initiative banque fonds"},
    "date": {"es": "ano fecha mes dia periodo decada", "pt": "ano data mes dia periodo decada", "fr": "annee an date mois jour periode decennie"},
    "number": {"es": "numero cantidad total suma cifra porcentaje proporcion tasa valor costo monto",
               "pt": "numero quantidade total soma cifra percentagem porcentagem proporcao taxa valor custo montante",
               "fr": "nombre quantite total somme chiffre pourcentage proportion taux valeur cout montant"},
    "nationality": {"es": "nacionalidad", "pt": "nacionalidade", "fr": "nationalite"},
}
KIND_OF = {lang: {noun: kind for kind, by_lang in FOCUS_NOUNS.items() for noun in by_lang[lang].split()} for lang in QUESTION_WORDS}
# "¿cuáles son los...", "quais são os...", "quels sont les...": a list is asked for
LIST_OPENINGS = re.compile(r"^\W*(cuales son|quais sao|quels sont|quelles sont)\b")
WORD = re.compile(r"\w[\w-]*")  # "l'initiative" -> "l", "initiative"; "s'appelle" -> "s", "appelle"
NAMING = frozenset({"nombre", "nome", "nom", "titulo", "titre"})  # "the name of X" asks for X
# the last sentence of a question that gives its context first
LAST_SENTENCE = re.compile(r"(?:^|(?<=[.!?:])\s+|¿)([^.!?¿]*\?*)\s*$")
WINDOW = 6  # words after a "which" word in which its noun is looked for
MIN_NOUN = 4  # letters: shorter words after a "which" word are articles and verbs ("es", "le", "foi")
NAME_RUN = re.compile(r"(?<![\w.])(?:[A-ZÁÉÍÓÚÑÇÀÈÊÔÃÕ][\w'’-]*)(?:\s+(?:(?:de|del|da|do|dos|la|le|du)\s+)?[A-ZÁÉÍÓÚÑÇÀÈÊÔÃÕ][\w'’-]*)*")
EMPTY_PARSE = SentenceParse((), (), ())


def plain(text: str) -> str:
    """Lower case without accents: how a typed question and the tables are compared."""
    return fold_accents(text.casefold())


def singular(word: str, lang: str) -> str:
    """The table's form of a noun: "países" -> "pais", "organizações" -> "organizacao"."""
    table = KIND_OF[lang]
    for candidate in (word, word[:-1], word[:-2], re.sub(r"oes$", "ao", word), re.sub(r"ais$", "al", word)):
        if candidate in table:
            return candidate
    return word


def cognates(word: str) -> list[str]:
    """English forms a Romance noun may share: "economista" -> "economist", "analyste" ->
    "analyst", "operação" -> "operation"; tried against the corpus' nouns."""
    forms = [word, word[:-1], word[:-2], re.sub(r"[cs](?:ion|ao)$", "tion", word)] if len(word) > MIN_NOUN else [word]
    return [f for f in dict.fromkeys(forms) if len(f) >= MIN_NOUN]


def answer_type(words: list[str], lang: str) -> tuple[str, str]:
    """(type, focus noun) from the first question word and, for "which" words, the next kind
    noun; with none, the first longer word after it stands as the focus, its kind unknown."""
    table, kinds = QUESTION_WORDS[lang], KIND_OF[lang]
    for i, word in enumerate(words):
        pair = f"{word} {words[i + 1]}" if i + 1 < len(words) else ""
        asked = table.get(pair) or table.get(word)
        if asked is None:
            continue
        following = words[i + 1 + (table.get(pair) is not None) : i + 1 + WINDOW]
        nouns = [singular(w, lang) for w in following]
        noun = next((n for n in nouns if n in kinds), "")
        if asked == "which":
            if noun:
                return kinds[noun], noun
            return "other", next((w for w in following if len(w) >= MIN_NOUN and w not in table and w not in NAMING), "")
        return asked, noun
    nouns = [singular(w, lang) for w in words]  # typed as keywords: the last kind noun stands in
    kinds_named = [n for n in nouns if n in kinds]
    return (kinds[kinds_named[-1]], kinds_named[-1]) if kinds_named else ("other", "")


def analyze_translingual(text: str, lang: str) -> Question:
    """The question's record for a language with a table; other languages get type "other"."""
    last = LAST_SENTENCE.search(text)
    asked = last.group(1) if last and WORD.search(last.group(1)) else text
    words = WORD.findall(plain(asked))
    kind, noun = answer_type(words, lang) if lang in QUESTION_WORDS else ("other", "")
    if kind == "other" and lang in QUESTION_WORDS and asked != text:  # no question word in the last sentence
        kind, noun = answer_type(WORD.findall(plain(text)), lang)
    first = re.search(r"\w", text)
    names = tuple(m.group(0) for m in NAME_RUN.finditer(text) if first is None or m.start() > first.start())
    return Question(
        text=text,
        terms=tuple(dict.fromkeys(content_terms(text) + content_terms(fold_accents(text)))),  # "Haití" finds "Haiti"
        answer_type=kind,
        labels=LABELS.get(kind, ()),
        focus=(),
        head="",
        head_lemma=noun if kind == "other" else "",
        verb="",
        role="",
        years=tuple(YEAR.findall(text)),
        names=names,
        wants_list=bool(LIST_OPENINGS.search(plain(text))),
        parse=EMPTY_PARSE,
        lang=lang,
    )
