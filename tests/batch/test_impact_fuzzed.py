"""``amparo impact`` cases found by fuzzing it against the single evaluator (twenty-first round)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from agreement import single_row
from pydantic import ValidationError
from typer.testing import CliRunner

from amparo.batch.change_file import RuleChange, load_change
from amparo.batch.impact import ImpactCounts
from amparo.batch.overlay import overlay_registry
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
    "fear_claims": [{"country": "GT"}],
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
        ("2019", "2020-02-01", "2021-01-21"),
        ("2019", "2021-01-21", "2021-06-01"),  # the extension, citing the change too
    ]
    assert all(v[2] is None or v[1] < v[2] for v in versions)  # no piece empty
    assert all(a[2] == b[1] for a, b in zip(versions, versions[1:], strict=False))  # no gap, no overlap
    # a block with no end made the version's pieces end where the version really ends (2021-01-20
    # or later): an extension to an earlier date would end it sooner, and says so
    with pytest.raises(InputError) as error:
        _mpp_versions(
            [
                {"block": {"rule": "mpp"}, "from": "2020-01-01"},
                {"extend": {"rule": "mpp", "version": "2019"}, "until": "2020-06-01"},
            ]
        )
    assert error.value.errors[0].path == "/changes/1/until"
    assert "(blocked from 2020-01-01 by an earlier change)" in error.value.errors[0].message


def _aca_versions(changes: list[dict[str, Any]]) -> tuple[Any, ...]:
    book = overlay_registry(REGISTRY, RuleChange.model_validate({"changes": changes})).get("us").law_book()
    return book.rules["aca.guatemala_2019"].versions


@pytest.mark.parametrize(
    "block",
    [
        {"from": "2019-12-20", "to": "2020-01-10"},  # the version ends within the block
        {"from": "2019-12-20"},  # a block with no end
        {"from": "2020-01-20", "to": "2020-01-25"},  # a block of the next version, within the extension
        {"from": "2020-01-20"},  # the same, with no end
        {"from": "2019-11-25", "to": "2019-12-01"},  # a block before the version
    ],
)
def test_a_block_and_an_extension_give_the_same_law_in_either_order(block: dict[str, Any]) -> None:
    """Fuzzing (twenty-fourth round): an extension after a block that covered the version's end
    was refused as if it would lift the block, and one over a later block of the next version
    lifted it silently. The days a block covers stay blocked whichever comes first."""
    blocking = {"block": {"rule": "aca.guatemala_2019"}, **block}
    extending = {"extend": {"rule": "aca.guatemala_2019", "version": "families"}, "until": "2020-02-01"}
    first, second = _aca_versions([blocking, extending]), _aca_versions([extending, blocking])
    assert first == second
    assert all(a.valid_to == b.valid_from for a, b in zip(first, first[1:], strict=False))
    on = {
        day: next(
            v.version for v in first if v.valid_from <= day and (v.valid_to is None or day < v.valid_to)
        )
        for day in (dt.date(2020, 1, 5), dt.date(2020, 1, 22), dt.date(2020, 1, 31), dt.date(2020, 2, 1))
    }
    start = dt.date.fromisoformat(block["from"])
    end = dt.date.fromisoformat(block["to"]) if "to" in block else None

    def blocked(day: dt.date) -> bool:
        return start <= day and (end is None or day < end)

    for day, version in on.items():
        expected = "families" if day < dt.date(2020, 2, 1) else "mexicans"
        assert version == (f"{expected}+enjoined" if blocked(day) else expected), day


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


@pytest.mark.parametrize(
    ("name", "text", "key"),
    [
        (
            "twice.yaml",
            "changes:\n  - block: {instrument: securing_border_2024}\n    from: 2024-07-01\n"
            "changes:\n  - block: {rule: aca.guatemala_2019}\n    from: 2019-12-01\n",
            "'changes'",
        ),
        (
            "from.yaml",
            "changes:\n  - block: {rule: uac}\n    from: 2024-07-01\n    from: 2025-07-01\n",
            "'from'",
        ),
        (
            "twice.json",
            '{"changes": [{"block": {"rule": "uac"}, "from": "2024-07-01", "from": "2025-07-01"}]}',
            "'from'",
        ),
    ],
)
def test_a_key_written_twice_in_a_change_file_is_refused(
    tmp_path: Path, name: str, text: str, key: str
) -> None:
    """Fuzzing (twenty-fourth round): YAML and JSON keep the last of two equal keys, so a second
    ``changes:`` list dropped the first change silently and the answer was wrong, exit 0."""
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(InputError) as error:
        load_change(path)
    assert error.value.errors[0].path == "--change"
    assert f"the key {key} is written twice" in error.value.errors[0].message


def test_a_yaml_change_file_is_told_of_mappings_and_a_target_given_wrongly_is_not_missing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "change.yaml"
    path.write_text("changes:\n  - block: securing_border_2024\n    from: 2024-07-01\n")
    with pytest.raises(InputError) as error:
        load_change(path)
    assert [(e.path, e.message) for e in error.value.errors] == [
        ("/changes/0/block", "expected a mapping (key: value pairs), got 'securing_border_2024'")
    ]


def test_every_name_a_change_file_gets_wrong_is_named_at_once_with_its_pack(tmp_path: Path) -> None:
    change = RuleChange.model_validate(
        {
            "changes": [
                {"block": {"rule": "nope"}, "from": "2020-01-01"},
                {"block": {"instrument": "securing_border_2024"}, "from": "2024-07-01", "pack": "eu"},
                {"extend": {"rule": "mpp", "version": "2077"}, "until": "2021-06-01"},
            ]
        }
    )
    with pytest.raises(InputError) as error:
        overlay_registry(REGISTRY, change)
    found = [(e.path, e.message) for e in error.value.errors]
    assert [path for path, _ in found] == [
        "/changes/0/block/rule",
        "/changes/1/block/instrument",
        "/changes/2/extend/version",
    ]
    assert found[1][1] == (
        "law pack 'eu' has no rule implementing 'securing_border_2024'; law pack 'us' does "
        "(leave out 'pack', or name that one)"
    )


VACATED_2024 = {"changes": [{"block": {"instrument": "securing_border_2024"}, "from": "2024-07-01"}]}


def test_a_change_with_one_date_reads_both_sides_on_it_and_the_report_keeps_its_lines(
    synthetic: Any, tmp_path: Path
) -> None:
    """Fuzzing (twenty-fourth round): with ``--after`` alone the document's own date was compared
    with that date and the change (a date move counted as the change); ``--before`` alone read
    both sides on it. A line of the report was cut at 80 columns in a file or a pipe."""
    source, change = tmp_path / "in.parquet", tmp_path / "vacated.json"
    synthetic.write_parquet(source)
    change.write_text(json.dumps(VACATED_2024))
    runs = {
        option: CliRunner().invoke(
            build_app(), ["impact", str(source), "--change", str(change), option, "2025-01-01", "--json"]
        )
        for option in ("--before", "--after")
    }
    counts = {option: json.loads(run.output) for option, run in runs.items()}
    for run in runs.values():
        assert run.exit_code == 0, run.output
    assert counts["--after"]["changed"] == counts["--before"]["changed"] > 0
    assert counts["--after"]["by_key"] == counts["--before"]["by_key"]
    assert set(counts["--after"]["by_key"]) <= {"asylum_bars", "protection_screening_standard"}
    text = CliRunner().invoke(
        build_app(), ["impact", str(source), "--change", str(change), "--after", "2025-01-01"]
    )
    assert text.exit_code == 0, text.output
    headline = text.output.splitlines()[0]
    assert headline.startswith(f"{counts['--after']['changed']:,} of 3,000 encounters change outcome with ")
    assert headline.endswith("s)") and len(headline) > 80


def test_impact_exits_2_when_no_row_could_be_compared(synthetic: Any, tmp_path: Path) -> None:
    """Fuzzing (twenty-fourth round): a date before the pack's coverage made every row invalid,
    and the command said "0 of 2,000 encounters change outcome", exit 0, as if nothing changed."""
    source = tmp_path / "in.parquet"
    synthetic.head(50).write_parquet(source)
    for extra in ([], ["--json"]):
        result = CliRunner().invoke(
            build_app(), ["impact", str(source), "--before", "2010-01-01", "--after", "2024-01-01", *extra]
        )
        assert result.exit_code == 2, result.output
    text = CliRunner().invoke(
        build_app(), ["impact", str(source), "--before", "2010-01-01", "--after", "2024-01-01"]
    )
    assert "No encounter compared: every one of the 50 rows is invalid" in text.output
    # some rows compared: the counts are whole for them, exit 0 (docs/BATCH.md)
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text(json.dumps(ENCOUNTER) + "\n{}\n")
    some = CliRunner().invoke(
        build_app(), ["impact", str(mixed), "--before", "2019-06-01", "--after", "2020-03-02"]
    )
    assert some.exit_code == 0, some.output


def test_equal_counts_are_reported_in_the_order_of_their_names() -> None:
    """Fuzzing (twenty-fourth round): ties came in the order the threads counted them in."""
    counts = ImpactCounts()
    counts.by_nationality.update({"SV": 2, "BR": 2, "HN": 3, "AR": 1})
    counts.by_key.update({"b": 1, "a": 1})
    counts.transitions["b"] = Counter({"y -> z": 1, "x -> z": 1})
    report = counts.as_dict("a", "b", 0.0)
    assert list(report["by_nationality"]) == ["HN", "BR", "SV", "AR"]
    assert list(report["by_key"]) == ["a", "b"]
    assert list(report["by_key"]["b"]["transitions"]) == ["x -> z", "y -> z"]


@pytest.mark.parametrize(
    "text",
    [
        "changes:\n  - <<:\n      block: {rule: mpp}\n      block: {rule: title42}\n      from: 2020-01-01\n",
        "changes:\n  - <<: {block: {rule: mpp}, from: 2020-01-01, from: 2021-01-01}\n",
        "<<: [{changes: [{block: {rule: mpp}, from: 2020-01-01}]}, {changes: [{block: {rule: uac}, from: 2020-01-01}]}]\n",
    ],
)
def test_a_key_given_twice_through_a_merge_is_refused(tmp_path: Path, text: str) -> None:
    """Fuzzing (twenty-fourth round): the keys of a merged mapping (``<<:``) were not checked."""
    path = tmp_path / "change.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as error:
        load_change(path)
    assert error.value.errors[0].path == "--change"
    assert "twice" in error.value.errors[0].message or "two of the mappings" in error.value.errors[0].message


def test_a_key_beside_a_merge_overrides_it_as_yaml_intends(tmp_path: Path) -> None:
    path = tmp_path / "change.yaml"
    path.write_text(
        "changes:\n  - &base {block: {rule: mpp}, from: 2020-01-01}\n  - <<: *base\n    from: 2021-01-01\n"
    )
    change = load_change(path)
    assert [str(item.from_) for item in change.changes] == ["2020-01-01", "2021-01-01"]


def test_an_extension_of_an_instrument_extends_the_rules_that_have_the_version() -> None:
    """Fuzzing (twenty-fourth round): the AMMR's ``framework`` rule has no ``before_ammr`` and the
    whole extension was refused naming it; an extension's citation was dropped."""
    change = RuleChange.model_validate(
        {
            "changes": [
                {
                    "extend": {"instrument": "ammr", "version": "before_ammr"},
                    "until": "2027-06-12",
                    "citation": "What-if: the AMMR a year later",
                }
            ]
        }
    )
    book = overlay_registry(REGISTRY, change).get("eu").law_book()
    extended = [
        rule.id
        for rule in book.rules.values()
        if any("What-if: the AMMR a year later" in v.citations for v in rule.versions)
    ]
    having = [
        rule.id
        for rule in EU_PACK.law_book().rules.values()
        if rule.instrument == "ammr" and any(v.version == "before_ammr" for v in rule.versions)
    ]
    assert sorted(extended) == sorted(having) and "framework" not in extended and len(having) > 1
    with pytest.raises(InputError) as error:
        overlay_registry(
            REGISTRY,
            RuleChange.model_validate(
                {"changes": [{"extend": {"instrument": "ammr", "version": "nope"}, "until": "2027-06-12"}]}
            ),
        )
    assert error.value.errors[0].message.startswith(
        "no rule of law pack 'eu' implementing 'ammr' has a version 'nope'; their versions: "
    )


