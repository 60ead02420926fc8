"""Which candidate in the answer sentence answers: the one the question's words attach to.

Each word the sentence shares with the question counts, by its idf, for its nearest
candidate on the side the answer type expects (a name follows its title, a figure
precedes what it counts, the subject precedes the verb of "Who <verb>?"), less with
distance and across a clause break; the words that name the answer's kind count double.
The same attachment, on those words alone, says how tightly a sentence binds the question
to an answer (`binding`), which helps choose the sentence.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ingest.lexical import word_terms
from retrieval.answer import ScoredSentence, in_question
from retrieval.question import Question
from retrieval.spans import PLACE_WORDS, Span, possessors

__all__ = ["choose_span", "binding", "attachment", "candidates_for"]

# Which side of an answer the words of its question sit on: a name follows its title
# ("Coordinator for the Los Angeles Declaration Marcela Escobari"); a figure is followed
# by what it counts ("249,741 in December 2023 to 58,038 in August").
FOLLOWS_ITS_WORDS = frozenset({"person", "organisation", "place", "nationality"})
DECAY = 0.85  # per word between an anchor and the span
OTHER_CLAUSE = 0.35
LIST_ITEM_WEIGHT = 1.0
VERB_WEIGHT = 3.0  # the verb of "Who <verb> ...?" in the sentence
FOCUS_WEIGHT = 2.0  # the words after "which"/"what" name the answer's kind ("which border town")
CLAUSE_BREAK = re.compile(r"[;:()\[\]—–]|,\s|\s-\s")
DATE_CLAUSE_BREAK = re.compile(r"[;:()\[\]—]|\s-\s")  # dates are set off by commas
WORD = re.compile(r"[\w’'-]+")
AUXILIARY = r"(?:is|was|are|were|did|does|do|has|have|had|will|would|can|could|should)"
FOCUS = re.compile(rf"\b(?:which|what|whose|who {AUXILIARY}(?: the)?|how many|how much|how (?:big|large) {AUXILIARY} the|name the|name an?)\s+((?:(?!{AUXILIARY}\b)[\w.’'-]+\s+){{0,3}}(?!{AUXILIARY}\b)[\w.’'-]+)", re.I)


def choose_span(text: str, sentence: ScoredSentence, question: Question, idf: dict[str, float] | None = None) -> tuple[int, int]:
    """The candidate the question's words in the sentence attach to (see `attachment`); one
    introduced by the question's own preposition comes first. The whole sentence when no
    candidate fits (why/how questions)."""
    if not sentence.spans:
        return verb_object(text, sentence, question) or (sentence.start, sentence.end)
    spans = candidates_for(text, sentence, question)
    ties = attachment(text, sentence, spans, question, idf or {})
    # "From which countries did they set out?" -> "moved north from Brazil and Chile"
    asked_with = re.search(r"(?:^|\s)(from|in|to|into|at|on|by|for|with|under)\s+(?:which|what)\b", question.text, re.I)
    preposition = re.compile(rf"\b{asked_with.group(1)}\s+(?:the\s+)?$", re.I) if asked_with else None
    introduced = {  # not a possessor: "in Port-au-Prince’s Cité Soleil commune" answers with the commune
        s: bool(preposition and preposition.search(text, max(0, s.start - 12), s.start)) and not re.match(r"[’']s\b", text[s.end : s.end + 2])
        for s in spans
    }
    best = max(spans, key=lambda s: (introduced[s], round(ties[s], 6), -s.start))
    return best.start, best.end


def candidates_for(text: str, sentence: ScoredSentence, question: Question) -> tuple[Span, ...]:
    """The sentence's candidates as this question needs them: without what "besides ..." sets
    aside, merged into runs for a list, the possessors for "whose"."""
    spans = sentence.spans
    excluded = set_aside(question.text)
    if excluded:  # "Besides the Haitian one, what ... program?" -> not the Haitian program
        spans = tuple(s for s in spans if not excluded & set(WORD.findall(text[s.start : s.end].casefold()))) or spans
    if lists_names(question):
        spans = list_runs(text, spans)  # "Mexico, Costa Rica, and Belize"
    if re.match(r"\s*whose\b", question.text, re.I):  # the possessor: "the International Labour Organization’s Declaration"
        owners = possessors(text, sentence.start, sentence.end)
        spans = tuple(s for s in owners if not in_question(text[s.start : s.end], question.text)) or spans
    return spans


def attachment(
    text: str, sentence: ScoredSentence, spans: tuple[Span, ...], question: Question, idf: dict[str, float], *, focus_only: bool = False
) -> dict[Span, float]:
    """How strongly the question's words in the sentence attach to each candidate: each shared
    word counts, by its idf, for its nearest candidate on the side the answer type expects
    (after a title for a name, before what a figure counts; before the verb for "Who <verb>?"),
    decaying with the words between and less across a clause break."""
    breaks = DATE_CLAUSE_BREAK if question.answer_type == "date" else CLAUSE_BREAK
    subject_verb = question_verb(question.text)
    ahead = question.answer_type in FOLLOWS_ITS_WORDS and not subject_verb
    ties = {s: 0.0 for s in spans}
    for a_start, a_end, weight, focus, head in anchor_weights(text, sentence.start, sentence.end, question, idf):
        if focus_only and not focus:
            continue
        inside = [s for s in spans if s.start < a_end and a_start < s.end]
        if inside:
            # the noun naming the answer's kind may be part of it ("which program" -> "American
            # Statecraft Program", "which Texas town" -> "Eagle Pass, Texas"); another word of the
            # question inside a candidate counts for nothing: the candidate may be the question's
            # own subject ("Food Security Action", "Carnegie Endowment for International Peace")
            ties[inside[0]] += weight if head else 0.0
            continue
        if subject_verb and word_terms(text[a_start:a_end])[:1] == subject_verb:
            weight *= VERB_WEIGHT  # "Antony Blinken hosted the fourth ... Ministerial"
        after = [s for s in spans if s.start >= a_end]  # candidates the word comes before
        before = [s for s in spans if s.end <= a_start]
        preferred, other = (after, before) if ahead else (before, after)
        if preferred:
            span = min(preferred, key=lambda s: s.start) if ahead else max(preferred, key=lambda s: s.end)
        else:
            span = max(other, key=lambda s: s.end) if ahead else min(other, key=lambda s: s.start)
        gap = text[a_end : span.start] if span.start >= a_end else text[span.end : a_start]
        clause = OTHER_CLAUSE if breaks.search(gap) else 1.0
        ties[span] += weight * clause * DECAY ** len(WORD.findall(gap)) * (1.0 if preferred else 0.5)
    if lists_names(question):
        for s in spans:  # a list question wants the list: each further item counts as one shared word
            ties[s] += LIST_ITEM_WEIGHT * len(re.findall(r",|\band\b|\bor\b", text[s.start : s.end]))
    return ties


def binding(text: str, sentence: ScoredSentence, question: Question, idf: dict[str, float]) -> float:
    """How tightly the words that name the answer's kind bind to one candidate answer in the
    sentence, as a share of the question's weight: for "How many Haitians arrived ...?", "15,000
    Haitians arrived" binds, "Haitians ... arrived in 2021 ... 15,000 people" hardly. Only those
    words: with all of the question's words, a short sentence that dates the Declaration beat a
    long one that dates the meeting asked about."""
    if not sentence.spans or not question_keys(question)[2]:  # no focus words, nothing can bind
        return 0.0
    ties = attachment(text, sentence, candidates_for(text, sentence, question), question, idf, focus_only=True)
    total = sum(idf[t] for t in set(question.terms)) or 1.0
    return max(ties.values(), default=0.0) / total


# "What were they negotiating to create among ...?" (an infinitive), "What did Canada pledge?" (last word)
ASKED_VERB = (
    re.compile(rf"^\s*what\s+(?:{AUXILIARY})\b.*?\bto\s+([a-z]+)\b", re.I),
    re.compile(rf"^\s*what\s+(?:{AUXILIARY})\b.*\b([a-z]+)\s*\?\s*$", re.I),
)


def verb_object(text: str, sentence: ScoredSentence, question: Question) -> tuple[int, int] | None:
    """For "What were they negotiating to create?" the words after that verb in the sentence, up
    to the end of the clause: "which would create a flexible arrangement for skills mobility" ->
    "a flexible arrangement for skills mobility". None when the verb is not there."""
    if question.answer_type != "other":
        return None
    asked = next((m for m in (p.match(question.text) for p in ASKED_VERB) if m), None)
    verb = word_terms(asked.group(1)) if asked else ()
    if not verb:
        return None
    for m in WORD.finditer(text, sentence.start, sentence.end):
        if word_terms(m.group())[:1] == verb[:1]:
            clause = re.match(r"\s+([^,;:.—()“”\"]{3,}?)(?=[,;:.—()“”\"]|\s+(?:which|that|while|because|after|before)\b|$)", text[m.end() : sentence.end])
            if clause and len(clause.group(1).split()) <= 12:
                start = m.end() + clause.start(1)
                return start, start + len(clause.group(1).rstrip())
    return None


def lists_names(question: Question) -> bool:
    return question.wants_list and question.answer_type in FOLLOWS_ITS_WORDS


def list_runs(text: str, spans: tuple[Span, ...]) -> tuple[Span, ...]:
    """Candidates joined by commas and 'and'/'or' merged into runs ("Mexico, Costa Rica, and
    Belize"), and a "from X to Y" range ("the entire migration route from Chile to Canada")."""
    runs = [spans[0]]
    for span in spans[1:]:
        gap = text[runs[-1].end : span.start]
        ranged = gap == " to " and re.search(r"\bfrom\s+$", text[max(0, runs[-1].start - 6) : runs[-1].start])
        if re.fullmatch(r",?\s*(?:and|or)?\s*|,\s*", gap) or ranged:
            runs[-1] = Span(runs[-1].start, span.end, runs[-1].kind)
        else:
            runs.append(span)
    return tuple(runs)


SET_ASIDE = re.compile(r"\b(?:besides|other than|apart from|aside from|except(?: for)?|along with|together with|alongside)\s+(?:the\s+)?(.+?)(?:,|\s+(?:one|ones|which|what|who|how)\b|\?|$)", re.I)


def set_aside(question: str) -> set[str]:
    """Capitalised words of a "besides ..." clause, lower-cased: names the answer is not."""
    m = SET_ASIDE.search(question)
    return {w.casefold() for w in WORD.findall(m.group(1)) if w[:1].isupper()} if m else set()


@lru_cache(maxsize=4096)
def question_verb(question: str) -> tuple[str, ...]:
    """The stemmed verb of "Who <verb> ...?" ("Who hosted the fourth ministerial?" -> "host"), or ()."""
    m = re.search(rf"(?:^|[,;:]\s*)who\s+(?!{AUXILIARY}\b)(\w+)", question.strip(), re.I)
    return word_terms(m.group(1))[:1] if m else ()


def anchor_weights(text: str, start: int, end: int, question: Question, idf: dict[str, float]) -> list[tuple[int, int, float, bool, bool]]:
    """(start, end, weight, in the focus phrase, is its kind noun) of the sentence's words that
    the question shares, weighted by idf and doubled for the words of the focus phrase ("which
    U.S. border town"); a crude prefix match catches what stemming misses ("coordinates" ~
    "Coordinator")."""
    asked, prefixes, focus, head = question_keys(question)
    found = []
    for w_start, w_end, term, prefix in sentence_words(text, start, end):
        if term in asked or (prefix and prefix in prefixes):
            weight = float(idf[term]) if term in idf else 1.0
            found.append((w_start, w_end, weight * (FOCUS_WEIGHT if term in focus else 1.0), term in focus, term in head))
    return found


@lru_cache(maxsize=4096)
def question_keys(question: Question) -> tuple[frozenset, frozenset, frozenset, tuple[str, ...]]:
    """What a question's words are matched by: its terms, 6-letter prefixes, focus-phrase terms
    and kind noun (computed once per question: every candidate sentence asks again)."""
    prefixes = frozenset(stem_prefix(w) for w in WORD.findall(question.text) if len(w) >= 4)
    focus_match = FOCUS.search(question.text)
    focus = frozenset(t for w in WORD.findall(focus_match.group(1)) for t in word_terms(w)) if focus_match else frozenset()
    return frozenset(question.terms), prefixes, focus, kind_noun(focus_match.group(1)) if focus_match else ()


@lru_cache(maxsize=65536)
def sentence_words(text: str, start: int, end: int) -> tuple[tuple[int, int, str, str], ...]:
    """(start, end, stem, 6-letter prefix or "") of a sentence's words that have a stem. The
    document text's hash is cached by Python, so the key costs little."""
    words = []
    for m in WORD.finditer(text, start, end):
        terms = word_terms(m.group())
        if terms:
            words.append((m.start(), m.end(), terms[0], stem_prefix(m.group()) if len(m.group()) >= 4 else ""))
    return tuple(words)


def kind_noun(phrase: str) -> tuple[str, ...]:
    """The stem of the noun that names the answer's kind in a focus phrase, and of a place
    qualifying it: "Carnegie Endowment program is" -> "program"; "Texas town" -> "texa", "town";
    "commune of Haiti's capital" -> "commun"."""
    words = WORD.findall(re.split(r"\s(?:of|for|in|at|to|on|from|with|by)\s", f" {phrase} ")[0])  # "commune of Haiti's capital"
    words = [w for w in words if word_terms(w)]
    nouns = [w for w in words if w.islower()]
    kinds = [nouns[-1]] if nouns else words[-1:]
    places = [w for w in words if not w.islower() and w in PLACE_WORDS]
    return tuple(t for w in kinds + places for t in word_terms(w)[:1])


def stem_prefix(word: str) -> str:
    """A crude stem good enough to match "coordinates" with "Coordinator"."""
    return word.casefold()[:6]
