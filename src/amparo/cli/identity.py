"""Commands of the identity area: ``amparo link`` and ``amparo synth population``.

Heavy libraries (Splink, DuckDB, NumPy) are imported inside the commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from amparo.errors import FieldError, InputError


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
    left = read_records(file_a)
    right = read_records(file_b) if file_b is not None else None
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
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives identical files.")],
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


def register(app: typer.Typer) -> None:
    """Add ``link`` and ``synth population`` to the application."""
    app.command("link")(link)
    synth_app = typer.Typer(help="Synthetic data with ground truth.", no_args_is_help=True)
    synth_app.command("population")(synth_population)
    app.add_typer(synth_app, name="synth")
