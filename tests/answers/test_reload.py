"""A new build read with the models already loaded (fake encoder index)."""

from ingest.build import ingest
from tests.conftest import small_corpus
from tests.fakes import FakeEncoder


def test_reload_reads_the_new_build_with_the_same_models(tmp_path):
    from answers import Answerer

    index = tmp_path / "index"
    source = small_corpus(tmp_path / "src")
    ingest([source], index, model="fake-hashing", encoder_factory=FakeEncoder)
    qa = Answerer.load(index, encoder=FakeEncoder())
    assert qa.build_id == (index / "current").resolve().name
    (source / "added.md").write_text("# Added\n\nA new paragraph about the Darien Gap.\n")
    ingest([source], index, model="fake-hashing", encoder_factory=FakeEncoder)
    reloaded = qa.reload(index)
    assert reloaded.build_id == (index / "current").resolve().name != qa.build_id
    assert "added" in reloaded.documents and "added" not in qa.documents
    assert reloaded.answerability is qa.answerability and reloaded.calibration is qa.calibration
    assert reloaded.retriever.encoder is qa.retriever.encoder
    assert reloaded.ask("Darien Gap paragraph").timings_ms  # answers, with the encoder it was handed