def test_a_version_named_by_a_number_is_read_as_its_text() -> None:
    change = RuleChange.model_validate(
        {"changes": [{"extend": {"rule": "mpp", "version": 2019}, "until": "2021-06-01"}]}
    )
    assert change.changes[0].extend is not None and change.changes[0].extend.version == "2019"
    with pytest.raises(ValidationError):
        RuleChange.model_validate(
            {"changes": [{"extend": {"rule": "mpp", "version": True}, "until": "2021-06-01"}]}
        )


def test_a_change_file_without_end_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import amparo.batch.change_file as change_file

    monkeypatch.setattr(change_file, "CHANGE_FILE_BYTES", 100)
    path = tmp_path / "change.yaml"
    path.write_text("changes:\n" + "  - block: {rule: uac}\n    from: 2024-07-01\n" * 5)
    with pytest.raises(InputError) as error:
        load_change(path)
    assert error.value.errors[0].message.endswith("holds more than 100 bytes; expected a smaller file")


def test_a_failed_impact_keeps_the_earlier_out_and_names_the_option_given(
    synthetic: Any, tmp_path: Path
) -> None:
    """Fuzzing (twenty-fourth round): a run with no row compared replaced ``--out`` with an empty
    file, and with ``--after`` alone each refused row named ``--before``."""
    source, change, out = tmp_path / "in.parquet", tmp_path / "c[bold]x.json", tmp_path / "out.jsonl"
    synthetic.head(20).write_parquet(source)
    change.write_text(json.dumps(VACATED_2024))
    out.write_text("precious\n")
    result = CliRunner().invoke(
        build_app(),
        [
            "impact",
            str(source),
            "--change",
            str(change),
            "--after",
            "2010-01-01",
            "--out",
            str(out),
            "--json",
        ],
    )
    assert result.exit_code == 2, result.output
    assert {row["path"] for row in json.loads(result.stdout)["invalid_rows"]} == {"--after"}
    assert out.read_text() == "precious\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
    text = CliRunner().invoke(
        build_app(), ["impact", str(source), "--change", str(change), "--after", "2025-01-01"]
    )
    assert "with c[bold]x.json, the law read on 2025-01-01" in text.output  # the name, not markup
