"""End to end: PUT two encounters of the same person through the API; intake links them."""

from __future__ import annotations

import copy
import warnings
from pathlib import Path
from typing import Any

import pytest
from aca_example import ACA_ENCOUNTER
from sqlalchemy import Engine, event, select

from amparo.access.users import create_user
from amparo.api.app import create_app
from amparo.identity.resolution import KnownPersons
from amparo.identity.tables import IdentityKey, IdentityLink
from amparo.settings import Settings
from amparo.store.db import make_engine, session_factory, transaction

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette warns once at import about its preferred client
    from starlette.testclient import TestClient

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ENCOUNTER: dict[str, Any] = {
    **ACA_ENCOUNTER,
    "id": "ID-1",
    "person": {**ACA_ENCOUNTER["person"], "surnames": "Hernández López"},
}


def _doc(encounter_id: str, **person: Any) -> dict[str, Any]:
    doc = copy.deepcopy(ENCOUNTER)
    doc["id"] = encounter_id
    doc["person"].update(person)
    return doc


def test_intake_links_a_returning_person_and_not_a_stranger(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As in a store of national size: the known persons are counted once, then kept by intake.
    monkeypatch.setattr(KnownPersons, "recount_below", 0)
    url = database_url
    engine = make_engine(url)
    with transaction(session_factory(engine)) as session:
        token = create_user(session, name="officer", role="officer", agency="US-CBP")[1]
    engine.dispose()
    headers = {"Authorization": f"Bearer {token}"}
    app = create_app(Settings(data_dir=tmp_path, database_url=url))
    with TestClient(app) as client:
        docs = [
            _doc("ID-1"),
            _doc(
                "ID-2", given_names="Chepe", surnames="HERNANDEZ", birth_date="1991-02-04"
            ),  # nickname, dropped surname, day/month
            _doc(
                "ID-3", given_names="Wendy Xiomara", surnames="Zelaya Funes", birth_date="2001-09-30", sex="F"
            ),
        ]
        statements: list[str] = []

        def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            statements.append(statement.lower())

        event.listen(Engine, "before_cursor_execute", seen)
        try:
            for doc in docs:
                response = client.put(f"/api/v1/encounters/{doc['id']}", json=doc, headers=headers)
                assert response.status_code == 201, response.text
        finally:
            event.remove(Engine, "before_cursor_execute", seen)
        people = {
            d["id"]: client.get(f"/api/v1/encounters/{d['id']}", headers=headers).json()["person_id"]
            for d in docs
        }
    assert people["ID-2"] == people["ID-1"]
    assert people["ID-3"] != people["ID-1"]
    # The identity rows go in with the intake's own rows: the known persons are counted once
    # for the three intakes, no catch-up anti-join, no identity_indexed write.
    assert not [s for s in statements if "identity_indexed" in s or "not in" in s]
    assert sum("count(" in s for s in statements) == 1
    reader = make_engine(url)
    with session_factory(reader)() as session:
        outcomes = dict(
            session.execute(select(IdentityLink.encounter_id, IdentityLink.outcome)).tuples().all()
        )
        keys = set(session.scalars(select(IdentityKey.key).where(IdentityKey.person_id == people["ID-3"])))
    reader.dispose()
    assert outcomes == {"ID-1": "distinct", "ID-2": "link", "ID-3": "distinct"}
    assert "gs:WENDY|ZELAYA" in keys
