"""Intake with a biometric reference (encounter v1 ``/extensions/biometric``): the template is
enrolled encrypted, searched 1:N at intake and fused, so an alias with the same face joins."""

from __future__ import annotations

import copy
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select

from amparo.access.users import create_user
from amparo.api.app import create_app
from amparo.identity.synth import TEMPLATE_DIM
from amparo.identity.tables import IdentityLink, IdentityTemplate
from amparo.settings import Settings
from amparo.store.db import make_engine, session_factory, transaction

from .test_intake_api import ENCOUNTER

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
RNG = np.random.default_rng(11)


def _capture(face: np.ndarray) -> list[float]:
    v = face + 0.6 * RNG.standard_normal(TEMPLATE_DIM) / np.sqrt(TEMPLATE_DIM)
    return [float(x) for x in v / np.linalg.norm(v)]


def _doc(encounter_id: str, template_id: str | None, **person: Any) -> dict[str, Any]:
    doc = copy.deepcopy(ENCOUNTER)
    doc["id"] = encounter_id
    doc["person"].update(person)
    if template_id is not None:
        doc["extensions"] = {"biometric": {"template_id": template_id, "modality": "face"}}
    return doc


def test_an_alias_with_the_same_face_joins_the_known_person(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:

    monkeypatch.setenv("AMPARO_DATA_DIR", str(tmp_path))  # the key intake reads is the app's
    url = database_url
    engine = make_engine(url)
    factory = session_factory(engine)
    with transaction(factory) as session:
        token = create_user(session, name="officer", role="officer", agency="US-CBP")[1]
        partner = create_user(session, name="partner", role="partner", agency="GT-IGM")[1]
    headers = {"Authorization": f"Bearer {token}"}
    face, other = (RNG.standard_normal(TEMPLATE_DIM) for _ in range(2))
    app = create_app(Settings(data_dir=tmp_path, database_url=url))
    with TestClient(app) as client:

        def enrol(vector: list[float]) -> str:
            answer = client.post("/api/v1/identity/templates", json={"vector": vector}, headers=headers)
            assert answer.status_code == 201, answer.text
            return str(answer.json()["template_id"])

        first = _doc("B-1", enrol(_capture(face)))
        alias = _doc("B-2", enrol(_capture(face)), given_names="Wendy Xiomara", surnames="Zelaya Funes")
        namesake = _doc("B-3", enrol(_capture(other)))  # B-1's name and birth date, another face
        for doc in (first, alias, namesake):
            answer = client.put(f"/api/v1/encounters/{doc['id']}", json=doc, headers=headers)
            assert answer.status_code == 201, answer.text
        people = {
            d["id"]: client.get(f"/api/v1/encounters/{d['id']}", headers=headers).json()["person_id"]
            for d in (first, alias, namesake)
        }
        unknown = client.put("/api/v1/encounters/B-4", json=_doc("B-4", "T-nope"), headers=headers)
        refused = client.post(
            "/api/v1/identity/templates",
            json={"vector": _capture(face)},
            headers={"Authorization": f"Bearer {partner}"},
        )
    assert people["B-2"] == people["B-1"]  # another name, the same face: the same person
    assert people["B-3"] != people["B-1"]  # the same name and birth date, another face: not joined
    assert unknown.status_code == 422 and "/extensions/biometric/template_id" in unknown.text
    assert refused.status_code == 404
    with factory() as session:
        link = session.scalars(select(IdentityLink).where(IdentityLink.encounter_id == "B-2")).one()
        namesake_link = session.scalars(select(IdentityLink).where(IdentityLink.encounter_id == "B-3")).one()
        attached = set(session.scalars(select(IdentityTemplate.person_id)))
    assert link.outcome == "link" and link.biometric_score is not None and link.biometric_score > 0.5
    assert link.explanation["biometric_weight"] > 0
    assert namesake_link.explanation["biographic_weight"] > 0 > namesake_link.explanation["biometric_weight"]
    assert attached == {"E:B-1", "E:B-2", "E:B-3"}
    engine.dispose()
