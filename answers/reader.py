"""Reading a ranking: the sentence that answers, and the span inside it.

The pool is the best sentences of the top passages (from the rerank). A
sentence's merit is how well it matches the question (coverage, term order),
its passage's rank score, whether it holds a candidate of the asked type, and
how tightly the question's words bind to its best candidate (answers/extract.py).
The span is that candidate; questions answered by a sentence (why, how) get the
sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from answers.extract import Candidate, EntityExtractor, Extractor
from answers.lexicon import Lexicon
from answers.question import Question, analyze
from answers.translingual import analyze_translingual, cognates
from answers.records import Answer
from ingest.parse import SentenceParse
from ingest.records import Document, Passage
from retrieval.language import ENGLISH
from retrieval.records import Ranking
from retrieval.sentences import ScoredSentence

__all__ = ["Reader", "Choice", "ReaderConfig"]


@dataclass(frozen=True)
class ReaderConfig:
    """Weights of a sentence's merit; chosen on the tuning questions (README)."""

    passages: int = 5  # the top passages whose best sentences compete
    weights: dict[str, float] = field(default_factory=lambda: {"order": 0.3, "passage": 0.3, "typed": 0.25, "binding": 0.5})


@dataclass(frozen=True)
class Choice:
    sentence: ScoredSentence
    doc_id: str
    candidate: Candidate | None  # the best candidate answer in the sentence
    typed: bool  # it holds a candidate whose label fits the asked type
    merit: float


class Reader:
    """Built once per index: the ingest-time parses by sentence and what the corpus says of names."""

    def __init__(
        self, documents: dict[str, Document], passages: list[Passage], parse_records: list[dict], idf: dict[str, float],
        *, extractor: Extractor | None = None, config: ReaderConfig | None = None,
    ) -> None:
        self.documents = documents
        self.passages = passages
        self.parses = {(r["doc_id"], r["start"], r["end"]): SentenceParse.from_record(r) for r in parse_records}
        self.lexicon = Lexicon([(documents[d].text[s:e], parse) for (d, s, e), parse in self.parses.items() if d in documents])
        self.extractor = extractor or EntityExtractor(idf, self.lexicon)
        self.config = config or ReaderConfig()

    def question(self, text: str, lang: str = ENGLISH) -> Question:
        """The question analysed, with the kind the corpus gives its focus noun when the
        short table does not know it ("which think tank" -> an organisation). Questions in
        other languages are read by their own question words (answers/translingual.py)."""
        q = analyze(text) if lang == ENGLISH else analyze_translingual(text, lang)
        if q.answer_type == "other" and q.head_lemma:
            # a noun of another language is looked up by its English cognates ("economista")
            forms = [q.head_lemma] if lang == ENGLISH else cognates(q.head_lemma)
            kind = next(filter(None, map(self.lexicon.kind_of, forms)), None)
            if kind:
                return q.of_kind(kind)
        return q

    def candidates(self, q: Question, doc_id: str, start: int, end: int) -> list[Candidate]:
        parse = self.parses.get((doc_id, start, end))
        return self.extractor.candidates(q, self.documents[doc_id].text, start, parse)

    def choose(self, q: Question, ranking: Ranking, *, skip: frozenset[int] = frozenset()) -> Choice | None:
        """The best sentence among the best sentences of the top passages (not those in `skip`)."""
        head = [r for r in ranking.ranked[: self.config.passages] if r.sentences and r.index not in skip]
        if not head:
            return None
        top = max(r.score for r in head) or 1.0
        w = self.config.weights
        choices = []
        for ranked in head:
            for sentence in ranked.sentences:
                choice = self.read(q, sentence)
                merit = sentence.score(w["order"]) + w["passage"] * ranked.score / top + w["typed"] * choice.typed
                merit += w["binding"] * (choice.candidate.attachment if choice.candidate else 0.0)
                choices.append(Choice(sentence, choice.doc_id, choice.candidate, choice.typed, merit))
        return max(choices, key=lambda c: (c.merit, -c.sentence.start))

    def read(self, q: Question, sentence: ScoredSentence) -> Choice:
        """One sentence read for the question: its best candidate, whether any fits the type."""
        doc_id = self.passages[sentence.passage_index].doc_id
        found = self.candidates(q, doc_id, sentence.start, sentence.end)
        best = found[0] if found else None
        return Choice(sentence, doc_id, best, any(c.fit >= 1.0 for c in found), 0.0)

    def answer(self, choice: Choice) -> Answer:
        passage = self.passages[choice.sentence.passage_index]
        text = self.documents[passage.doc_id].text
        s = choice.sentence
        start, end = (choice.candidate.start, choice.candidate.end) if choice.candidate else (s.start, s.end)
        return Answer(
            text=text[start:end], start=start, end=end,
            sentence=text[s.start : s.end], sentence_start=s.start, sentence_end=s.end,
            passage_id=passage.passage_id, doc_id=passage.doc_id, score=round(choice.merit, 4),
        )
