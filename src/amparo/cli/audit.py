"""Commands of the audit trail and of the exchange between installations.

``amparo audit export --out FILE.jsonl`` and ``amparo audit verify [--file FILE.jsonl]`` are a
contract: verify exits 0 when the trail is intact and 1 naming the first entry changed,
removed, inserted or reordered. ``amparo exchange ...`` handles keys, peers, disclosure
bases, and envelope export, import and acknowledgement.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

CLI_ACTOR = "cli"


def register(app: typer.Typer) -> None:
    """Add ``amparo audit`` and ``amparo exchange``."""
    audit_app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)
    exchange_app = typer.Typer(help="Signed, encrypted exchange between installations.", no_args_is_help=True)
    app.add_typer(audit_app, name="audit")
    app.add_typer(exchange_app, name="exchange")

    @audit_app.command("export")
    def audit_export(
        out: Annotated[Path, typer.Option("--out", help="The JSON Lines file to write.")],
    ) -> None:
        """Write the whole audit trail with a signed trailer (the export is itself audited)."""
        from amparo import audit
        from amparo.exchange.keys import installation_keys
        from amparo.installation import installation_store
        from amparo.settings import load_settings
        from amparo.store.db import transaction

        settings = load_settings()
        with installation_store(settings) as made:
            with transaction(made) as session:
                trailer = audit.export(session, installation_keys(settings.data_dir), out, actor=CLI_ACTOR)
        typer.echo(
            f"{trailer['entries']} entries, {trailer['checkpoints']} signed checkpoints written to {out}"
        )

    @audit_app.command("verify")
    def audit_verify(
        file: Annotated[
            Path | None, typer.Option("--file", help="An export to verify (default: the database).")
        ] = None,
        public_key: Annotated[
            str | None,
            typer.Option("--public-key", help="Base64 Ed25519 key that must have signed (default: ours)."),
        ] = None,
        anchor: Annotated[
            list[Path] | None,
            typer.Option(
                "--anchor",
                help="A signed checkpoint from `amparo audit checkpoint --out` the trail must still "
                "extend (repeatable).",
            ),
        ] = None,
    ) -> None:
        """Exit 0 when the trail is intact; exit 1 naming the first changed, removed, inserted or
        reordered entry, a missing required checkpoint, an entry without a valid MAC (forged by a
        database writer), or an anchor the trail no longer extends."""
        from amparo import audit
        from amparo.audit.verify import verify_lines, verify_rows
        from amparo.errors import AuditError, FieldError, InputError
        from amparo.exchange.keys import b64, has_keys, installation_keys
        from amparo.installation import installation_store
        from amparo.settings import load_settings

        if public_key is not None:
            _check_public_key(public_key, "--public-key")
        settings = load_settings()
        trusted: frozenset[str] | None = None
        if public_key:
            trusted = frozenset({public_key})
        elif has_keys(settings.data_dir):
            trusted = frozenset({b64(installation_keys(settings.data_dir, create=False).signing_public)})
        if file is not None:
            try:
                with file.open(encoding="utf-8", errors="replace") as handle:
                    verdict = verify_lines(handle, trusted=trusted)
            except OSError as exc:
                raise InputError([FieldError("--file", f"cannot read {file}: {exc.strerror}")]) from None
        else:
            with installation_store(settings) as made:
                audit.chain_queued(made)  # entries committed but not yet chained (e.g. after a crash)
                with made() as session:
                    verdict = verify_rows(audit.iter_log(session), audit.head_of(session), trusted=trusted)
                    if verdict.ok:
                        problem = _anchors_and_macs(session, settings.data_dir, anchor or [], trusted)
                        if problem:
                            raise AuditError(f"audit trail NOT intact: {problem}")
        if not verdict.ok:
            raise AuditError(f"audit trail NOT intact: {verdict.message}")
        note = (
            "" if trusted else " (no installation key here: signatures checked against the keys they carry)"
        )
        typer.echo(
            f"audit trail intact: {verdict.entries} entries, {verdict.checkpoints} signed checkpoints{note}"
        )

    @audit_app.command("checkpoint")
    def audit_checkpoint(
        out: Annotated[Path, typer.Option("--out", help="The JSON file to write the signed checkpoint to.")],
    ) -> None:
        """Sign a checkpoint of the chain head and write it (seq, hash, signature, key) for an
        outside witness; `amparo audit verify --anchor FILE` later proves the trail extends it."""
        from amparo import audit
        from amparo.audit.anchors import make_anchor
        from amparo.errors import AuditError
        from amparo.exchange.keys import installation_keys
        from amparo.installation import installation_store
        from amparo.settings import load_settings
        from amparo.store.canonical_json import canonical_json
        from amparo.store.db import transaction

        settings = load_settings()
        with installation_store(settings) as made:
            audit.chain_queued(made)
            with transaction(made) as session:
                made_anchor = make_anchor(session, installation_keys(settings.data_dir))
        if made_anchor is None:
            raise AuditError("the audit trail is empty: there is no head to sign")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(canonical_json(made_anchor) + "\n", encoding="utf-8")
        typer.echo(f"signed checkpoint of entry {made_anchor['seq']} written to {out}")

    @audit_app.command("prove")
    def audit_prove(
        anchor: Annotated[
            Path, typer.Option("--anchor", help="An anchor written by `amparo audit checkpoint`.")
        ],
        out: Annotated[Path, typer.Option("--out", help="The JSON file to write the proof to.")],
    ) -> None:
        """Write a Merkle consistency proof (RFC 9162) from the anchor's tree head to a new signed
        tree head of the trail: a witness checks it with `amparo audit check-proof` without the trail."""
        from amparo import audit
        from amparo.audit.merkle import prove_consistency
        from amparo.errors import FieldError, InputError
        from amparo.exchange.keys import installation_keys
        from amparo.installation import installation_store
        from amparo.settings import load_settings
        from amparo.store.canonical_json import canonical_json
        from amparo.store.db import transaction

        old = _read_json(anchor).get("tree_head")
        if not isinstance(old, dict):
            raise InputError([FieldError(str(anchor), "the anchor carries no tree_head")])
        settings = load_settings()
        with installation_store(settings) as made:
            audit.chain_queued(made)
            with transaction(made) as session:
                proof = prove_consistency(session, old, installation_keys(settings.data_dir))
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(canonical_json(proof) + "\n", encoding="utf-8")
        typer.echo(
            f"consistency proof from {old.get('tree_size')} to {proof['new']['tree_size']} entries "
            f"({len(proof['consistency'])} hashes) written to {out}"
        )

    @audit_app.command("check-proof")
    def audit_check_proof(
        proof: Annotated[Path, typer.Argument(help="A proof written by `amparo audit prove`.")],
        public_key: Annotated[
            str | None, typer.Option("--public-key", help="Base64 Ed25519 key that must have signed.")
        ] = None,
    ) -> None:
        """Exit 0 when the proof's new tree head extends its old one; exit 1 otherwise. Reads no
        database: a witness runs it on what the installation sent."""
        from amparo.audit.merkle import check_consistency
        from amparo.errors import AuditError

        document = _read_json(proof)
        problem = check_consistency(document, frozenset({public_key}) if public_key else None)
        if problem:
            raise AuditError(f"the proof does NOT hold: {problem}")
        typer.echo("the newer tree extends the older one")

    @exchange_app.command("keys")
    def exchange_keys(
        out: Annotated[
            Path | None, typer.Option("--out", help="Write the card here instead of stdout.")
        ] = None,
    ) -> None:
        """Print this installation's public card (created with its keys on first use)."""
        from amparo.exchange.keys import installation_keys
        from amparo.exchange.transfer import installation_card
        from amparo.settings import load_settings

        settings = load_settings()
        card = json.dumps(
            installation_card(settings.installation, installation_keys(settings.data_dir)), indent=2
        )
        if out is None:
            typer.echo(card)
        else:
            out.write_text(card + "\n", encoding="utf-8")
            typer.echo(f"installation card written to {out}")

    @exchange_app.command("peer-add")
    def exchange_peer_add(
        card: Annotated[Path, typer.Argument(help="A peer's card from 'amparo exchange keys'.")],
    ) -> None:
        """Register another installation (its country and public keys)."""
        from amparo.exchange.transfer import add_peer

        data = _read_json(card)
        with _session() as session:
            peer = add_peer(session, data, actor=CLI_ACTOR)
        typer.echo(f"peer {peer.installation} registered (key {peer.key_id})")

    @exchange_app.command("basis")
    def exchange_basis(
        case_id: str,
        to: Annotated[str, typer.Option("--to", help="ISO country or agency code the disclosure may go to.")],
        kind: Annotated[str, typer.Option("--kind", help="consent or decision")],
        basis: Annotated[
            str, typer.Option("--basis", help="The consent document, or the decision and its legal basis.")
        ],
    ) -> None:
        """Record the applicant's written consent or a decision with its legal basis (8 CFR 208.6(a))."""
        from amparo.exchange.transfer import record_basis

        with _session() as session:
            basis_id = record_basis(
                session, case_id, recipient=to, kind=kind, legal_basis=basis, actor=CLI_ACTOR
            )
        typer.echo(f"basis {basis_id} recorded for case {case_id}")

    @exchange_app.command("export")
    def exchange_export(
        case_id: str,
        agency: Annotated[str, typer.Option("--agency", help="Recipient agency, e.g. GT-IGM.")],
        out: Annotated[Path, typer.Option("--out", help="The envelope file to write.")],
        purpose: Annotated[str, typer.Option("--purpose")] = "aca_transfer",
    ) -> None:
        """Seal the case package the policy allows for the agency's installation."""
        from amparo.access.clock import system_today
        from amparo.access.policy import known_purpose
        from amparo.engine.registry import installed_registry
        from amparo.exchange.keys import installation_keys
        from amparo.exchange.transfer import export_envelope
        from amparo.settings import load_settings

        settings = load_settings()
        packs = installed_registry(default=settings.default_law_pack)
        _writable_file(out, "--out")
        written = False
        try:  # the file is written inside the unit of work that records the disclosure
            with _session() as session:
                envelope = export_envelope(
                    session,
                    me=settings.installation,
                    keys=installation_keys(settings.data_dir),
                    case_id=case_id,
                    recipient_agency=agency,
                    purpose=known_purpose(purpose, where="--purpose"),
                    actor=CLI_ACTOR,
                    packs=packs,
                    on=system_today(),
                )
                write_atomically(out, envelope.to_bytes())  # fails: rolled back, nothing recorded
                written = True
        except BaseException:
            if written:  # the commit failed after the write: no file without its disclosure
                out.unlink(missing_ok=True)
            raise
        typer.echo(f"envelope {envelope.envelope_id} written to {out}")

    @exchange_app.command("import")
    def exchange_import(
        envelope: Annotated[Path, typer.Argument(help="An envelope addressed to this installation.")],
        receipt_out: Annotated[
            Path, typer.Option("--receipt-out", help="Where to write the signed receipt.")
        ],
    ) -> None:
        """Open an envelope addressed here and write the signed receipt to send back."""
        from amparo.exchange.keys import installation_keys
        from amparo.exchange.transfer import import_envelope
        from amparo.settings import load_settings

        _writable_file(receipt_out, "--receipt-out")
        settings = load_settings()
        with _session() as session:
            receipt, duplicate = import_envelope(
                session,
                _read_bytes(envelope),
                me=settings.installation,
                keys=installation_keys(settings.data_dir),
                actor=CLI_ACTOR,
            )
        receipt_out.write_bytes(receipt)
        typer.echo(
            ("already imported; " if duplicate else "imported; ") + f"receipt written to {receipt_out}"
        )

    @exchange_app.command("ack")
    def exchange_ack(
        receipt: Annotated[Path, typer.Argument(help="A receipt from the receiving installation.")],
    ) -> None:
        """Record a peer's signed receipt for an envelope sent from here."""
        from amparo.exchange.transfer import accept_receipt

        with _session() as session:
            accepted = accept_receipt(session, _read_bytes(receipt), actor=CLI_ACTOR)
        typer.echo(f"envelope {accepted['envelope_id']} acknowledged by {accepted['receiver']}")


