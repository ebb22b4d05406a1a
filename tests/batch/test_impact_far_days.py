"""`amparo impact` over Parquet rows whose `encountered_on` is a day outside the years 0001-9999
(a 32-bit day Arrow holds, down to -2**31): the row is invalid, as `screen --batch` finds it, and
its month unknown; reading the month panicked in Polars and stopped the command."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.support.aca_example import aca_encounter

from amparo.cli import main


@pytest.mark.parametrize("day", [-(2**31), -719_163, 2_932_897, 100_000_000, 2**31 - 1])
def test_a_day_past_the_calendar_is_an_invalid_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], day: int
) -> None:
    lines = tmp_path / "in.jsonl"
    lines.write_text("".join(json.dumps(aca_encounter(f"A-{i}")) + "\n" for i in range(3)), encoding="utf-8")
    source = tmp_path / "in.parquet"
    with pytest.raises(SystemExit):
        main(["screen", "--batch", str(lines), "--out", str(tmp_path / "screened.parquet")])
    capsys.readouterr()
    import polars as pl

    table = pl.read_ndjson(lines).to_arrow()
    at = table.schema.get_field_index("encountered_on")
    days = pa.array([day], pa.int32()).view(pa.date32())
    kept = table.column(at).cast(pa.date32()).combine_chunks().slice(1)
    pq.write_table(table.set_column(at, "encountered_on", pa.concat_arrays([days, kept])), source)
    try:
        main(["impact", str(source), "--before", "2020-01-01", "--after", "2021-06-01", "--json"])
    except SystemExit as ended:
        assert ended.code in (0, None)
    result = json.loads(capsys.readouterr().out)
    assert result["screened"] == 3 and result["invalid"] == 1
    assert result["invalid_rows"][0]["encounter_id"] == "A-0"
    assert result["invalid_rows"][0]["path"] == "/encountered_on"
