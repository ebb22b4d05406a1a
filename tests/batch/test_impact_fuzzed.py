"""``amparo impact`` cases found by fuzzing it against the single evaluator (twenty-first round)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from agreement import single_row
from typer.testing import CliRunner

from amparo.batch.overlay import RuleChange, load_change, overlay_registry
from amparo.cli import build_app
from amparo.engine.registry import PackRegistry
from amparo.errors import InputError
from amparo.rules.eu import EU_PACK
from amparo.rules.us import US_PACK

REGISTRY = PackRegistry([US_PACK, EU_PACK], default="us")

APPLICATION = {
    "schema": "amparo/eu-application@1",
    "id": "P-40",
    "lodged_in": "DE",
    "lodged_on": "2026-08-23",
    "applicant": {"nationality": "SY", "age": 40, "visa_waived_in_lodging_state": True},
    "registered_on": "2026-08-29",
    "entries": [
        {"kind": "airport_transit", "state": "HU", "on": "2025-10-17"},
        {"kind": "sar_disembarkation", "state": "PL", "on": "2026-02-16"},
    ],
    "family": [{"relation": "spouse", "state": "GR", "status": "other", "wishes_in_writing": True}],
    "detained": False,
    "imprisoned": False,
    "extensions": {"request_sent_on": "2026-10-01", "request_urgent": False},
    "acceptance": {"state": "DE", "on": "2027-01-12"},
}


def test_a_changed_framework_is_read_by_the_packs_own_facts() -> None:
    """The EU pack chooses its time limits by the framework in force: through an overlay it read
    the pack's own book, so Dublin III extended gave Dublin III's name with AMMR's limits."""
    change = RuleChange.model_validate(
        {"changes": [{"extend": {"rule": "framework", "version": "dublin_iii"}, "until": "2027-07-01"}]}
    )
    changed = overlay_registry(REGISTRY, change)
    got = single_row(APPLICATION, changed)
    assert got["framework"] == "dublin_iii"
    assert got["criterion"] == "ammr_art33_1"  # Dublin III's: the visa waiver, not AMMR's Art. 33(2)
    assert str(got["take_charge_request_by"]) == "2026-10-23"  # two months from lodging
    real = single_row(APPLICATION, REGISTRY)
    assert real["framework"] == "ammr" and real["take_charge_request_by"] != got["take_charge_request_by"]


ENCOUNTER = {
    "schema": "amparo/encounter@1",
    "id": "E-1",
    "encountered_on": "2020-03-02",
    "place": {"border": "southwest_land", "manner": "between_ports"},
    "person": {"nationalities": ["GT"], "age": 30},
    "fear_claims": [{"on": "2020-03-02", "stage": "at_encounter"}],
}


def _mpp_versions(changes: list[dict[str, Any]]) -> list[tuple[str, str, str | None]]:
    book = overlay_registry(REGISTRY, RuleChange.model_validate({"changes": changes})).get("us").law_book()
    return [
        (v.version, str(v.valid_from), v.valid_to and str(v.valid_to)) for v in book.rules["mpp"].versions
    ]


def test_an_extension_after_a_block_of_its_version_extends_its_real_end_or_is_refused() -> None:
    block = {"block": {"rule": "mpp"}, "from": "2020-01-01", "to": "2020-02-01"}
    versions = _mpp_versions([block, {"extend": {"rule": "mpp", "version": "2019"}, "until": "2021-06-01"}])
    pieces = [v for v in versions if v[0] in ("2019", "2019+enjoined")]
    assert pieces == [
        ("2019", "2019-06-07", "2020-01-01"),
        ("2019+enjoined", "2020-01-01", "2020-02-01"),
        ("2019", "2020-02-01", "2021-06-01"),
    ]
    assert all(v[2] is None or v[1] < v[2] for v in versions)  # no piece empty
    assert all(a[2] == b[1] for a, b in zip(versions, versions[1:], strict=False))  # no gap, no overlap
    # a block with no end cut the version short: an extension would lift it, and says so
    with pytest.raises(InputError) as error:
        _mpp_versions(
            [
                {"block": {"rule": "mpp"}, "from": "2020-01-01"},
                {"extend": {"rule": "mpp", "version": "2019"}, "until": "2020-06-01"},
            ]
        )
    assert error.value.errors[0].path == "/changes/1/extend/version"
    assert "would lift that block" in error.value.errors[0].message


@pytest.mark.parametrize("value", ["0", "1719792000", "1735689600.0", "2024-07-01T00:00:00", "20240701"])
def test_a_date_in_a_change_file_is_written_yyyy_mm_dd(tmp_path: Path, value: str) -> None:
    path = tmp_path / "change.yaml"
    path.write_text(f"changes:\n  - block: {{rule: uac}}\n    from: {value}\n")
    with pytest.raises(InputError) as error:
        load_change(path)
    assert error.value.errors[0].path == "/changes/0/from"
    assert "expected a date written YYYY-MM-DD" in error.value.errors[0].message


@pytest.mark.parametrize(
    ("key", "path"), [("from_date", "/changes/0/from_date"), ("from_", "/changes/0/from_")]
)
def test_an_unknown_field_is_named_as_written(tmp_path: Path, key: str, path: str) -> None:
    change = tmp_path / "change.yaml"
    change.write_text(f"changes:\n  - block: {{rule: uac}}\n    from: 2024-07-01\n    {key}: 2024-07-01\n")
    with pytest.raises(InputError) as error:
        load_change(change)
    assert [e.path for e in error.value.errors] == [path]


def test_a_change_with_before_only_reads_after_on_the_same_date(tmp_path: Path) -> None:
    """Both sides are labelled with ``--before``'s date; "after" was read on each document's own."""
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps(
            {**ENCOUNTER, "encountered_on": "2024-08-01", "encountered_at": "2024-08-01T10:00:00-07:00"}
        )
        + "\n"
    )
    change = tmp_path / "noop.yaml"
    change.write_text("changes:\n  - block: {rule: uac}\n    from: 9999-12-30\n")
    result = CliRunner().invoke(
        build_app(), ["impact", str(source), "--change", str(change), "--before", "2019-01-01", "--json"]
    )
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout)
    assert counts["before"] == "2019-01-01" and counts["after"] == "2019-01-01 with noop.yaml"
    assert counts["changed"] == 0
