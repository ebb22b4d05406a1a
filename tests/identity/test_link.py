"""Batch linkage on synthetic data with ground truth, and the ``amparo link`` contract."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from amparo.cli import build_app
from amparo.identity import synth
from amparo.identity.linkage import LinkResult, link_records
from amparo.identity.names import fold, normalise_record, split_given
from amparo.identity.realtime import RealtimeScorer

from .support import f1, true_pairs, write_csv

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
COLUMNS = [
    "record_id",
    "given_names",
    "surnames",
    "birth_date",
    "sex",
    "nationality",
    "document_number",
    "locality",
    "person_id",
]


@pytest.fixture(scope="module")
def linked(population: synth.Population) -> LinkResult:
    return link_records([normalise_record(e) for e in population.encounters])


def _predicted(result: LinkResult) -> set[tuple[str, str]]:
    return {(min(a, b), max(a, b)) for a, b, _ in result.pairs}


def _baseline(encounters: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """Deterministic rule: same folded full name and birth date."""
    groups: dict[tuple[str, str, str], list[str]] = {}
    for e in encounters:
        groups.setdefault((fold(e["given_names"]), fold(e["surnames"]), e["birth_date"]), []).append(
            e["record_id"]
        )
    return {
        (a, b) for ids in groups.values() for i, a in enumerate(sorted(ids)) for b in sorted(ids)[i + 1 :]
    }


def test_model_beats_exact_matching_by_a_wide_margin(
    population: synth.Population, linked: LinkResult
) -> None:
    truth = true_pairs(population.encounters)
    _, base_recall, base_f1 = f1(_baseline(population.encounters), truth)
    precision, recall, score = f1(_predicted(linked), truth)
    # The bar comes from the data: most of the recall exact matching misses must be recovered.
    assert recall >= base_recall + 0.75 * (1 - base_recall)
    assert score >= base_f1 + 0.5 * (1 - base_f1)
    assert precision >= 0.95


def _variation_pairs(
    encounters: list[dict[str, Any]], truth: set[tuple[str, str]], kind: str
) -> set[tuple[str, str]]:
    by_id = {e["record_id"]: e for e in encounters}
    out = set()
    for a, b in truth:
        ea, eb = by_id[a], by_id[b]
        sa, sb = fold(ea["surnames"]).split(), fold(eb["surnames"]).split()
        ga, gb = fold(ea["given_names"]).split(), fold(eb["given_names"]).split()
        if kind == "swapped_surnames" and len(sa) == 2 and sa == sb[::-1] and sa != sb:
            out.add((a, b))
        elif (
            kind == "nickname"
            and ga
            and gb
            and ga[0] != gb[0]
            and split_given(ea["given_names"])[0] == split_given(eb["given_names"])[0]
        ):
            out.add((a, b))
        elif (
            kind == "accents"
            and ea["surnames"] != eb["surnames"]
            and fold(ea["surnames"]) == fold(eb["surnames"])
            and any(ord(c) > 127 for c in ea["surnames"] + eb["surnames"])
        ):
            out.add((a, b))
        elif kind == "day_month_swap" and ea["birth_date"] and eb["birth_date"]:
            ya, ma, da = ea["birth_date"].split("-")
            yb, mb, db = eb["birth_date"].split("-")
            if ya == yb and ma == db and da == mb and ma != da:
                out.add((a, b))
        elif kind == "dropped_surname" and len(sa) != len(sb):
            out.add((a, b))
    return out


@pytest.mark.parametrize(
    "kind", ["swapped_surnames", "nickname", "accents", "day_month_swap", "dropped_surname"]
)
def test_each_variation_is_linked(population: synth.Population, linked: LinkResult, kind: str) -> None:
    truth = true_pairs(population.encounters)
    pairs = _variation_pairs(population.encounters, truth, kind)
    assert len(pairs) >= 3, f"the synthetic data should hold some {kind} pairs"
    found = len(pairs & _predicted(linked)) / len(pairs)
    assert found >= 0.8, f"{kind}: {found:.2f} of {len(pairs)} true pairs linked"


def test_family_members_are_not_linked(population: synth.Population, linked: LinkResult) -> None:
    by_id = {e["record_id"]: e for e in population.encounters}
    family_false = [
        (a, b) for a, b in _predicted(linked)
        if by_id[a]["family_id"] and by_id[a]["family_id"] == by_id[b]["family_id"] and by_id[a]["person_id"] != by_id[b]["person_id"]
    ]  # fmt: skip
    family_pairs = sum(
        1
        for a, b in true_pairs(
            [{**e, "person_id": e["family_id"]} for e in population.encounters if e["family_id"]]
        )
    )
    assert len(family_false) <= 0.02 * family_pairs


def test_real_time_scoring_gives_the_batch_match(population: synth.Population, linked: LinkResult) -> None:
    records = [normalise_record(e) for e in population.encounters[:800]]
    batch = link_records(records, trained_model=linked.model)
    scorer = RealtimeScorer(batch.model, batch.threshold, batch.term_frequencies)
    by_newer: dict[str, dict[str, float]] = {}
    for a, b, p in batch.pairs:
        by_newer.setdefault(max(a, b), {})[min(a, b)] = p
    checked = 0
    for newer, batch_scores in sorted(by_newer.items())[:25]:
        new = next(r for r in records if r["unique_id"] == newer)
        known = [r for r in records if r["unique_id"] < newer]
        realtime = {s.record_id: s.match_probability for s in scorer.score(new, known)}
        for older, probability in batch_scores.items():
            assert realtime[older] == pytest.approx(probability, rel=1e-9)
        best_batch = max(batch_scores, key=lambda k: batch_scores[k])
        best_realtime = max(realtime, key=lambda k: realtime[k])
        assert best_realtime == best_batch or best_realtime not in batch_scores
        checked += 1
    assert checked >= 10


def test_link_cli_dedupe_and_two_files(population: synth.Population, tmp_path: Path) -> None:
    rows = population.encounters[:1200]
    # A person's records are consecutive: alternate rows put repeat crossers in both files.
    first, second = rows[0::2], rows[1::2]
    a = write_csv(tmp_path / "a.csv", first, COLUMNS)
    b = write_csv(tmp_path / "b.csv", second, COLUMNS)
    runner = CliRunner()
    app = build_app()
    out = tmp_path / "pairs.csv"
    result = runner.invoke(app, ["link", str(a), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "threshold" in result.output and "chosen by the model" in result.output
    assert "estimated on this data by EM" in result.output
    with out.open() as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["record_id_l", "record_id_r", "match_probability"]
        dedupe = list(reader)
    ids_a = {r["record_id"] for r in first}
    assert dedupe and all(r["record_id_l"] in ids_a and r["record_id_r"] in ids_a for r in dedupe)
    assert (tmp_path / "pairs.model.json").exists()

    result = runner.invoke(app, ["link", str(a), str(b), "--out", str(out), "--threshold", "0.9"])
    assert result.exit_code == 0, result.output
    assert "0.9000 (given with --threshold)" in result.output
    with out.open() as handle:
        two = list(csv.DictReader(handle))
    ids_b = {r["record_id"] for r in second}
    assert two and all(r["record_id_l"] in ids_a and r["record_id_r"] in ids_b for r in two)
    assert all(float(r["match_probability"]) >= 0.9 for r in two)
    truth = {
        (e["record_id"], f["record_id"]) for e in first for f in second if e["person_id"] == f["person_id"]
    }
    assert len(truth) >= 50
    _, recall, _ = f1({(r["record_id_l"], r["record_id_r"]) for r in two}, truth)
    assert recall >= 0.8


@pytest.mark.parametrize(
    ("content", "where"),
    [
        ("given_names,surnames\nAna,Paz\n", "row 1, column record_id"),
        ("record_id,birth_date\n1,1990-01-01\n2,1990-13-01\n", "row 3, column birth_date"),
        ("record_id,birth_date\n1,1990-01-01\n1,1991-01-01\n", "row 3, column record_id"),
        ("", "row 1"),
        ("record_id,surnames\n", "row 2"),
    ],
)
def test_bad_csv_names_file_row_and_column(tmp_path: Path, content: str, where: str) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(content)
    from amparo.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["link", str(bad), "--out", str(tmp_path / "out.csv")])
    assert exited.value.code not in (0, None)


@pytest.mark.parametrize(
    ("content", "where"),
    [
        ("given_names,surnames\nAna,Paz\n", "row 1, column record_id"),
        ("record_id,birth_date\n1,1990-01-01\n2,1990-13-01\n", "row 3, column birth_date"),
        ("record_id,birth_date\n1,1990-01-01\n1,1991-01-01\n", "row 3, column record_id"),
        ("", "row 1"),
        ("record_id,surnames\n", "row 2"),
    ],
)
def test_bad_csv_error_message(tmp_path: Path, content: str, where: str) -> None:
    from amparo.errors import InputError
    from amparo.identity.records import read_records

    bad = tmp_path / "bad.csv"
    bad.write_text(content)
    with pytest.raises(InputError) as raised:
        read_records(bad)
    assert where in str(raised.value) and str(bad) in str(raised.value)


def test_small_file_uses_the_shipped_model_and_says_so(population: synth.Population, tmp_path: Path) -> None:
    rows = population.encounters[:60]
    a = write_csv(tmp_path / "small.csv", rows, COLUMNS)
    out = tmp_path / "small_pairs.csv"
    result = CliRunner().invoke(build_app(), ["link", str(a), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "the shipped model" in result.output
    truth = {
        (min(e["record_id"], f["record_id"]), max(e["record_id"], f["record_id"]))
        for e in rows
        for f in rows
        if e["person_id"] == f["person_id"] and e["record_id"] != f["record_id"]
    }
    with out.open() as handle:
        found = {
            (min(r["record_id_l"], r["record_id_r"]), max(r["record_id_l"], r["record_id_r"]))
            for r in csv.DictReader(handle)
        }
    assert truth and len(found & truth) >= 0.8 * len(truth)


def test_data_without_any_sure_pair_falls_back_to_the_shipped_model(population: synth.Population) -> None:
    # One record per person: no pair shares name and birth date, so EM has nothing to start from.
    people = [
        normalise_record({**p, "record_id": p["person_id"], "document_number": ""})
        for p in population.persons[:400]
    ]
    result = link_records(people)
    assert not result.trained
    assert result.model_origin.startswith("the shipped model (EM could not be estimated")
    assert len(result.pairs) <= 0.02 * len(people)  # every record is a different person
