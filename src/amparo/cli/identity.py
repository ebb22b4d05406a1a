"""Commands of the identity area: ``amparo link``, ``amparo synth population`` and
``amparo identity review|link|distinct|merge|split|undo|index`` (the review queue and officers'
decisions, each audited and reversible; see :mod:`amparo.identity.decisions`).

Heavy libraries (Splink, DuckDB, NumPy) are imported inside the commands.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from amparo.errors import AuthError, FieldError, InputError


def link(
    file_a: Annotated[
        Path, typer.Argument(metavar="A.csv", help="Records to link (or to deduplicate alone).")
    ],
    out: Annotated[
        Path, typer.Option("--out", help="Output CSV: record_id_l, record_id_r, match_probability.")
    ],
    file_b: Annotated[
        Path | None,
        typer.Argument(metavar="[B.csv]", help="Second file: link A to B instead of deduplicating A."),
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option(
            "--threshold",
            help="Match probability at or above which a pair is a match (default: the model's).",
        ),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding",
            help="Encoding of the CSV files (default: UTF-8, else cp1252 as Excel saves on Windows).",
        ),
    ] = None,
) -> None:
    """Link two files of people (or deduplicate one) and write the predicted matches.

    Input CSV columns by name: record_id (required), given_names, surnames, birth_date
    (YYYY-MM-DD or empty), sex, nationality, document_number, address, locality, postcode.
    The model is estimated on the data by EM and saved next to the output (PAIRS.model.json).
    """
    from amparo.identity.linkage import link_records, save_model, write_pairs
    from amparo.identity.records import read_records

    if threshold is not None and not 0.0 < threshold <= 1.0:
        raise InputError([FieldError("--threshold", f"must be a probability in (0, 1]; got {threshold}")])
    if out.is_dir():
        raise InputError([FieldError("--out", f"{out} is a folder; expected a CSV file to write")])
    if not out.parent.is_dir():
        raise InputError([FieldError("--out", f"the folder {out.parent} does not exist")])
    left = read_records(file_a, encoding=encoding)
    right = read_records(file_b, encoding=encoding) if file_b is not None else None
    result = link_records(left, right, threshold=threshold)
    write_pairs(result.pairs, out)
    model_path = out.with_name(out.stem + ".model.json")
    save_model(result, model_path)
    mode = "linked" if right is not None else "deduplicated"
    typer.echo(
        f"{mode} {len(left)}{f' x {len(right)}' if right is not None else ''} records: "
        f"{result.candidate_pairs} candidate pairs scored, {len(result.pairs)} matches written to {out}"
    )
    if threshold is None:
        typer.echo(
            f"threshold: {result.threshold:.4f}, chosen by the model: the one that {result.threshold_method}"
        )
    else:
        typer.echo(f"threshold: {result.threshold:.4f} ({result.threshold_method})")
    typer.echo(f"model: {result.model_origin}; saved to {model_path}")


def synth_population(
    n: Annotated[int, typer.Option("--n", min=1, help="Number of encounter records to generate.")],
    seed: Annotated[
        int,
        typer.Option("--seed", min=0, help="Random seed (0 or more): the same seed gives identical files."),
    ],
    out: Annotated[
        Path, typer.Option("--out", help="Folder to write encounters.csv, persons.csv, templates.npy.")
    ],
) -> None:
    """Generate a synthetic population with the true person id of every encounter record."""
    from amparo.identity import synth

    population = synth.generate(n, seed)
    manifest = synth.write(population, out, seed=seed)
    typer.echo(
        f"{manifest['encounters']} encounters of {manifest['persons']} people "
        f"({manifest['families']} families) written to {out}"
    )


ACTING = Annotated[
    str,
    typer.Option(
        "--as", help="The officer deciding: user id or name (officer, supervisor or admin of a US agency)."
    ),
]
REASON = Annotated[str, typer.Option("--reason", help="Why (kept with the decision and in the audit trail).")]
AS_JSON = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@contextmanager
def _store(acting: str | None) -> Iterator[tuple[Any, str]]:
    """A transaction on the configured store (audit checkpoints signed) and the acting user's id."""
    from sqlalchemy import or_, select

    from amparo.identity.decisions import may_resolve_identity
    from amparo.installation import installation_store
    from amparo.settings import load_settings
    from amparo.store.db import transaction
    from amparo.store.models import User

    settings = load_settings()
    with installation_store(settings) as made:
        with transaction(made) as session:
            user_id = ""
            if acting is not None:
                user = session.scalars(
                    select(User).where(or_(User.id == acting, User.name == acting))
                ).first()
                if user is None or not may_resolve_identity(user):
                    raise AuthError(
                        f"'{acting}' is not an officer, supervisor or admin of a US agency; identity decisions are theirs"
                    )
                user_id = user.id
            yield session, user_id


def _print(value: Any, as_json: bool, text: Callable[[Any], str]) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=1) if as_json else text(value))


def _review_text(item: dict[str, Any]) -> str:
    evidence = item["evidence"]
    weights = ", ".join(
        f"{f['comparison']}={f['level']} ({f['match_weight']:+.1f})" for f in evidence.get("fields", [])
    )
    score = evidence.get("biometric_score")
    biometric = (
        "not searched" if score is None else f"{score:.3f} ({evidence.get('biometric_weight', 0):+.1f})"
    )
    lines = [
        f"{item['id']} [{item['status']}] encounter {item['encounter_id']} (person {item['encounter_person_id']})"
        f" may be {item['candidate_person_id']}: p={item['match_probability']:.3f}",
        f"  agreed: {', '.join(evidence.get('agreed', [])) or 'none'}; weights: {weights or 'none'}",
        f"  biometric score: {biometric}",
    ]
    decision = item.get("decision")
    if decision:
        lines.append(f"  decision: {decision['decision']} by {item['decided_by']}: {decision['reason']}")
    return "\n".join(lines)


