"""A malformed setting in the environment is said with its variable and what was expected, at the
edge (exit code of a configuration error), never as an internal error."""

from __future__ import annotations

import pytest

from amparo.cli import main
from amparo.cli.exit_codes import exit_code_for
from amparo.errors import ConfigError
from amparo.settings import load_settings


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("AMPARO_BATCH_WORKERS", "0", "greater than or equal to 1"),
        ("AMPARO_BATCH_CHUNK_ROWS", "10", "greater than or equal to 1000"),
        ("AMPARO_TOKEN_DAYS", "many", "valid integer"),
        ("AMPARO_INSTALLATION", "usa", "pattern"),
    ],
)
def test_a_malformed_setting_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, said: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert variable in str(caught.value) and said in str(caught.value) and repr(value) in str(caught.value)


def test_the_command_line_exits_with_the_configuration_code(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AMPARO_BATCH_WORKERS", "-3")
    with pytest.raises(SystemExit) as ended:
        main(["screen", "--batch", "in.parquet", "--out", "out.parquet"])
    assert ended.value.code == exit_code_for(ConfigError("x"))
    err = capsys.readouterr().err
    assert "AMPARO_BATCH_WORKERS" in err and "internal error" not in err
