"""Normalisation: accents, particles, nicknames, surname and given-name splitting."""

from __future__ import annotations

import pytest

from amparo.identity.names import fold, normalise_record, split_given, split_surnames


def test_fold_removes_accents_case_and_punctuation() -> None:
    assert fold("Peña-Núñez") == "PENA NUNEZ"
    assert fold("  maría  josé ") == "MARIA JOSE"


@pytest.mark.parametrize(
    ("nickname", "name"),
    [("Chepe", "JOSE"), ("Pepe", "JOSE"), ("Chelo", "CONSUELO"), ("Lupe", "GUADALUPE"), ("Paco", "FRANCISCO"),
     ("Nacho", "IGNACIO"), ("Chucho", "JESUS"), ("Memo", "GUILLERMO"), ("Toño", "ANTONIO"), ("Beto", "ALBERTO")],
)  # fmt: skip
def test_nicknames_map_to_the_given_name(nickname: str, name: str) -> None:
    assert split_given(f"{nickname} Luis") == (name, "LUIS")


def test_surnames_split_with_particles_dropped() -> None:
    assert split_surnames("García-López") == ("GARCIA", "LOPEZ")
    assert split_surnames("de la Cruz Pérez") == ("CRUZ", "PEREZ")
    assert split_surnames("") == (None, None)


def test_normalise_record_columns() -> None:
    record = normalise_record(
        {
            "record_id": 7,
            "given_names": "Chepe",
            "surnames": "Pérez",
            "birth_date": "1990-03-04",
            "postcode": "01 234",
        }
    )
    assert record["unique_id"] == "7"
    assert (record["given_1"], record["surname_1"], record["surname_2"]) == ("JOSE", "PEREZ", None)
    assert (record["dob_year"], record["dob_month"], record["dob_day"]) == (1990, 3, 4)
    assert record["postcode"] == "01234"
