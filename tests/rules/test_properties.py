"""Properties of screening over generated encounters (2018-2026): determinism, no ACA removal to a
person's own country, no ACA or MPP for unaccompanied children, no rule outside its dates,
citations everywhere, and no fear-screening standard where no screening happens."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rules_strategies import encounters

from amparo.rules.us import US_PACK
from amparo.screening import screen
from amparo.screening.decision import Decision

EASTERN = ZoneInfo("America/New_York")
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
D = dt.date


@st.composite
def cases(draw: st.DrawFn) -> tuple[dict[str, Any], dt.date | None]:
    """An encounter and, sometimes, an --as-of date on or after the encounter."""
    document = draw(encounters())
    on = D.fromisoformat(document["encountered_on"])
    as_of = draw(st.none() | st.dates(on, D(2026, 12, 31)))
    return document, as_of


def _instant(document: dict[str, Any]) -> dt.datetime:
    """The encounter's instant: its time with offset, else noon of its date (noon in any US zone falls
    on the same side of every boundary the pack names, all at night in US Eastern time)."""
    if "encountered_at" in document:
        return dt.datetime.fromisoformat(document["encountered_at"].replace("Z", "+00:00")).astimezone(
            EASTERN
        )
    return dt.datetime.combine(D.fromisoformat(document["encountered_on"]), dt.time(12, 0), EASTERN)


def _within(day: dt.date, windows: list[tuple[dt.date, dt.date | None]]) -> bool:
    return any(start <= day and (end is None or day < end) for start, end in windows)


def _outcomes(decision: Decision) -> dict[str, str]:
    return {d.rule.id: d.outcome for d in decision.determinations}


@SETTINGS
@given(cases())
def test_same_input_same_decision(case: tuple[dict[str, Any], dt.date | None]) -> None:
    document, as_of = case
    first = screen(document, US_PACK, as_of=as_of).to_dict()
    again = screen(copy.deepcopy(document), US_PACK, as_of=as_of).to_dict()
    assert first == again


@SETTINGS
@given(cases())
def test_aca_never_removes_to_own_country(case: tuple[dict[str, Any], dt.date | None]) -> None:
    document, as_of = case
    to = screen(document, US_PACK, as_of=as_of).summary["aca_removal_to"]
    person = document["person"]
    assert to is None or to not in person["nationalities"]
    if not person["nationalities"]:
        assert to is None or to != person.get("last_habitual_residence")


@SETTINGS
@given(cases())
def test_unaccompanied_child_never_aca_nor_mpp(case: tuple[dict[str, Any], dt.date | None]) -> None:
    document, as_of = case
    summary = screen(document, US_PACK, as_of=as_of).summary
    if summary["unaccompanied_child"]:
        assert summary["aca_removal_to"] is None
        assert summary["mpp_amenable"] is False


@SETTINGS
@given(cases())
def test_no_rule_applies_outside_its_dates(case: tuple[dict[str, Any], dt.date | None]) -> None:
    document, as_of = case
    decision = screen(document, US_PACK, as_of=as_of)
    summary, outcomes = decision.summary, _outcomes(decision)
    on, read_on, instant = D.fromisoformat(document["encountered_on"]), decision.as_of, _instant(document)
    t42_start = dt.datetime(2020, 3, 21, tzinfo=EASTERN)
    t42_end = dt.datetime(2023, 5, 11, 23, 59, tzinfo=EASTERN)
    if summary["title42_expulsion"]:
        assert t42_start <= instant < t42_end
        assert D(2020, 3, 21) <= instant.date() <= D(2023, 5, 11)
        assert document["place"]["border"] == "southwest_land"
    if summary["aca_removal_to"] is not None:
        assert summary["aca_removal_to"] == "GT"  # the only ACA ever implemented
        assert D(2019, 11, 21) <= read_on < D(2020, 3, 16)
        assert on >= D(2019, 11, 19)
    for rule_id in ("aca.el_salvador_2019", "aca.honduras_2019", "aca.guatemala_2025", "aca.uganda_2025"):
        assert outcomes[rule_id] != "applies"
    if summary["mpp_amenable"]:
        assert _within(
            on, [(D(2019, 1, 28), D(2021, 1, 21)), (D(2021, 12, 6), D(2022, 8, 8)), (D(2025, 1, 21), None)]
        )
    bars = summary["asylum_bars"]
    assert bars == sorted(bars)
    if "transit_2019" in bars:
        assert on >= D(2019, 7, 16)
        assert _within(
            read_on,
            [
                (D(2019, 7, 16), D(2019, 7, 24)),
                (D(2019, 8, 16), D(2019, 9, 9)),
                (D(2019, 9, 11), D(2020, 6, 30)),
                (D(2021, 1, 19), D(2021, 2, 16)),
            ],
        )
        assert document["place"]["border"] == "southwest_land"
    if "lawful_pathways_2023" in bars:
        assert t42_end <= instant < dt.datetime(2025, 5, 11, 23, 59, tzinfo=EASTERN)
        assert read_on >= D(2023, 5, 11)
    if "securing_border_2024" in bars:
        assert instant >= dt.datetime(2024, 6, 5, 0, 1, tzinfo=EASTERN)
        assert read_on >= D(2024, 6, 5)


@SETTINGS
@given(cases())
def test_every_determination_is_cited(case: tuple[dict[str, Any], dt.date | None]) -> None:
    document, as_of = case
    decision = screen(document, US_PACK, as_of=as_of)
    for determination in decision.determinations:
        assert determination.citations, determination.rule.id
        assert all(isinstance(c, str) and c.strip() for c in determination.citations)
        assert len(set(determination.citations)) == len(determination.citations), determination.rule.id
    for node in decision.to_dict()["trace"]:
        assert node["rule"] and node["version"] and node["citations"]
    for flag in decision.flags:
        assert flag["id"] and flag["citations"]


@SETTINGS
@given(cases())
def test_a_child_in_section_240_gets_no_credible_fear_clause(
    case: tuple[dict[str, Any], dt.date | None],
) -> None:
    document, as_of = case
    decision = screen(document, US_PACK, as_of=as_of)
    if decision.summary["unaccompanied_child"]:
        standard = next(d for d in decision.determinations if d.rule.id == "screening_standard")
        assert not [c for c in standard.citations if c.startswith(("8 CFR 208.30", "INA 235(b)(1)"))]


@SETTINGS
@given(cases())
def test_no_screening_standard_where_no_screening(case: tuple[dict[str, Any], dt.date | None]) -> None:
    document, as_of = case
    summary = screen(document, US_PACK, as_of=as_of).summary
    if summary["title42_expulsion"] or summary["unaccompanied_child"] or summary["aca_removal_to"]:
        assert summary["protection_screening_standard"] is None
    assert summary["protection_screening_standard"] in {
        None,
        "significant_possibility",
        "reasonable_possibility",
        "reasonable_probability",
    }
    if summary["protection_screening_standard"] == "reasonable_probability":
        assert "securing_border_2024" in summary["asylum_bars"]
