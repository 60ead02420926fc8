"""Schema fuzzing: schemathesis generates requests from the app's own OpenAPI
schema for every operation; no response may be a 5xx or break the schema."""

import json

import pytest
import schemathesis
from hypothesis import settings

from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.main import create_app
from citeqa.settings import Settings
from tests.conftest import ROOT

CASES: dict[str, int] = {}
# The schema is read when the module loads; the index is handed in by the fixture below.
APP = create_app(Settings(index_dir=ROOT / ".citeqa" / "no-index-for-fuzzing", reload_interval=0))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def serve_the_fake_index(fake_qa):
    APP.state.qa = fake_qa
    yield
    out = ROOT / "test-artifacts"
    out.mkdir(exist_ok=True)
    (out / "fuzz-cases.json").write_text(json.dumps({"total": sum(CASES.values()), "per_operation": CASES}, indent=1))


@schema.parametrize()
@settings(max_examples=60, deadline=None)
def test_no_server_errors_and_responses_match_the_schema(case):
    key = f"{case.method} {case.path}"
    CASES[key] = CASES.get(key, 0) + 1
    response = case.call()
    assert response.status_code < 500, response.text
    # All checks but one: a question of control characters only is schema-valid
    # (JSON Schema cannot say "some printable text") and is rightly refused with a 422.
    case.validate_response(response, excluded_checks=[positive_data_acceptance])
