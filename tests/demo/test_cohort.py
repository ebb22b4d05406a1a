"""The demo's cohort: calibrated to CBP's cells for the period, with families, repeat crossers and
name variations, the same for a seed."""

from __future__ import annotations

from collections import defaultdict

from amparo.demo import cohort as cohorts


def test_the_cohort_follows_cbp_by_month_and_citizenship_and_is_deterministic() -> None:
    cohort = cohorts.build(400, 7)
    assert cohort.documents == cohorts.build(400, 7).documents
    official = sum(c.official for c in cohort.cells)
    assert official == 190_940  # CBP southwest border, Nov 2019 - Mar 2020
    for table in (cohorts.monthly_counts(cohort), cohorts.by_citizenship(cohort)):
        total = sum(v["cohort"] for v in table.values())
        for key, v in table.items():
            assert abs(v["cohort"] / total - v["official"] / official) < 0.04, key
    days = {d["encountered_on"] for d in cohort.documents}
    assert min(days) >= "2019-11-01" and max(days) <= "2020-03-31"


def test_families_repeat_crossers_and_name_variations() -> None:
    cohort = cohorts.build(400, 7)
    by_id = {d["id"]: d for d in cohort.documents}
    families = [d for d in cohort.documents if (d.get("family") or {}).get("members")]
    assert families
    for document in families:
        for member in document["family"]["members"]:
            other = by_id[member]
            assert other["encountered_on"] == document["encountered_on"]
            assert document["id"] in other["family"]["members"]
            assert cohort.truth[member].family_visit == cohort.truth[document["id"]].family_visit
    encounters_of: dict[str, list[dict[str, object]]] = defaultdict(list)
    for encounter_id, truth in cohort.truth.items():
        encounters_of[truth.person].append(by_id[encounter_id])
    repeat = [docs for docs in encounters_of.values() if len(docs) > 1]
    assert repeat and all(len({str(d["encountered_on"]) for d in docs}) == len(docs) for docs in repeat)
    varied = [docs for docs in repeat if len({str(d["person"]) for d in docs}) > 1]
    assert len(varied) >= len(repeat) // 3  # the same person, written down differently
