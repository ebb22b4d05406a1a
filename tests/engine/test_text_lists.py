"""``text_lists`` gives the series Polars' own conversion of nested Python lists gives."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

pl = pytest.importorskip("polars")

from amparo.engine.columnar import text_lists  # noqa: E402

_LISTS = st.lists(
    st.none() | st.lists(st.text(max_size=4) | st.sampled_from(["", "\x1f", "a\x1fb", "MX"]), max_size=4),
    max_size=30,
)


@given(_LISTS)
def test_same_as_polars_own_conversion(values: list[list[str] | None]) -> None:
    expected = pl.Series("x", values, dtype=pl.List(pl.String))
    got = text_lists("x", values)
    assert got.name == "x"
    assert got.dtype == pl.List(pl.String)
    assert got.to_list() == expected.to_list()


@given(st.lists(st.none() | st.lists(st.none() | st.text(max_size=3), max_size=3), max_size=10))
def test_missing_items_kept(values: list[list[str | None] | None]) -> None:
    assert text_lists("x", values).to_list() == values  # type: ignore[arg-type]


def test_tuples_empty_lists_and_no_rows() -> None:
    assert text_lists("flags", [("a", "b"), (), None, ("",)]).to_list() == [["a", "b"], [], None, [""]]
    assert text_lists("flags", []).to_list() == []


def test_pandas_not_imported() -> None:
    """Arrow's conversion imported pandas (0.3-0.5 s of a batch command's start)."""
    code = (
        "import sys; from amparo.engine.columnar import text_lists; "
        "text_lists('x', [['a'], None, []]); print('pandas' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