def _anchors_and_macs(
    session: Session, data_dir: Path, anchors: list[Path], trusted: frozenset[str] | None
) -> str | None:
    """What is wrong beyond the chain itself: an entry without a valid MAC (where this
    installation's key is), or an anchor the trail no longer extends; None when nothing."""
    from amparo.audit.anchors import check_anchor, first_unauthenticated
    from amparo.audit.mac import mac_key
    from amparo.exchange.keys import has_keys, installation_keys

    for path in anchors:
        check = check_anchor(session, _read_json(path), trusted=trusted)
        if not check.ok:
            return f"anchor {path}: {check.message}"
    if has_keys(data_dir):
        forged = first_unauthenticated(session, mac_key(installation_keys(data_dir, create=False)))
        if forged is not None:
            return f"inserted: entry {forged} carries no valid MAC under this installation's audit key (forged or re-hashed)"
    return None


def _check_public_key(value: str, option: str) -> None:
    """InputError naming ``option`` unless ``value`` is a base64 Ed25519 public key (32 bytes)."""
    import base64
    import binascii

    from amparo.errors import FieldError, InputError

    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise InputError(
            [
                FieldError(
                    option,
                    f"expected a base64 Ed25519 public key (32 bytes, as 'amparo exchange keys' prints "
                    f"signing_key); got '{value[:60]}'",
                )
            ]
        )


