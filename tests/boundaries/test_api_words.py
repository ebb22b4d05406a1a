"""The API's answers to broken requests are plain words naming the field, never pydantic's."""

from __future__ import annotations

import datetime as dt
import json
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from amparo.access.clock import fixed_day
from amparo.access.users import create_user
from amparo.api.app import create_app
from amparo.settings import Settings
from amparo.store.db import make_engine, session_factory, transaction
from amparo.store.testing import fresh_sqlite

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from .conftest import EXAMPLE

PYDANTIC_WORDS = ("Input should be", "Field required", "input is too short", "Extra inputs are not permitted")


@pytest.fixture
def client(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, dict[str, str]]]:
    url = fresh_sqlite(tmp_path / "db", tmp_path_factory.getbasetemp() / "template")
    engine = make_engine(url)
    with transaction(session_factory(engine)) as session:
        _user, token = create_user(session, name="officer", role="officer", agency="US-CBP")
    engine.dispose()
    app = create_app(Settings(data_dir=tmp_path, database_url=url), clock=fixed_day(dt.date(2025, 7, 1)))
    with TestClient(app) as http:
        yield http, {"Authorization": f"Bearer {token}"}


def _plain(body: dict[str, object]) -> str:
    text = json.dumps(body)
    for words in PYDANTIC_WORDS:
        assert words not in text, text
    return text


def test_a_date_parameter_that_is_not_a_date(client: tuple[TestClient, dict[str, str]]) -> None:
    http, auth = client
    answer = http.get("/api/v1/encounters", params={"encountered_from": "yesterday"}, headers=auth)
    assert answer.status_code == 422
    text = _plain(answer.json())
    assert "query:encountered_from" in text and "YYYY-MM-DD" in text and "yesterday" in text


def test_a_body_that_is_not_an_object(client: tuple[TestClient, dict[str, str]]) -> None:
    http, auth = client
    answer = http.put(
        "/api/v1/encounters/E-1", content=b"[1, 2]", headers={**auth, "Content-Type": "application/json"}
    )
    assert answer.status_code == 422, answer.text
    _plain(answer.json())


def test_an_encounter_past_the_pack_carries_the_flag(client: tuple[TestClient, dict[str, str]]) -> None:
    http, auth = client
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    document.update(id="EX-2030", encountered_on="2030-02-03")
    answer = http.put(f"/api/v1/encounters/{document['id']}", json=document, headers=auth)
    assert answer.status_code == 201, answer.text
    flags = [f["id"] for f in answer.json()["decision"]["flags"]]
    assert "law_pack_not_current" in flags


def test_a_database_not_upgraded_is_503_without_its_address(tmp_path: Path) -> None:
    url = f"sqlite:///{(tmp_path / 'never-upgraded.db').as_posix()}"
    app = create_app(Settings(data_dir=tmp_path, database_url=url))
    with TestClient(app) as http:
        answer = http.get("/api/v1/cases", headers={"Authorization": "Bearer not-a-token"})
    assert answer.status_code == 503, answer.text
    assert "amparo db upgrade" in answer.json()["detail"]
    assert "never-upgraded.db" not in answer.text
