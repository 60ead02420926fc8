"""The reader's sentence choice and answer, with a fake extractor (no model, no parse logic)."""

from answers.reader import Reader
from answers.records import Answer
from tests.fakes import FakeExtractor


def test_the_reader_prefers_a_sentence_that_holds_a_candidate_and_answers_with_it(fake_retriever):
    reader = Reader(fake_retriever.documents, fake_retriever.passages, fake_retriever.parse_records, fake_retriever.idf, extractor=FakeExtractor())
    q = reader.question("How many Haitians arrived in Del Rio?")
    choice = reader.choose(q, fake_retriever.rank(q.query, k=5))
    assert choice is not None and choice.typed and choice.candidate is not None
    answer = reader.answer(choice)
    assert isinstance(answer, Answer) and answer.text[0].isdigit()
    text = fake_retriever.document(answer.doc_id).text
    assert text[answer.start : answer.end] == answer.text and answer.sentence_start <= answer.start < answer.end <= answer.sentence_end


def test_questions_answered_by_a_sentence_get_the_sentence(fake_retriever):
    reader = Reader(fake_retriever.documents, fake_retriever.passages, fake_retriever.parse_records, fake_retriever.idf)
    q = reader.question("Why did Mexico step up its enforcement campaign?")
    choice = reader.choose(q, fake_retriever.rank(q.query, k=5))
    answer = reader.answer(choice)
    assert choice.candidate is None and answer.text == answer.sentence
