"""The question-answering API shared by the HTTP service, the command line and the eval.

    qa = Answerer.load(index_dir)
    result = qa.ask("How many Haitians arrived in Del Rio?", k=5)

The ranking (retrieval/) gives passages and their best sentences; the reader
(answers/reader.py) picks the sentence and span; abstention decides whether the
sources answer at all; sources that state another value are shown beside it.
"""

from __future__ import annotations

import time
from pathlib import Path

from answers.abstain import TRANSLINGUAL, Calibration, Signals, abstain_features, abstain_probability, states_other_year
from answers.alternatives import alternatives
from answers.answerability import AnswerabilityModel
from answers.question import Question
from answers.reader import Choice, Reader
from answers.records import Result
from ingest.embed import Encoder
from ingest.records import Document, Passage
from retrieval import Filters, Hit, Retriever
from retrieval.first_stage import ms_since
from retrieval.quotes import QuoteMatch
from retrieval.records import Highlight, Ranking
from retrieval.retriever import RetrievalConfig, validate_k, validate_question

__all__ = ["Answerer"]


class Answerer:
    """Loaded once, then safe to share between threads: questions only fill caches."""

    def __init__(
        self, retriever: Retriever, reader: Reader, answerability: AnswerabilityModel, calibration: Calibration | None = None,
        translingual_calibration: Calibration | None = None,
    ) -> None:
        self.retriever = retriever
        self.reader = reader
        self.answerability = answerability
        self.calibration = calibration or Calibration.load()
        # questions ranked by the multilingual sentence vectors have their own abstention model
        self.translingual_calibration = translingual_calibration or Calibration.load(group=TRANSLINGUAL) or self.calibration

    @classmethod
    def load(
        cls, index_dir: Path, *, model: str | None = None, encoder: Encoder | None = None, config: RetrievalConfig | None = None,
        multilingual_encoder: Encoder | None = None,
    ) -> Answerer:
        retriever = Retriever.load(index_dir, model=model, encoder=encoder, config=config, multilingual_encoder=multilingual_encoder)
        reader = Reader(retriever.documents, retriever.passages, retriever.parse_records, retriever.idf)
        return cls(retriever, reader, AnswerabilityModel())

    def reload(self, index_dir: Path) -> Answerer:
        """The current build of `index_dir`, read with the models already loaded."""
        retriever = self.retriever.reload(index_dir)
        reader = Reader(retriever.documents, retriever.passages, retriever.parse_records, retriever.idf)
        return Answerer(retriever, reader, self.answerability, self.calibration, self.translingual_calibration)

    # -- the index, through the ranking layer ---------------------------------------

    @property
    def documents(self) -> dict[str, Document]:
        return self.retriever.documents

    @property
    def passages(self) -> list[Passage]:
        return self.retriever.passages

    @property
    def manifest(self) -> dict:
        return self.retriever.manifest

    @property
    def build_id(self) -> str:
        return self.retriever.build_id

    def document(self, doc_id: str) -> Document:
        return self.retriever.document(doc_id)

    def passage(self, passage_id: str) -> Passage:
        return self.retriever.passage(passage_id)

    def search(self, question: str, *, k: int = 10, filters: Filters | None = None, mode: str = "hybrid") -> list[Hit]:
        return self.retriever.search(question, k=k, filters=filters, mode=mode)

    def find_quote(self, quote: str) -> list[QuoteMatch]:
        return self.retriever.find_quote(quote)

    def warm(self) -> None:
        """Load the encoder and parser before the first question."""
        self.retriever.warm()
        q = self.reader.question("How many people warm up?")
        self.answerability.logits(q.text, ["Many people warm up."])

    # -- answers -------------------------------------------------------------------

    def ask(self, question: str, *, k: int = 5, filters: Filters | None = None) -> Result:
        validate_k(k)
        started = time.perf_counter()
        timings: dict[str, float] = {}
        q, ranking, choice = self.read(question, k=k, filters=filters, timings=timings)
        step = time.perf_counter()
        answer = self.reader.answer(choice) if choice else None
        others = alternatives(q, ranking, choice, answer, reader=self.reader, retriever=self.retriever) if answer else []
        refuse = choice is None or self.abstain_score(q, ranking, choice) > self.calibration_for(ranking).threshold
        timings["answer"] = round(timings.pop("read", 0.0) + ms_since(step), 3)
        order = [r.index for r in ranking.ranked]
        marks: dict[int, tuple[Highlight, ...]] = {}
        if answer and not refuse:
            lead = [choice.sentence.passage_index] + [i for i, _ in others]  # the cited passage, then disagreeing sources
            order = lead + [i for i in order if i not in lead]
            marks[choice.sentence.passage_index] = (Highlight(answer.start, answer.end, "answer"),)
        hits = self.retriever.hits(order, ranking, k, marks)
        timings["total"] = ms_since(started)
        if refuse:
            return Result(question=q.text, answerable=False, answer=None, passages=[], related=hits, timings_ms=timings, lang=q.lang)
        return Result(q.text, True, answer, hits, [], timings, alternatives=[a for _, a in others], lang=q.lang)

    def read(self, question: str, *, k: int = 5, filters: Filters | None = None, timings: dict | None = None) -> tuple[Question, Ranking, Choice | None]:
        """The question analysed, its ranking and the chosen sentence: what abstention sees,
        and what the answer would be without it (the eval asks what a refusal withheld)."""
        timings = timings if timings is not None else {}
        step = time.perf_counter()
        text = validate_question(question)
        q = self.reader.question(text, self.retriever.detect_language(text))
        timings["analyze"] = ms_since(step)
        ranking = self.retriever.rank(q.query, k=k, filters=filters, timings=timings)
        step = time.perf_counter()
        references = frozenset(r.index for r in ranking.ranked[: self.reader.config.passages] if self.retriever.is_reference(r.index))
        choice = self.reader.choose(q, ranking, skip=references)
        timings["read"] = ms_since(step)
        return q, ranking, choice

    def signals(self, q: Question, ranking: Ranking, choice: Choice) -> Signals:
        s = choice.sentence
        sentence = self.retriever.documents[choice.doc_id].text[s.start : s.end]
        return Signals(
            ranking.top_dense, s.coverage, choice.typed,
            frozenset(self.retriever.sentence_terms(s)), frozenset(self.retriever.passage_terms_of(s.passage_index)),
            float(self.answerability.logits(q.text, [sentence])[0]), choice.candidate.attachment if choice.candidate else 0.0,
        )

    def abstention_features(self, q: Question, ranking: Ranking, choice: Choice) -> tuple[float, ...]:
        return abstain_features(q, self.signals(q, ranking, choice), self.retriever.vocabulary, self.retriever.idf)

    def abstain_score(self, q: Question, ranking: Ranking, choice: Choice) -> float:
        """Probability that the corpus does not answer `q` (answers/abstain.py)."""
        passage = self.retriever.passages[choice.sentence.passage_index]
        text = self.retriever.documents[passage.doc_id].text
        # the year a document is dated counts as mentioned: questions date facts by their source
        dated = " ".join(self.retriever.documents[d].metadata.date for d in (passage.doc_id, *passage.also_in) if d in self.retriever.documents)
        other_year = states_other_year(q.text, text[choice.sentence.start : choice.sentence.end], f"{passage.text} {dated}")
        return abstain_probability(self.abstention_features(q, ranking, choice), self.calibration_for(ranking), other_year=other_year)

    def calibration_for(self, ranking: Ranking) -> Calibration:
        return self.translingual_calibration if ranking.translingual else self.calibration
