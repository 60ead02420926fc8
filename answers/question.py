"""What a question asks for, read once from its parse: the answer's type and the
entity labels that can hold it, the focus phrase ("how many Haitians", "which
country"), the main verb and the wh-phrase's role under it, years, names and
content terms.

The type comes from the wh-word (a short table) and, for "what"/"which", from
the focus noun's kind (a short table of general English nouns). Nothing here
was fitted to the eval questions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from ingest.lexical import word_terms
from ingest.parse import SentenceParse, from_doc, load_parser
from retrieval.query import Query, content_terms

__all__ = ["Question", "analyze", "LABELS", "SPANNED"]

NUMBER_LABELS = ("CARDINAL", "MONEY", "PERCENT", "QUANTITY")
# entity labels that can hold each type of answer
LABELS = {
    "number": NUMBER_LABELS,
    "date": ("DATE",),
    "person": ("PERSON",),
    "organisation": ("ORG", "LAW", "EVENT", "PRODUCT", "WORK_OF_ART"),
    "place": ("GPE", "LOC", "FAC"),
    "nationality": ("NORP",),
    "other": ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "LAW", "EVENT", "PRODUCT", "WORK_OF_ART", "DATE", *NUMBER_LABELS),
}
SPANNED = frozenset(LABELS)  # types answered by a span; "reason" (why, how) by the sentence

WH_TYPES = {"who": "person", "whom": "person", "whose": "person", "when": "date", "where": "place", "why": "reason"}
HOW_NUMBER = frozenset({"many", "much", "long", "far", "big", "large", "old", "often", "high"})
# the kind a "what/which X" question asks for, by the lemma of X: general nouns only
FOCUS_KINDS = {
    "person": "person people official leader president minister secretary expert adviser advisor spokesperson",
    "place": "country nation city state place region town capital location province area",
    "organisation": "organization organisation agency group institution company program programme initiative bank fund body",
    "date": "year date month day time period decade",
    "number": "number amount total sum figure count size percentage percent share proportion rate value cost",
    "nationality": "nationality",
}
KIND_OF = {noun: kind for kind, nouns in FOCUS_KINDS.items() for noun in nouns.split()}
WH_WORDS = frozenset(WH_TYPES) | {"what", "which", "how"}
NAMING = frozenset({"name", "title", "term", "nickname"})  # "the name of X" asks for X's name
YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


@dataclass(frozen=True)
class Question:
    text: str
    terms: tuple[str, ...]  # stemmed content terms, as the BM25 index sees them
    answer_type: str  # a key of LABELS, or "reason"
    labels: tuple[str, ...]  # entity labels that can hold the answer
    focus: tuple[str, ...]  # stems of the focus phrase ("how many Haitians" -> "haitian")
    head: str  # stem of the focus phrase's noun, "" if none
    head_lemma: str  # its lemma: what the corpus' kinds are counted by (answers/lexicon.py)
    verb: str  # lemma of the main content verb, "" if none
    role: str  # the wh-phrase under the verb: "subject", "object", "prep:<word>" or ""
    years: tuple[str, ...]
    names: tuple[str, ...]  # entities and proper nouns the question names
    wants_list: bool
    parse: SentenceParse
    lang: str = "en"  # ISO 639-1; other languages are read by answers/translingual.py

    @property
    def query(self) -> Query:
        """What the ranking reads of the question."""
        return Query(self.text, self.terms, self.lang)

    @property
    def spanned(self) -> bool:
        return self.answer_type in SPANNED

    def of_kind(self, kind: str) -> Question:
        """The same question asking for another type (a kind the corpus knows its focus noun by)."""
        return replace(self, answer_type=kind, labels=LABELS.get(kind, ()))


@lru_cache(maxsize=4096)
def analyze(text: str) -> Question:
    """Parse the question once; every later stage reads this record."""
    doc = parse_question(text)
    wh = next((t for t in doc if t.lower_ in WH_WORDS), None)
    focus_tokens = focus_phrase(doc, wh) if wh is not None else keyword_kind(doc)
    head = focus_tokens[-1] if focus_tokens else None
    kind = answer_type(wh, head)
    verb = main_verb(doc, wh)
    return Question(
        text=text,
        terms=with_lemmas(content_terms(text), doc),
        answer_type=kind,
        labels=LABELS.get(kind, ()),
        focus=tuple(t for token in focus_tokens for t in word_terms(token.text)),
        head=stem(head.text) if head is not None else "",
        head_lemma=head.lemma_.casefold() if head is not None else "",
        verb=verb.lemma_.casefold() if verb is not None else "",
        role=wh_role(wh, head, verb),
        years=tuple(YEAR.findall(text)),
        names=names_in(doc),
        wants_list=bool(head is not None and head.tag_ in {"NNS", "NNPS"}) or bool(re.search(r"\bwhat are the\b|\blist\b", text, re.I)),
        parse=from_doc(doc),
    )


def with_lemmas(terms: tuple[str, ...], doc) -> tuple[str, ...]:
    """The terms, plus the stem of each content word's lemma where stemming misses it: the
    stemmer leaves "held" as "held", the lemma makes it "hold", which matches "holding"."""
    extra = []
    for token in doc:
        if token.pos_ in {"VERB", "NOUN"} and token.lemma_.casefold() != token.lower_:
            lemma = word_terms(token.lemma_)
            if lemma and lemma[0] not in terms and lemma[0] not in extra:
                extra.append(lemma[0])
    return terms + tuple(extra)


def parse_question(text: str):
    """The question through every component but NER (names come from proper nouns): a
    question is parsed at query time, and NER is a quarter of the cost."""
    nlp = load_parser()
    doc = nlp.make_doc(text)
    for name, component in nlp.pipeline:
        if name != "ner":
            doc = component(doc)
    return doc


def stem(word: str) -> str:
    terms = word_terms(word)
    return terms[0] if terms else word.casefold()


def focus_phrase(doc, wh) -> list:
    """The words after "what"/"which"/"how many" up to their noun: "which White House official"
    -> White, House, official; "how many Haitians" -> Haitians. Empty for who/when/where."""
    if wh is None or wh.lower_ not in {"what", "which", "how", "whose"}:
        return []
    start = wh.i + 1
    if wh.lower_ == "what" and start < len(doc) and doc[start].lemma_ == "be":  # "What is the capital of ...?"
        start += 1 + (start + 1 < len(doc) and doc[start + 1].pos_ == "DET")
    if wh.lower_ == "how":
        if start >= len(doc) or doc[start].lower_ not in HOW_NUMBER:
            return []
        start += 1
        if start < len(doc) and doc[start].lemma_ == "be":  # "How big was the U.S. grant ...?": the grant
            return focus_phrase_after(doc, start + 1)
    words = []
    for token in doc[start : start + 6]:
        if token.pos_ in {"NOUN", "PROPN", "ADJ", "NUM"} or (token.pos_ == "VERB" and token.tag_ == "VBN" and words):
            words.append(token)
            continue
        # "savings and loan cooperative": a conjunction inside the phrase, before its noun
        if token.pos_ == "CCONJ" and words and token.i + 1 < len(doc) and doc[token.i + 1].pos_ in {"NOUN", "PROPN", "ADJ"} and token.i + 2 < len(doc) and doc[token.i + 2].pos_ in {"NOUN", "PROPN"}:
            continue
        break
    while words and words[-1].pos_ not in {"NOUN", "PROPN"}:
        words.pop()
    if words and words[-1].lemma_ in NAMING and words[-1].i + 2 < len(doc) and doc[words[-1].i + 1].lower_ == "of":
        # "the name of the operation": the operation is what is asked for
        return words + focus_phrase_after(doc, words[-1].i + 2)
    return words


def focus_phrase_after(doc, start: int) -> list:
    words = []
    for token in doc[start : start + 5]:
        if token.pos_ == "DET" and not words:
            continue
        if token.pos_ in {"NOUN", "PROPN", "ADJ"}:
            words.append(token)
            continue
        break
    while words and words[-1].pos_ not in {"NOUN", "PROPN"}:
        words.pop()
    return words


def keyword_kind(doc) -> list:
    """Typed as keywords ("brazil gdp contraction 2019 to 2021 percent"), a question has no
    wh-word; the last of its nouns that names a kind of answer stands in for one."""
    kinds = [t for t in doc if t.pos_ in {"NOUN", "PROPN"} and t.lemma_.casefold() in KIND_OF]
    return kinds[-1:]


def answer_type(wh, head) -> str:
    if wh is None:
        return KIND_OF.get(head.lemma_.casefold(), "other") if head is not None else "other"
    word = wh.lower_
    if word in WH_TYPES:
        return WH_TYPES[word]
    if word == "how":
        following = wh.doc[wh.i + 1] if wh.i + 1 < len(wh.doc) else None
        return "number" if following is not None and following.lower_ in HOW_NUMBER else "reason"
    if head is not None:
        return KIND_OF.get(head.lemma_.casefold(), "other")
    return "other"


def main_verb(doc, wh):
    """The content verb the question is about: the wh-word's governing verb, else the root;
    auxiliaries ("did", "was") are not it."""
    candidates = []
    if wh is not None:
        candidates += [a for a in [wh.head, *wh.head.ancestors] if a.pos_ == "VERB"]
    candidates += [t for t in doc if t.dep_ == "ROOT" and t.pos_ == "VERB"]
    candidates += [t for t in doc if t.pos_ == "VERB"]
    return next((t for t in candidates if t.lemma_ not in {"be", "do", "have"}), None)


def wh_role(wh, head, verb) -> str:
    """How the wh-phrase attaches to the verb: "Who hosted ...?" subject, "What did Canada
    pledge?" object, "From which countries ...?" the preposition."""
    if wh is None or verb is None:
        return ""
    phrase = head if head is not None else wh
    if wh.lower_ == "how" and head is None and wh.i + 1 < len(wh.doc):
        phrase = wh.doc[wh.i + 1]  # "By how much did crossings fall?": "much" under "by"
    if phrase.dep_ == "pobj" or wh.dep_ == "pobj":
        preposition = (phrase if phrase.dep_ == "pobj" else wh).head
        return f"prep:{preposition.lower_}" if preposition.pos_ == "ADP" else ""
    if phrase.dep_ in {"nsubj", "nsubjpass"}:
        return "subject"
    if phrase.dep_ in {"dobj", "attr", "oprd"}:
        return "object"
    return ""


def names_in(doc) -> tuple[str, ...]:
    """Runs of proper nouns: "Del Rio", "Marcela Escobari"."""
    runs: list[list[str]] = []
    for token in doc:
        if token.pos_ == "PROPN":
            if runs and token.i > 0 and doc[token.i - 1].pos_ == "PROPN":
                runs[-1].append(token.text)
            else:
                runs.append([token.text])
    return tuple(" ".join(run) for run in runs)
