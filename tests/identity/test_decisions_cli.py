"""``amparo identity review|link|distinct|merge|split|undo``: an officer works the queue from the
command line; only US officers, supervisors and admins may."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from amparo.cli import build_app
from amparo.store.db import make_engine, session_factory, transaction
from amparo.store.models import Encounter, User

from .support import seed_review

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def store(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Any:
    from amparo.store.testing import fresh_sqlite

    url = fresh_sqlite(tmp_path / "db", tmp_path_factory.getbasetemp() / "decisions-cli-template")
    factory = session_factory(make_engine(url))
    seed_review(factory)
    with transaction(factory) as session:
        session.add(User(id="U-9", name="partner", role="partner", agency="GT-IGM", token_sha256="y" * 64))
    monkeypatch.setenv("AMPARO_DATABASE_URL", url)
    monkeypatch.setenv("AMPARO_DATA_DIR", str(tmp_path / "data"))
    return factory


def _run(*args: str) -> Any:
    return CliRunner().invoke(build_app(), ["identity", *args])


def _owner(factory: Any, encounter_id: str) -> str:
    with factory() as session:
        return str(session.scalar(select(Encounter.person_id).where(Encounter.id == encounter_id)))


def test_an_officer_links_a_review_pair_and_undoes_it(store: Any) -> None:
    shown = _run("review", "--as", "officer")
    assert shown.exit_code == 0, shown.output
    assert "IR-1 [open]" in shown.output and "biometric score: 0.710" in shown.output
    linked = _run("link", "IR-1", "--as", "officer", "--reason", "same face", "--json")
    assert linked.exit_code == 0, linked.output
    assert json.loads(linked.output)["status"] == "link"
    assert _owner(store, "E-3") == "P-A"
    undone = _run("undo", "IR-1", "--as", "U-1", "--reason", "photo was of the sister")
    assert undone.exit_code == 0, undone.output
    assert _owner(store, "E-3") == "P-B" and "[open]" in undone.output
    distinct = _run("distinct", "IR-1", "--as", "officer", "--reason", "sister")
    assert distinct.exit_code == 0 and "[distinct]" in distinct.output


def test_merge_split_and_undo_from_the_command_line(store: Any) -> None:
    merged = _run("merge", "P-A", "P-B", "--as", "officer", "--reason", "same documents", "--json")
    assert merged.exit_code == 0, merged.output
    change = json.loads(merged.output)
    assert change["kind"] == "merge" and _owner(store, "E-3") == "P-A"
    assert _run("undo", change["id"], "--as", "officer", "--reason", "no").exit_code == 0
    split = _run("split", "P-A", "E-1", "--as", "officer", "--reason", "two people")
    assert split.exit_code == 0 and "split of 1 encounter(s) P-A ->" in split.output


def test_a_partner_or_a_stranger_may_not_decide(store: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from amparo.cli import main
    from amparo.cli.exit_codes import DENIED, NOT_FOUND

    for who in ("partner", "nobody"):
        with pytest.raises(SystemExit) as refused:
            main(["identity", "review", "--as", who])
        assert refused.value.code == DENIED
        assert "not an officer" in capsys.readouterr().err
    with pytest.raises(SystemExit) as missing:
        main(["identity", "link", "IR-404", "--as", "officer", "--reason", "x"])
    assert missing.value.code == NOT_FOUND and "IR-404" in capsys.readouterr().err


def test_index_all_adds_the_keys_of_newer_kinds(store: Any) -> None:
    from amparo.identity.blocking import KEYS

    first = _run("index")  # the seeded persons were stored without keys
    assert first.exit_code == 0 and "0 person(s)" not in first.output, first.output
    with transaction(store) as session:  # as if indexed before the surname-pair key existed
        before = session.execute(select(KEYS.c.key).where(KEYS.c.key.like("ss:%"))).all()
        session.execute(KEYS.delete().where(KEYS.c.key.like("ss:%")))
    assert before
    plain = _run("index")
    assert plain.exit_code == 0, plain.output
    assert "0 person(s) indexed" in plain.output and "newer kinds" not in plain.output
    caught_up = _run("index", "--all")
    assert caught_up.exit_code == 0, caught_up.output
    assert f"{len(before)} key(s) of newer kinds added" in caught_up.output
    with store() as session:
        assert len(session.execute(select(KEYS.c.key).where(KEYS.c.key.like("ss:%"))).all()) == len(before)
