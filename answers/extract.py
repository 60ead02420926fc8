"""Candidate answers inside a sentence, and how strongly the question binds to each.

`Extractor` is the interface: candidates in a sentence, best first, each scored.
`EntityExtractor` reads the sentence's parse made at ingest: the candidates are
the entities whose label can hold the asked type (numbers widened to their own
phrase, "more than 100,000"), and a candidate is chosen by how the question's
words attach to it in the dependency tree: the words it shares with the
question, weighted by rarity and discounted by tree distance; the focus noun
governing it ("15,000 Haitians") or inside it ("... Program"); the question's
verb with the candidate in the wh-phrase's role (subject, object, or after the
same preposition). A reader model could implement the same interface.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from answers.attach import Attachment, SentenceView
from answers.lexicon import NAME_LABELS, Lexicon
from answers.question import NUMBER_LABELS, Question
from ingest.lexical import word_terms
from ingest.parse import SentenceParse

__all__ = ["Candidate", "Extractor", "EntityExtractor", "in_question"]

QUALIFIER_DEPS = frozenset({"quantmod", "advmod"})
NAME_TYPES = frozenset({"person", "organisation", "place", "nationality", "other"})
CONNECTORS = frozenset({"of", "for", "de", "del"})
# names of bodies and works run long and the tagger cuts them; people's and places' names it
# gets whole, and growing them would take in the titles before them
GROWN_LABELS = frozenset({"ORG", "FAC", "LAW", "EVENT", "PRODUCT", "WORK_OF_ART"})
LIST_GAP = re.compile(r",?\s*(?:and|or)?\s*|,\s*")
LIST_BONUS = 0.2
WORD = re.compile(r"[\w’'-]+")
LEADING = re.compile(r"^(?:the|a|an|some|about|around|nearly|almost|more than|over|in|on|early|mid|late)\s+", re.I)


@dataclass(frozen=True)
class Candidate:
    start: int  # offsets into the document text
    end: int
    label: str
    fit: float  # how well its label fits the asked type (1.0: one of the type's own labels)
    attachment: float  # how strongly the question's words bind to it

    @property
    def score(self) -> float:
        return self.fit + self.attachment


class Extractor(Protocol):
    def candidates(self, question: Question, text: str, start: int, parse: SentenceParse | None) -> list[Candidate]:
        """Candidate answers to `question` in the sentence text[start:...] whose parse is `parse`, best first."""
        ...


US = re.compile(r"\b(?:U\.S\.A?\.?|USA|US)(?=[\s,?.!;:’'-]|$)")


def in_question(value: str, question: str) -> bool:
    """A value the question already states is not its answer ("in May 2022" asked about);
    "U.S." and "the United States" are one name."""
    core = LEADING.sub("", US.sub("United States", value.strip())).strip(" \"“”'‘’.,;:!?")
    core = re.sub(r"[’']s$", "", core)  # "the Declaration’s" states "the Declaration"
    return bool(core) and core.casefold() in US.sub("United States", question).casefold()


class EntityExtractor:
    """Entities from the ingest-time parse, ranked by label fit and attachment to the question."""

    def __init__(self, idf: dict[str, float], lexicon: Lexicon) -> None:
        self.idf = idf
        self.lexicon = lexicon
        # per sentence (by its parse, which the reader keeps for the index's life)
        self._views: dict[int, SentenceView] = {}
        self._spans: dict[tuple[int, str, bool], list[tuple[int, int, str]]] = {}

    def candidates(self, question: Question, text: str, start: int, parse: SentenceParse | None) -> list[Candidate]:
        if parse is None or not question.spanned:
            return []
        sentence = text[start : start + (parse.tokens[-1].end if parse.tokens else 0)]
        whose = question.text.lower().startswith("whose")
        key = (id(parse), question.answer_type, whose)
        if key not in self._spans:
            self._spans[key] = [(s, e, label) for s, e, label in self.spans(parse, sentence, question.answer_type, whose) if not is_pronoun(parse, s, e)]
        spans = [fitted(parse, sentence, s, e, label, question) for s, e, label in self._spans[key]]
        spans = [(s, e, label) for s, e, label in spans if not in_question(sentence[s:e], question.text)]
        if question.answer_type == "other" and question.wants_list:  # "What are the pillars?" wants items, not a count
            spans = [span for span in spans if span[2] not in NUMBER_LABELS]
        priors = {span: label_prior(span[2], question) for span in spans}
        spans = [span for span in spans if priors[span] > 0]
        if not spans:
            return []
        view = self._views.get(id(parse))
        if view is None:
            view = self._views[id(parse)] = SentenceView.of(parse, sentence)
        scorer = Attachment(parse, view, question, self.idf)
        scored = [Candidate(start + s, start + e, label, priors[(s, e, label)], scorer.score(s, e)) for s, e, label in spans]
        if question.wants_list:
            scored = join_lists(scored, text)
            if question.answer_type == "other":  # an open list question: a list, or the sentence
                scored = [c for c in scored if c.label == "LIST"]
        return sorted(scored, key=lambda c: (-c.score, c.start))

    def spans(self, parse: SentenceParse, sentence: str, answer_type: str, whose: bool) -> list[tuple[int, int, str]]:
        """Every span that might answer: entities (with the corpus' majority label, names grown
        over their proper nouns, places inside organisations' names), bare numerals, quoted
        phrases and, for open questions, noun chunks."""
        spans: set[tuple[int, int, str]] = set()
        for s, e, label in parse.entities:
            label = self.lexicon.majority_label(sentence[s:e], label)
            if label in GROWN_LABELS:
                s, e = grow_name(parse, s, e)
            if label in NAME_LABELS:
                s = after_determiner(parse, s, e)
                s, e = possessed_part(parse, sentence, s, e, whose=whose)
                spans |= {
                    (a, b, "GPE") for a, b in proper_runs(parse, s, e)
                    if (a, b) != (s, e) and self.lexicon.majority_label(sentence[a:b], "") in {"GPE", "LOC"}
                }
            spans.add((s, e, label))
        if answer_type == "number":
            spans |= bare_numbers(parse)
            spans = {(*widen(parse, s, e), label) if label in NUMBER_LABELS else (s, e, label) for s, e, label in spans}
        spans |= {(s, e, "QUOTE") for s, e in quoted(sentence)}
        if answer_type == "other":
            spans |= {(s, e, "CHUNK") for s, e in parse.chunks}
        return sorted(spans)


def fitted(parse: SentenceParse, sentence: str, start: int, end: int, label: str, question: Question) -> tuple[int, int, str]:
    """A candidate without the words before it that the question states ("UN High Commissioner
    for Refugees Filippo Grandi" asked as "Which UN High Commissioner for Refugees ...?"), and
    with the noun naming the asked kind when that noun governs it ("Social Safety Net project"
    for "which project")."""
    tokens = [t for t in parse.tokens if start <= t.start and t.end <= end]
    asked = " " + " ".join(WORD.findall(question.text.casefold())) + " "
    cut = 0
    for n in range(len(tokens) - 1, 1, -1):  # the longest stated prefix of two words or more, leaving a name
        words = " ".join(WORD.findall(sentence[tokens[0].start : tokens[n - 1].end].casefold()))
        if f" {words} " in asked and tokens[n].pos == "PROPN":
            cut = n
            break
    if cut:
        start = tokens[cut].start
    following = next((t for t in parse.tokens if t.start > end), None)
    if following is not None and question.head and following.pos == "NOUN" and sentence[end : following.start].strip() == "":
        if (word_terms(sentence[following.start : following.end]) or ("",))[0] == question.head:
            end = following.end
    return start, end, label


def label_prior(label: str, question: Question) -> float:
    """How well a span's label fits the asked type: its own labels fully, other names a little
    (the small NER model mislabels), quoted phrases for names and open questions."""
    if label in question.labels:
        return 1.0
    if label == "QUOTE":
        return 0.6 if question.answer_type in {"organisation", "other"} else 0.0
    if label == "CHUNK":
        return 0.2
    if label in NAME_LABELS and question.answer_type in NAME_TYPES:
        return 0.3
    return 0.0


def bare_numbers(parse: SentenceParse) -> set[tuple[int, int, str]]:
    covered = [(s, e) for s, e, _ in parse.entities]
    return {(t.start, t.end, "CARDINAL") for t in parse.tokens if t.pos == "NUM" and not any(s <= t.start < e for s, e in covered)}


def grow_name(parse: SentenceParse, start: int, end: int) -> tuple[int, int]:
    """A name cut short by the tagger grows over adjacent proper nouns joined by of/for/de:
    "American Progress" inside "Center for American Progress"."""
    tokens = parse.tokens
    inside = [i for i, t in enumerate(tokens) if start <= t.start and t.end <= end]
    if not inside:
        return start, end
    first, last = inside[0], inside[-1]
    while first > 0 and tokens[first - 1].pos == "PROPN":
        first -= 1
    while first > 1 and tokens[first - 1].lemma in CONNECTORS and tokens[first - 2].pos == "PROPN":
        first -= 2
        while first > 0 and tokens[first - 1].pos == "PROPN":
            first -= 1
    while last + 1 < len(tokens) and tokens[last + 1].pos == "PROPN":
        last += 1
    while last + 2 < len(tokens) and tokens[last + 1].lemma in CONNECTORS and tokens[last + 2].pos == "PROPN":
        last += 2
        while last + 1 < len(tokens) and tokens[last + 1].pos == "PROPN":
            last += 1
    return min(start, tokens[first].start), max(end, tokens[last].end)


def after_determiner(parse: SentenceParse, start: int, end: int) -> int:
    """A name without its article: "Center for American Progress", not "The Center ..."."""
    first = next((t for t in parse.tokens if start <= t.start < end), None)
    if first is not None and first.pos == "DET" and first.end < end:
        return next(t.start for t in parse.tokens if t.start > first.start)
    return start


def possessed_part(parse: SentenceParse, sentence: str, start: int, end: int, *, whose: bool) -> tuple[int, int]:
    """"Ecuador's Social Safety Net" answers "which project" with what is possessed, and
    "whose declaration" with the possessor."""
    for token in parse.tokens:
        if start < token.start and token.end < end and token.dep == "case" and sentence[token.start : token.end] in {"'s", "’s"}:
            return (start, token.start) if whose else (token.end + 1, end)
    return start, end


def proper_runs(parse: SentenceParse, start: int, end: int) -> list[tuple[int, int]]:
    runs: list[list[int]] = []
    for token in parse.tokens:
        if start <= token.start and token.end <= end and token.pos == "PROPN":
            if runs and runs[-1][1] >= token.start - 1:
                runs[-1][1] = token.end
            else:
                runs.append([token.start, token.end])
    return [(a, b) for a, b in runs]


QUOTED = re.compile(r"“([^”]{3,60})”|\"([^\"]{3,60})\"|‘([^’]{3,60})’")


def quoted(sentence: str) -> list[tuple[int, int]]:
    """Short quoted phrases: names and nicknames are often quoted ("mirror patrols")."""
    return [(m.start(g), m.end(g)) for m in QUOTED.finditer(sentence) for g in (1, 2, 3) if m.group(g) and len(m.group(g).split()) <= 6]


def join_lists(candidates: list[Candidate], text: str) -> list[Candidate]:
    """A list question wants the list: candidates of one kind joined by commas and "and"/"or"
    ("Mexico and Costa Rica") become one candidate, scored above its items."""
    ordered = sorted(candidates, key=lambda c: c.start)
    joined: list[Candidate] = []
    run = ordered[:1]
    for candidate in ordered[1:]:
        gap = text[run[-1].end : candidate.start]
        if candidate.label == run[0].label and LIST_GAP.fullmatch(gap):
            run.append(candidate)
            continue
        joined += merge(run)
        run = [candidate]
    return joined + merge(run)


def merge(run: list[Candidate]) -> list[Candidate]:
    if len(run) < 2:
        return run
    best = max(run, key=lambda c: c.score)
    return run + [Candidate(run[0].start, run[-1].end, "LIST", best.fit, best.attachment + LIST_BONUS * (len(run) - 1))]


def widen(parse: SentenceParse, start: int, end: int) -> tuple[int, int]:
    """Grow a number leftwards over the words that qualify it ("more than", "nearly")."""
    tokens = parse.tokens
    taken = {i for i, t in enumerate(tokens) if start <= t.start and t.end <= end}
    if not taken:
        return start, end
    first = min(taken)
    while first > 0 and tokens[first - 1].dep in QUALIFIER_DEPS and tokens[first - 1].head in taken:
        first -= 1
        taken.add(first)
    return min(start, tokens[first].start), end


def is_pronoun(parse: SentenceParse, start: int, end: int) -> bool:
    inside = [t for t in parse.tokens if start <= t.start and t.end <= end]
    return bool(inside) and all(t.pos in {"PRON", "DET"} for t in inside)
