"""Fused resolution: a probe template finds an alias and its score is fused and explained."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select

from amparo.errors import LinkageError
from amparo.identity.biometrics import load_key, store_template
from amparo.identity.blocking import index_person
from amparo.identity.resolution import record, resolve
from amparo.identity.synth import CAPTURE_NOISE_MEDIAN, TEMPLATE_DIM
from amparo.identity.tables import IdentityLink
from amparo.store.db import make_engine, session_factory, transaction
from amparo.store.models import Person
from amparo.store.testing import fresh_sqlite

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
RNG = np.random.default_rng(42)


def _unit(v: np.ndarray) -> np.ndarray:
    return np.asarray(v / np.linalg.norm(v), dtype=np.float32)


def _capture(latent: np.ndarray) -> np.ndarray:
    return _unit(latent + CAPTURE_NOISE_MEDIAN * RNG.standard_normal(TEMPLATE_DIM) / np.sqrt(TEMPLATE_DIM))


@pytest.fixture
def world(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    url = fresh_sqlite(tmp_path / "db", tmp_path_factory.getbasetemp() / "resolution-template")
    factory = session_factory(make_engine(url))
    key = load_key(tmp_path / "data")
    faces = {pid: _unit(RNG.standard_normal(TEMPLATE_DIM)) for pid in ("P-1", "P-2", "P-3")}
    people = {
        "P-1": ("José Armando", "Hernández López", dt.date(1991, 4, 2)),
        "P-2": ("María Elena", "Pérez Cruz", dt.date(1985, 7, 19)),
        "P-3": ("Juan Carlos", "Ramos Díaz", dt.date(1979, 1, 1)),
    }
    with transaction(factory) as session:
        for pid, (given, surnames, birth) in people.items():
            person = Person(
                id=pid, given_names=given, surnames=surnames, birth_date=birth, nationalities=["HN"]
            )
            session.add(person)
            session.flush()
            index_person(session, person)
            store_template(session, key, template_id=f"T-{pid}", person_id=pid, vector=_capture(faces[pid]))
    return {"factory": factory, "key": key, "faces": faces}


def _doc(eid: str, given: str, surnames: str, birth: str) -> dict[str, Any]:
    return {
        "id": eid,
        "person": {"given_names": given, "surnames": surnames, "birth_date": birth, "nationalities": ["HN"]},
    }


def test_an_alias_is_found_by_the_face(world: dict[str, Any]) -> None:
    probe = _capture(world["faces"]["P-2"])
    alias = _doc("E-1", "Wendy Xiomara", "Zelaya Funes", "1985-07-19")  # other name, same birth date
    with transaction(world["factory"]) as session:
        without = resolve(session, alias)
    assert without.person_id is None
    with transaction(world["factory"]) as session:
        result = resolve(session, {**alias, "id": "E-2"}, probe=probe, key=world["key"])
        assert result.person_id is not None
        record(session, result, result.person_id)
    assert result.person_id == "P-2" and result.outcome == "link"
    assert result.biometric_score is not None and result.biometric_score > 0.5
    assert result.explanation["biometric_weight"] > 0 > result.explanation["biographic_weight"]
    with world["factory"]() as session:
        link = session.scalars(select(IdentityLink).where(IdentityLink.encounter_id == "E-2")).one()
    assert link.biometric_score == pytest.approx(result.biometric_score)


def test_a_different_face_lowers_a_biographic_match(world: dict[str, Any]) -> None:
    same_name = _doc("E-3", "Jose", "Hernandez Lopez", "1991-04-02")
    with transaction(world["factory"]) as session:
        bio_only = resolve(session, same_name)
        other_face = resolve(
            session, {**same_name, "id": "E-4"}, probe=_capture(world["faces"]["P-3"]), key=world["key"]
        )
        own_face = resolve(
            session, {**same_name, "id": "E-5"}, probe=_capture(world["faces"]["P-1"]), key=world["key"]
        )
    assert bio_only.explanation["best_candidate"] == "P-1"
    assert own_face.person_id == "P-1"
    assert own_face.probability is not None and bio_only.probability is not None
    assert own_face.probability >= bio_only.probability
    p1 = other_face.probability if other_face.explanation.get("best_candidate") == "P-1" else 0.0
    assert p1 is not None and p1 < bio_only.probability


def test_a_probe_without_the_key_is_refused(world: dict[str, Any]) -> None:
    with transaction(world["factory"]) as session, pytest.raises(LinkageError):
        resolve(session, _doc("E-6", "Ana", "Paz", "1990-01-01"), probe=_capture(world["faces"]["P-1"]))
