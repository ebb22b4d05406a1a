"""Identity hook called at intake (stable interface).

:func:`resolve_at_intake` is called by the intake service inside its transaction with the new
encounter document, before it writes anything. It returns an :class:`IntakeIdentity`: the id
of the person already known that this encounter belongs to (``person_id``; ``None`` for a new
person, whom the intake service then creates) and, through :meth:`IntakeIdentity.rows`, the
identity rows to insert in the intake's own statement: the person's blocking keys (so the
next encounter finds a new person without any catch-up), the ``identity_links`` row that
records and explains the outcome, and, when uncertain, the ``identity_reviews`` row.

How: :func:`amparo.identity.resolution.resolve` (blocking look-up, real-time scoring by the
shipped model, prior spread over the known persons); outcomes and bands are those of
:mod:`amparo.identity.outcomes`. An encounter may carry a biometric reference,
``/extensions/biometric`` = ``{"template_id": ..., "modality": "face"}``, naming a template
enrolled (encrypted) before intake: it is searched 1:N among the known persons' templates, its
score fused with the biographic evidence, and it is attached to the encounter (so to whichever
person holds it). Encounter v1 is unchanged: extensions are free and never read by the rules. Without the ``linkage`` extra, intake still works: every
encounter is a new person, indexed, and its link row says why it was not compared.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session, sessionmaker

from amparo.errors import ConfigError, FieldError, InputError, MissingExtra, NotFound
from amparo.identity import blocking
from amparo.identity.person_records import encounter_record
from amparo.identity.resolution import KNOWN_PERSONS, Resolution, resolve

#: Biometric modalities a template may be of.
MODALITIES = ("face", "fingerprint", "iris")
_keys: dict[Path, bytes] = {}
_keys_lock = threading.Lock()


@dataclass(frozen=True)
class IntakeIdentity:
    """The identity side of one intake: the known person, and the rows to write with it."""

    session: Session
    resolution: Resolution

    @property
    def person_id(self) -> str | None:
        """The known person the encounter joins, or None (a new person)."""
        return self.resolution.person_id

    def rows(self, person_id: str, now: dt.datetime) -> list[tuple[Table, dict[str, Any]]]:
        """The identity rows for the intake statement; ``person_id`` is the person the encounter
        is stored under (the known one, or the new one the intake service creates)."""
        if person_id != self.resolution.person_id:
            KNOWN_PERSONS.added(self.session)
        return self.resolution.rows(person_id, now)


def biometric_reference(encounter: Mapping[str, Any]) -> tuple[str, str] | None:
    """The template id and modality of ``/extensions/biometric``, or None when there is none."""
    extensions = encounter.get("extensions")
    if not isinstance(extensions, Mapping) or extensions.get("biometric") is None:
        return None
    reference = extensions["biometric"]
    template_id = reference.get("template_id") if isinstance(reference, Mapping) else None
    if not isinstance(template_id, str) or not template_id:
        raise InputError(
            [
                FieldError(
                    "/extensions/biometric/template_id",
                    "must be the id of a template enrolled for this encounter (POST /api/v1/identity/templates)",
                )
            ]
        )
    modality = reference.get("modality", "face")
    if modality not in MODALITIES:
        raise InputError(
            [
                FieldError(
                    "/extensions/biometric/modality",
                    f"must be one of {', '.join(MODALITIES)}; got {modality!r}",
                )
            ]
        )
    return template_id, str(modality)


TEMPLATE_KEYS_INFO = "amparo.identity.template_keys"


def bind_template_keys(factory: sessionmaker[Session], data_dir: Path) -> sessionmaker[Session]:
    """Make intake on sessions of ``factory`` read biometric templates with the key kept under
    ``data_dir`` (the edge binds its installation's, as it binds the audit signer)."""
    info = dict(factory.kw.get("info") or {})
    info[TEMPLATE_KEYS_INFO] = data_dir
    factory.configure(info=info)
    return factory


def installation_template_key(session: Session) -> bytes:
    """The template key of the installation whose sessions these are (ConfigError when unbound)."""
    from amparo.identity.biometrics import load_key

    data_dir = session.info.get(TEMPLATE_KEYS_INFO)
    if not isinstance(data_dir, Path):
        raise ConfigError(
            "No installation key for biometric templates is bound to this database session "
            "(bind one with amparo.identity.intake.bind_template_keys where the sessions are made)."
        )
    with _keys_lock:
        if data_dir not in _keys:
            _keys[data_dir] = load_key(data_dir)
        return _keys[data_dir]


def resolve_at_intake(
    session: Session, encounter: Mapping[str, Any], *, template_key: bytes | None = None
) -> IntakeIdentity:
    """Resolve ``encounter`` for intake (see the module docstring). It writes nothing but, for an
    encounter with ``/extensions/biometric``, the attachment of its template to the encounter."""
    reference = biometric_reference(encounter)
    try:
        if reference is None:
            resolution = resolve(session, encounter)
        else:
            resolution = _resolve_with_template(session, encounter, reference, template_key)
    except MissingExtra as missing:
        record = encounter_record(encounter)
        resolution = Resolution(
            str(encounter.get("id") or ""),
            None,
            "distinct",
            None,
            None,
            {"reason": f"not compared: {missing}"},
            keys=frozenset(blocking.record_keys(record)) if record is not None else frozenset(),
        )
    return IntakeIdentity(session, resolution)


def _resolve_with_template(
    session: Session, encounter: Mapping[str, Any], reference: tuple[str, str], key: bytes | None
) -> Resolution:
    try:
        from amparo.identity.biometrics import attach_to_encounter, read_template
    except ImportError as exc:
        raise MissingExtra(exc.name or "numpy", "linkage") from exc
    template_id, modality = reference
    key = key or installation_template_key(session)
    try:
        probe, enrolled_as = read_template(session, key, template_id)
    except NotFound:
        raise InputError(
            [FieldError("/extensions/biometric/template_id", f"no enrolled template '{template_id}'")]
        ) from None
    if enrolled_as != modality:
        raise InputError(
            [
                FieldError(
                    "/extensions/biometric/modality", f"template {template_id} is a {enrolled_as} template"
                )
            ]
        )
    resolution = resolve(session, encounter, probe=probe, key=key, modality=modality)
    attach_to_encounter(session, template_id, str(encounter.get("id") or ""))
    return resolution
