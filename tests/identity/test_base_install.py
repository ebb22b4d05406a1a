"""Without the ``linkage`` extra (NumPy, Splink, FAISS... absent): the identity modules import, what needs NumPy
raises MissingExtra, and intake still resolves (every encounter a new person, said why)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import datetime as dt
    import sys

    class NoLinkageExtra:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in {"numpy", "splink", "sqlglot", "faiss", "rapidfuzz"}:
                raise ImportError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, NoLinkageExtra())

    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from amparo.errors import MissingExtra
    from amparo.identity import fusion, intake, resolution  # must import without the extra
    from amparo.identity.blocking import index_person
    from amparo.store.base import Base
    from amparo.store.models import Person

    try:
        fusion.ScoreModel.fit([0.7, 0.8], [0.0, 0.1])
    except MissingExtra as missing:
        print("fit:", missing.module, missing.extra)
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        person = Person(id="P-1", given_names="Ana", surnames="Paz", birth_date=dt.date(1990, 1, 2))
        session.add(person)
        session.flush()
        index_person(session, person)
        doc = {"id": "E-1", "person": {"given_names": "Ana", "surnames": "Paz", "birth_date": "1990-01-02"}}
        try:
            resolution.resolve(session, doc)
        except MissingExtra as missing:
            print("resolve:", missing.extra)
        found = intake.resolve_at_intake(session, doc)
        print("intake:", found.person_id, found.resolution.outcome, "linkage" in found.resolution.explanation["reason"])
        print("keys:", len(found.rows("P-2", dt.datetime.now(dt.UTC))) > 1)
    print("numpy loaded:", "numpy" in sys.modules)
    """
)


def test_identity_without_numpy_raises_missing_extra_and_intake_goes_on() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "fit: numpy linkage",
        "resolve: linkage",
        "intake: None distinct True",
        "keys: True",
        "numpy loaded: False",
    ]
