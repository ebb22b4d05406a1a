"""Templates encrypted at rest; FAISS exact and approximate 1:N; FPIR thresholds; fusion."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from amparo.errors import LinkageError
from amparo.identity import synth
from amparo.identity.biometrics import (
    Gallery,
    decrypt_template,
    fnir_at_threshold,
    load_key,
    load_templates,
    store_template,
    threshold_at_fpir,
    validation_probes,
)
from amparo.identity.fusion import ScoreModel, fuse
from amparo.identity.tables import IdentityTemplate
from amparo.store.db import make_engine, session_factory, transaction
from amparo.store.testing import fresh_sqlite


def test_stored_bytes_do_not_contain_the_vector(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    url = fresh_sqlite(tmp_path / "db", tmp_path_factory.getbasetemp() / "bio-template")
    factory = session_factory(make_engine(url))
    key = load_key(tmp_path / "data")
    assert load_key(tmp_path / "data") == key
    assert (tmp_path / "data" / "identity-template.key").stat().st_mode & 0o077 == 0
    vector = np.random.default_rng(1).standard_normal(128).astype(np.float32)
    with transaction(factory) as session:
        store_template(session, key, template_id="T-1", person_id="P-1", vector=vector)
    raw = (tmp_path / "db" / "amparo.db").read_bytes()
    for wal in (tmp_path / "db").glob("amparo.db-wal"):
        raw += wal.read_bytes()
    assert vector.tobytes() not in raw
    assert vector[:4].tobytes() not in raw
    with factory() as session:
        ids, vectors = load_templates(session, key)
        row = session.get(IdentityTemplate, "T-1")
        assert row is not None
        with pytest.raises(LinkageError):
            decrypt_template(key, "T-other", row.nonce, row.ciphertext)  # bound to its id
    assert ids == ["P-1"]
    np.testing.assert_array_equal(vectors[0], vector)


@pytest.fixture(scope="module")
def gallery_data() -> dict[str, Any]:
    population = synth.generate(3000, 21)
    person = [e["person_id"] for e in population.encounters]
    first: dict[str, int] = {}
    for i, pid in enumerate(person):
        first.setdefault(pid, i)
    gallery_rows = sorted(first.values())
    probes = [i for i in range(len(person)) if first[person[i]] != i]
    enrolled = {person[i] for i in gallery_rows}
    return {
        "gallery_ids": [person[i] for i in gallery_rows],
        "gallery": population.templates[gallery_rows],
        "mated": population.templates[probes],
        "mated_ids": [person[i] for i in probes],
        "nonmated": synth.generate(800, 99).templates,  # other seed: other people
        "enrolled": enrolled,
    }


def test_exact_search_finds_the_mates_and_fnir_at_fpir(gallery_data: dict[str, Any]) -> None:
    gallery = Gallery(gallery_data["gallery_ids"], gallery_data["gallery"])
    mated = gallery.search(gallery_data["mated"], 1)
    nonmated = gallery.search(gallery_data["nonmated"], 1)
    threshold = threshold_at_fpir(nonmated.scores[:, 0], 0.01)
    assert float(np.mean(nonmated.scores[:, 0] > threshold)) <= 0.01
    fnir = fnir_at_threshold(
        [r[0] for r in mated.ids], gallery_data["mated_ids"], mated.scores[:, 0], threshold
    )
    rank1 = np.mean([r[0] == t for r, t in zip(mated.ids, gallery_data["mated_ids"], strict=True)])
    assert 0.0 <= fnir <= 1.0 - rank1 + 1e-9
    assert fnir < 0.2  # genuine scores sit well above impostors in the documented model


def test_approximate_index_is_used_only_with_measured_recall(gallery_data: dict[str, Any]) -> None:
    gallery = Gallery(gallery_data["gallery_ids"], gallery_data["gallery"], approximate=True)
    recall = gallery.measure_and_choose(gallery_data["mated"])
    exact = Gallery(gallery_data["gallery_ids"], gallery_data["gallery"]).search(gallery_data["mated"], 1)
    approx = gallery.candidate.search(gallery_data["mated"].astype(np.float32), 1)[1]
    measured = float(np.mean([gallery.ids[i] == e[0] for i, e in zip(approx[:, 0], exact.ids, strict=True)]))
    assert recall == pytest.approx(measured)
    assert gallery.kind.startswith("approximate") == (recall >= 0.99)
    weak = Gallery(gallery_data["gallery_ids"], gallery_data["gallery"], approximate="hnsw", hnsw_m=2)
    weak.candidate.hnsw.efSearch = 1
    if weak.measure_and_choose(gallery_data["mated"]) < 0.99:
        assert weak.index is weak.exact


def test_fusion_adds_biometric_evidence_and_explains() -> None:
    model = ScoreModel.fit(np.array([0.7, 0.75, 0.65, 0.72]), np.array([0.0, 0.05, -0.04, 0.02]))
    fields = {"given_names": 4.0, "surnames": 3.0, "birth_date": -6.0}
    alone = fuse(prior_log2_odds=-10.0, field_weights=fields, biometric_score=None, score_model=model)
    strong = fuse(prior_log2_odds=-10.0, field_weights=fields, biometric_score=0.71, score_model=model)
    weak = fuse(prior_log2_odds=-10.0, field_weights=fields, biometric_score=0.01, score_model=model)
    assert weak.probability < alone.probability < strong.probability
    assert strong.outcome == "link" and alone.outcome == "distinct"
    assert strong.explanation["agreed"] == ["given_names", "surnames"]
    assert strong.explanation["biometric_weight"] > 0


def test_key_of_wrong_size_is_refused(tmp_path: Path) -> None:
    (tmp_path / "identity-template.key").write_bytes(b"short")
    with pytest.raises(LinkageError):
        load_key(tmp_path)


def test_ivf_probes_more_lists_until_recall_is_enough(gallery_data: dict[str, Any]) -> None:
    gallery = Gallery(gallery_data["gallery_ids"], gallery_data["gallery"], approximate="ivf")
    start = gallery.candidate.nprobe
    recall = gallery.measure_and_choose(gallery_data["mated"])
    assert gallery.candidate.nprobe >= start
    if gallery.index is gallery.candidate:
        assert recall >= 0.99
    else:
        assert recall < 0.99 and gallery.candidate.nprobe * 2 > gallery.candidate.nlist // 4


def test_every_approximate_build_is_validated_against_exact_search(gallery_data: dict[str, Any]) -> None:
    gallery = Gallery(gallery_data["gallery_ids"], gallery_data["gallery"], approximate="pq")
    assert gallery.approximate_recall is not None  # measured at build, before any search
    assert gallery.kind.startswith("approximate") == (gallery.approximate_recall >= 0.99)
    probes = validation_probes(gallery.vectors)
    exact = gallery.exact.search(probes, 1)[1][:, 0]
    approx = gallery.candidate.search(probes, 1)[1][:, 0]
    assert gallery.approximate_recall == pytest.approx(float(np.mean(exact == approx)))
    found = gallery.search(gallery_data["mated"], 1)
    truth = Gallery(gallery_data["gallery_ids"], gallery_data["gallery"]).search(gallery_data["mated"], 1)
    agree = np.mean([a[0] == b[0] for a, b in zip(found.ids, truth.ids, strict=True)])
    assert agree >= 0.98
