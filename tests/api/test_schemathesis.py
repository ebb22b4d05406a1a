"""Property-based checks of the API against its own OpenAPI document: no 5xx, responses that
match the schema, on SQLite and (when AMPARO_TEST_POSTGRES_URL is set) PostgreSQL. Bounded (few
examples per operation) so it runs in CI in about a minute a backend."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from api_support import add_users, encounter
from hypothesis import HealthCheck, settings
from hypothesis.errors import HypothesisException
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from amparo.api.app import create_app
from amparo.settings import Settings


@pytest.mark.slow
def test_api_conforms_to_its_openapi_document(database_url: str, tmp_path: Path) -> None:
    url = database_url
    tokens = add_users(url)
    app = create_app(Settings(data_dir=tmp_path, database_url=url))
    headers = {"Authorization": f"Bearer {tokens['supervisor']}"}
    from starlette.testclient import TestClient

    with TestClient(app) as client:  # a stored encounter and case for the read routes to find
        client.put("/api/v1/encounters/EX-1", json=encounter("EX-1"), headers=headers)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    checks = [not_a_server_error, response_schema_conformance, status_code_conformance]
    failures: list[str] = []

    @settings(
        max_examples=8,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def run(case: Any) -> None:
        try:
            case.call_and_validate(headers=headers, checks=checks)
        except HypothesisException:
            raise  # hypothesis's own control flow (a rejected example), not a failure
        except Exception as exc:  # collected so one run reports every operation that fails
            failures.append(f"{case.method} {case.path}: {type(exc).__name__}: {str(exc)[:600]}")

    for result in schema.get_all_operations():
        operation = result.ok()
        test = operation.as_strategy()
        from hypothesis import given

        given(test)(run)()
    assert not failures, f"{len(failures)} failing cases:\n\n" + "\n\n".join(failures[:12])