def _writable_file(path: Path, option: str) -> None:
    """InputError naming ``option`` when ``path`` cannot be a file written by this command."""
    from amparo.errors import FieldError, InputError

    if path.is_dir():
        raise InputError([FieldError(option, f"{path} is a folder; expected a file name")])
    if not path.parent.is_dir():
        raise InputError([FieldError(option, f"the folder {path.parent} does not exist")])


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``: a reader
    sees the whole file or none of it."""
    import os
    import tempfile

    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _read_bytes(path: Path) -> bytes:
    from amparo.errors import FieldError, InputError

    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError([FieldError(str(path), f"cannot read: {exc.strerror}")]) from None


def _read_json(path: Path) -> dict[str, object]:
    from amparo.errors import FieldError, InputError

    try:
        value = json.loads(_read_bytes(path))
    except ValueError:
        raise InputError([FieldError(str(path), "expected a JSON object")]) from None
    if not isinstance(value, dict):
        raise InputError([FieldError(str(path), "expected a JSON object")])
    return value


@contextmanager
def _session() -> Iterator[Session]:
    """One transaction on the configured database (engine disposed afterwards)."""
    from amparo.installation import installation_store
    from amparo.settings import load_settings
    from amparo.store.db import transaction

    settings = load_settings()
    with installation_store(settings) as made:
        with transaction(made) as session:
            yield session