def identity_review(
    acting: ACTING,
    review_id: Annotated[str | None, typer.Argument(help="One review to show (default: the queue).")] = None,
    status: Annotated[str, typer.Option("--status", help="open, link or distinct.")] = "open",
    limit: Annotated[int, typer.Option("--limit", help="At most this many.")] = 20,
    as_json: AS_JSON = False,
) -> None:
    """The review queue (most likely first) or one review, with its evidence."""
    from amparo.identity import decisions

    with _store(acting) as (session, _user):
        if review_id is not None:
            _print(decisions.get_review(session, review_id), as_json, _review_text)
            return
        items = decisions.queue(session, status=status, limit=limit)
    _print(items, as_json, lambda xs: "\n".join(_review_text(x) for x in xs) or f"no {status} reviews")


def _decide(decision: str) -> Callable[..., None]:
    def command(
        review_id: Annotated[str, typer.Argument(help="The review (IR-...).")],
        acting: ACTING,
        reason: REASON,
        as_json: AS_JSON = False,
    ) -> None:
        from amparo.identity import decisions

        with _store(acting) as (session, user_id):
            view = decisions.decide(session, review_id, decision, by=user_id, reason=reason)  # type: ignore[arg-type]
        _print(view, as_json, _review_text)

    command.__doc__ = {
        "link": "Decide a review: the encounter IS the candidate person (their encounters are joined; undo reverses).",
        "distinct": "Decide a review: the encounter is NOT the candidate person (undo reopens it).",
    }[decision]
    return command


def _change_text(change: dict[str, Any]) -> str:
    agreed = (change.get("evidence") or {}).get("agreed")
    return (
        f"{change['id']}: {change['kind']} of {len(change['encounter_ids'])} encounter(s) "
        f"{change['from_person_id']} -> {change['to_person_id']}"
        + (f"; agreed: {', '.join(agreed)}" if agreed else "")
    )


def identity_merge(
    keep: Annotated[str, typer.Argument(help="The person kept.")],
    absorb: Annotated[str, typer.Argument(help="The person whose encounters move to KEEP.")],
    acting: ACTING,
    reason: REASON,
    as_json: AS_JSON = False,
) -> None:
    """Merge two persons (explained by the model, audited; undo reverses)."""
    from amparo.identity import decisions

    with _store(acting) as (session, user_id):
        change = decisions.merge_persons(session, keep=keep, absorb=absorb, by=user_id, reason=reason)
    _print(change, as_json, _change_text)


def identity_split(
    person_id: Annotated[str, typer.Argument(help="The person to split.")],
    encounter_ids: Annotated[list[str], typer.Argument(help="Encounters that move to a new person.")],
    acting: ACTING,
    reason: REASON,
    as_json: AS_JSON = False,
) -> None:
    """Move encounters of a person to a new person (audited; undo reverses)."""
    from amparo.identity import decisions

    with _store(acting) as (session, user_id):
        change = decisions.split_person(
            session, person_id=person_id, encounter_ids=encounter_ids, by=user_id, reason=reason
        )
    _print(change, as_json, _change_text)


def identity_undo(
    target: Annotated[str, typer.Argument(help="A decided review (IR-...) or a merge or split (IC-...).")],
    acting: ACTING,
    reason: REASON,
    as_json: AS_JSON = False,
) -> None:
    """Undo a review decision (the review reopens) or a merge or split (encounters move back)."""
    from amparo.identity import decisions

    with _store(acting) as (session, user_id):
        view = decisions.undo(session, target, by=user_id, reason=reason)
    _print(view, as_json, lambda v: _review_text(v) if "evidence" in v else _change_text(v))


def identity_index(
    every_kind: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Also add to persons indexed before the keys of kinds added since (e.g. the "
            "surname-pair key): run once after upgrading.",
        ),
    ] = False,
) -> None:
    """Index persons stored without blocking keys (made before the index existed); intake indexes its own."""
    from amparo.identity.blocking import index_missing_keys, index_unindexed_persons

    with _store(None) as (session, _user):
        done = index_unindexed_persons(session)
        added = index_missing_keys(session) if every_kind else None
    typer.echo(
        f"{done} person(s) indexed" + (f"; {added} key(s) of newer kinds added" if added is not None else "")
    )


def register(app: typer.Typer) -> None:
    """Add ``link``, ``synth population`` and ``identity ...`` to the application."""
    app.command("link")(link)
    synth_app = typer.Typer(help="Synthetic data with ground truth.", no_args_is_help=True)
    synth_app.command("population")(synth_population)
    from amparo.cli.batch import synth_encounters  # the batch area's generator (issue 14)

    synth_app.command("encounters")(synth_encounters)
    app.add_typer(synth_app, name="synth")
    identity_app = typer.Typer(
        help="Identity decisions: the review queue, link, distinct, merge, split, undo.", no_args_is_help=True
    )
    identity_app.command("review")(identity_review)
    identity_app.command("link")(_decide("link"))
    identity_app.command("distinct")(_decide("distinct"))
    identity_app.command("merge")(identity_merge)
    identity_app.command("split")(identity_split)
    identity_app.command("undo")(identity_undo)
    identity_app.command("index")(identity_index)
    app.add_typer(identity_app, name="identity")
