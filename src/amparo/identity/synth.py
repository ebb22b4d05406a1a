"""A synthetic population of people and encounters with ground truth (``amparo synth population``).

Calibration: nationality and demographic are drawn jointly from CBP's FY2019 Southwest Land
Border encounters (``sbo-encounters-fy19-fy22.csv``, summed over the fiscal year, see
:data:`FY2019_SHARES`); "Other" is split by CBP's FY2021 SW counts by citizenship
(nationwide file). Repeat crossing: after each encounter a person is encountered again with
probability :data:`REPEAT_PROBABILITY` (CBP reported a 27% USBP recidivism rate in FY2021).
Family units share surnames (children carry the father's first surname and the mother's
first surname as second) and are encountered together.

Each encounter record is the person's true identity as an officer writes it down: accents
lost, the second surname or given name dropped, surnames or given names swapped, a nickname,
a typo, the birth date day-first or a year off, fields missing. Rates are in :data:`VARIATION`.

Biometric templates (documented model): each person has a latent identity vector ``z`` drawn
uniformly on the unit sphere in :data:`TEMPLATE_DIM` dimensions; a capture is
``normalise(z + s·e)``, ``e`` standard normal scaled by 1/sqrt(dim) and ``s`` a per-capture
noise level drawn log-normally (median :data:`CAPTURE_NOISE_MEDIAN`, so most captures are good
and a few poor). Genuine cosine scores then centre near 1/(1+s²) ≈ 0.7 with a long low tail;
impostor scores are near N(0, 1/dim). Deterministic: the same seed gives identical files.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from amparo.identity.name_pools import FEMALE_GIVEN, LOCALITIES, MALE_GIVEN, SURNAMES
from amparo.identity.names import NICKNAMES, fold

#: FY2019 SW border encounters (OFO + USBP) by citizenship grouping and demographic (CBP).
FY2019_SHARES: dict[tuple[str, str], float] = {
    ("SV", "accompanied_minors"): 6, ("SV", "family_units"): 58357,
    ("SV", "single_adults"): 21827, ("SV", "unaccompanied_children"): 12161,
    ("GT", "accompanied_minors"): 13, ("GT", "family_units"): 189685,
    ("GT", "single_adults"): 49504, ("GT", "unaccompanied_children"): 30996,
    ("HN", "accompanied_minors"): 18, ("HN", "family_units"): 193228,
    ("HN", "single_adults"): 46947, ("HN", "unaccompanied_children"): 20929,
    ("MX", "accompanied_minors"): 872, ("MX", "family_units"): 36103,
    ("MX", "single_adults"): 186664, ("MX", "unaccompanied_children"): 13439,
    ("OTHER", "accompanied_minors"): 42, ("OTHER", "family_units"): 49739,
    ("OTHER", "single_adults"): 63870, ("OTHER", "unaccompanied_children"): 3109,
}  # fmt: skip
#: FY2021 SW encounters of the "Other" citizenships with Spanish or Portuguese naming (CBP).
OTHER_CITIZENSHIPS: dict[str, float] = {
    "EC": 96150, "BR": 56881, "NI": 50109, "VE": 48678, "CU": 38674, "CO": 6202, "PE": 3197,
}  # fmt: skip
REPEAT_PROBABILITY = 0.27
VARIATION: dict[str, float] = {
    "drop_accents": 0.5,
    "upper_case": 0.5,
    "drop_second_surname": 0.15,
    "swap_surnames": 0.03,
    "drop_second_given": 0.15,
    "swap_given": 0.03,
    "nickname": 0.06,
    "typo": 0.08,
    "dob_missing": 0.03,
    "dob_day_month_swap": 0.04,
    "dob_year_off": 0.04,
    "dob_digit_typo": 0.02,
    "sex_missing": 0.02,
    "sex_wrong": 0.01,
    "nationality_wrong": 0.02,
    "locality_changed": 0.1,
    "document_recorded": 0.35,
}
TEMPLATE_DIM = 128
CAPTURE_NOISE_MEDIAN = 0.62
CAPTURE_NOISE_SIGMA = 0.22
_NICKNAMES_OF: dict[str, list[str]] = {}
for _nick, _name in NICKNAMES.items():
    if _nick != _name and " " not in _name:
        _NICKNAMES_OF.setdefault(_name, []).append(_nick.title())


@dataclass
class Population:
    """What :func:`generate` returns: records (with truth), persons and templates."""

    encounters: list[dict[str, Any]]
    persons: list[dict[str, Any]]
    templates: np.ndarray


def _zipf(n: int) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** 0.9
    return np.asarray(weights / weights.sum())


class _Names:
    def __init__(self) -> None:
        self.surnames = [s.replace("-", " ") for s in dict.fromkeys(SURNAMES)]
        self.male = list(dict.fromkeys(MALE_GIVEN))
        self.female = list(dict.fromkeys(FEMALE_GIVEN))
        self.p_surname = _zipf(len(self.surnames))
        self.p_male = _zipf(len(self.male))
        self.p_female = _zipf(len(self.female))


def _person(rng: np.random.Generator, names: _Names, sex: str, surnames: tuple[str, str]) -> dict[str, Any]:
    pool, p = (names.male, names.p_male) if sex == "M" else (names.female, names.p_female)
    count = 2 if rng.random() < 0.65 else 1
    picks = rng.choice(len(pool), size=count, replace=False, p=p)
    return {"sex": sex, "given_names": " ".join(pool[i] for i in picks), "surnames": " ".join(surnames)}


def _birth(rng: np.random.Generator, age_low: int, age_high: int, on: dt.date) -> dt.date:
    days = int(rng.integers(age_low * 365, age_high * 365 + 364))
    return on - dt.timedelta(days=days)


def _typo(rng: np.random.Generator, text: str) -> str:
    if len(text) < 3:
        return text
    i = int(rng.integers(1, len(text) - 1))
    kind = rng.integers(0, 3)
    letter = "ABCDEFGHIJLMNOPRSTUVYZ"[int(rng.integers(0, 22))]
    if kind == 0:
        return text[:i] + text[i + 1 :]
    if kind == 1:
        return text[:i] + letter + text[i + 1 :]
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def _record_names(rng: np.random.Generator, given: str, surnames: str) -> tuple[str, str]:
    g, s = given.split(" "), surnames.split(" ")
    if len(s) > 1 and rng.random() < VARIATION["drop_second_surname"]:
        s = s[:1]
    elif len(s) > 1 and rng.random() < VARIATION["swap_surnames"]:
        s = [s[1], s[0]] + s[2:]
    if len(g) > 1 and rng.random() < VARIATION["drop_second_given"]:
        g = g[:1]
    elif len(g) > 1 and rng.random() < VARIATION["swap_given"]:
        g = [g[1], g[0]]
    nicks = _NICKNAMES_OF.get(fold(g[0]))
    if nicks and rng.random() < VARIATION["nickname"]:
        g[0] = nicks[int(rng.integers(0, len(nicks)))]
    given_text, surname_text = " ".join(g), " ".join(s)
    if rng.random() < VARIATION["typo"]:
        if rng.random() < 0.5:
            given_text = _typo(rng, given_text)
        else:
            surname_text = _typo(rng, surname_text)
    if rng.random() < VARIATION["drop_accents"]:
        given_text, surname_text = fold(given_text).title(), fold(surname_text).title()
    if rng.random() < VARIATION["upper_case"]:
        given_text, surname_text = given_text.upper(), surname_text.upper()
    return given_text, surname_text


def _record_birth(rng: np.random.Generator, birth: dt.date) -> str:
    if rng.random() < VARIATION["dob_missing"]:
        return ""
    if birth.day <= 12 and birth.day != birth.month and rng.random() < VARIATION["dob_day_month_swap"]:
        return dt.date(birth.year, birth.day, birth.month).isoformat()
    if rng.random() < VARIATION["dob_year_off"]:
        year = birth.year + (1 if rng.random() < 0.5 else -1)
        day = birth.day if (birth.month, birth.day) != (2, 29) else 28
        return birth.replace(year=year, day=day).isoformat()
    if rng.random() < VARIATION["dob_digit_typo"]:
        day = birth.day + 1 if birth.day < 28 else birth.day - 1
        return birth.replace(day=day).isoformat()
    return birth.isoformat()


def _record_sex(rng: np.random.Generator, sex: str) -> str:
    if rng.random() < VARIATION["sex_missing"]:
        return ""
    if rng.random() < VARIATION["sex_wrong"]:
        return "F" if sex == "M" else "M"
    return sex


def _record_nationality(rng: np.random.Generator, nationality: str) -> str:
    if rng.random() < VARIATION["nationality_wrong"]:
        return ("GT", "HN", "SV", "MX")[int(rng.integers(0, 4))]
    return nationality


def _record_locality(rng: np.random.Generator, locality: str, localities: tuple[str, ...]) -> str:
    if rng.random() < VARIATION["locality_changed"]:
        return localities[int(rng.integers(0, len(localities)))]
    return locality


def _template(rng: np.random.Generator, latent: np.ndarray) -> np.ndarray:
    noise_level = CAPTURE_NOISE_MEDIAN * float(np.exp(rng.normal(0.0, CAPTURE_NOISE_SIGMA)))
    noise = rng.standard_normal(TEMPLATE_DIM) / np.sqrt(TEMPLATE_DIM)
    vector = latent + noise_level * noise
    return np.asarray(vector / np.linalg.norm(vector), dtype=np.float32)


def generate(n: int, seed: int) -> Population:
    """About ``n`` encounter records (exactly n) with their true person ids, deterministic for seed."""
    rng = np.random.default_rng(seed)
    names = _Names()
    keys = list(FY2019_SHARES)
    weights = np.array([FY2019_SHARES[k] for k in keys], dtype=float)
    weights /= weights.sum()
    others = list(OTHER_CITIZENSHIPS)
    other_w = np.array(list(OTHER_CITIZENSHIPS.values()), dtype=float)
    other_w /= other_w.sum()
    start = dt.date(2018, 10, 1)
    encounters: list[dict[str, Any]] = []
    persons: list[dict[str, Any]] = []
    templates: list[np.ndarray] = []
    family_no = 0
    while len(encounters) < n:
        grouping, demographic = keys[int(rng.choice(len(keys), p=weights))]
        nationality = others[int(rng.choice(len(others), p=other_w))] if grouping == "OTHER" else grouping
        localities = LOCALITIES.get(grouping, LOCALITIES["OTHER"])
        locality = localities[int(rng.integers(0, len(localities)))]
        first_on = start + dt.timedelta(days=int(rng.integers(0, 6 * 365)))
        father = names.surnames[int(rng.choice(len(names.surnames), p=names.p_surname))]
        mother = names.surnames[int(rng.choice(len(names.surnames), p=names.p_surname))]
        grandmother = names.surnames[int(rng.choice(len(names.surnames), p=names.p_surname))]
        members: list[dict[str, Any]] = []
        family_id = ""
        if demographic == "family_units":
            family_no += 1
            family_id = f"F{family_no:07d}"
            parent_sex = "F" if rng.random() < 0.6 else "M"
            parent_surnames = (mother, grandmother) if parent_sex == "F" else (father, grandmother)
            members.append(
                _person(rng, names, parent_sex, parent_surnames) | {"birth": _birth(rng, 19, 45, first_on)}
            )
            for _ in range(int(rng.integers(1, 4))):
                child_sex = "F" if rng.random() < 0.5 else "M"
                members.append(
                    _person(rng, names, child_sex, (father, mother)) | {"birth": _birth(rng, 0, 17, first_on)}
                )
        else:
            sex = "M" if rng.random() < (0.8 if demographic == "single_adults" else 0.7) else "F"
            low, high = (18, 60) if demographic == "single_adults" else (12, 17)
            members.append(
                _person(rng, names, sex, (father, mother)) | {"birth": _birth(rng, low, high, first_on)}
            )
        visits = 1
        while rng.random() < REPEAT_PROBABILITY and visits < 8:
            visits += 1
        dates = sorted(
            {first_on + dt.timedelta(days=int(rng.integers(0, 900))) for _ in range(visits - 1)} | {first_on}
        )
        for member in members:
            person_id = f"P{len(persons) + 1:08d}"
            latent = rng.standard_normal(TEMPLATE_DIM)
            latent /= np.linalg.norm(latent)
            document = "".join(str(d) for d in rng.integers(0, 10, size=9 if nationality == "SV" else 13))
            persons.append(
                {
                    "person_id": person_id,
                    "given_names": member["given_names"],
                    "surnames": member["surnames"],
                    "birth_date": member["birth"].isoformat(),
                    "sex": member["sex"],
                    "nationality": nationality,
                    "demographic": demographic,
                    "family_id": family_id,
                    "document_number": document,
                }
            )
            for on in dates:
                given, surnames = _record_names(rng, member["given_names"], member["surnames"])
                encounters.append(
                    {
                        "record_id": f"E{len(encounters) + 1:08d}",
                        "person_id": person_id,
                        "family_id": family_id,
                        "given_names": given,
                        "surnames": surnames,
                        "birth_date": _record_birth(rng, member["birth"]),
                        "sex": _record_sex(rng, member["sex"]),
                        "nationality": _record_nationality(rng, nationality),
                        "document_number": document if rng.random() < VARIATION["document_recorded"] else "",
                        "address": "",
                        "locality": _record_locality(rng, locality, localities),
                        "postcode": "",
                        "encountered_on": on.isoformat(),
                        "demographic": demographic,
                    }
                )
                templates.append(_template(rng, latent))
    kept = encounters[:n]
    kept_persons = {e["person_id"] for e in kept}
    return Population(
        kept,
        [p for p in persons if p["person_id"] in kept_persons],
        np.vstack(templates[:n]) if n else np.zeros((0, TEMPLATE_DIM), dtype=np.float32),
    )


ENCOUNTER_COLUMNS: tuple[str, ...] = (
    "record_id", "person_id", "family_id", "given_names", "surnames", "birth_date", "sex",
    "nationality", "document_number", "address", "locality", "postcode", "encountered_on", "demographic",
)  # fmt: skip
PERSON_COLUMNS: tuple[str, ...] = (
    "person_id", "given_names", "surnames", "birth_date", "sex", "nationality", "demographic",
    "family_id", "document_number",
)  # fmt: skip


def write(population: Population, out: Path, *, seed: int) -> dict[str, Any]:
    """Write encounters.csv, persons.csv, templates.npy and manifest.json into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    for name, rows, columns in (
        ("encounters.csv", population.encounters, ENCOUNTER_COLUMNS),
        ("persons.csv", population.persons, PERSON_COLUMNS),
    ):
        with (out / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(columns))
            writer.writeheader()
            writer.writerows(rows)
    np.save(out / "templates.npy", population.templates, allow_pickle=False)
    manifest = {
        "seed": seed,
        "encounters": len(population.encounters),
        "persons": len(population.persons),
        "families": len({e["family_id"] for e in population.encounters if e["family_id"]}),
        "calibration": "CBP SW land border encounters FY2019 by citizenship x demographic",
        "repeat_probability": REPEAT_PROBABILITY,
        "variation_rates": VARIATION,
        "templates": {
            "file": "templates.npy",
            "rows": "aligned with encounters.csv",
            "dim": TEMPLATE_DIM,
            "model": "normalise(latent + s * N(0, I/dim)), s log-normal",
            "capture_noise_median": CAPTURE_NOISE_MEDIAN,
            "capture_noise_sigma": CAPTURE_NOISE_SIGMA,
        },
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest
