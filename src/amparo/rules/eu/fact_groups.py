"""The EU pack's facts of an application's lists, column-wise: :mod:`amparo.rules.eu.facts` over the
family, the residence documents and visas, the entries, the stays and the Eurodac hits of many
applications at once (:mod:`amparo.rules.eu.fact_columns` puts them together).

Each list's items are read one row per item (``explode``) beside the row's own values they are
compared with (the reference date, the framework, the lodging State), then folded back to one row
per application (``group_by`` the row's index, in order): the first item that holds, the number of
States, a preference among documents. No Python runs per row. Every fold follows the single
extraction's order: a stable sort's first (``sorted``, ``min``, ``max`` keep the first listed of a
tie) is the first listed item at the least or greatest date.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from amparo.engine.columnar import MAPPING_FIELDS
from amparo.engine.columnar import polars_module as pl_module
from amparo.rules.eu.facts import _FAMILY, LEGALLY_PRESENT, WINDOWS

ROW = "_eu_row"
_ITEM = "_eu_item"

#: The frameworks the column form knows, each with its windows read from :data:`WINDOWS` (no
#: second table); a row under another (a rule change naming a new one) is read one by one.
FRAMEWORKS = ("dublin_iii", "ammr")
_DUBLIN, _AMMR = (WINDOWS[name] for name in FRAMEWORKS)


def add_months(day: Any, months: int) -> Any:
    """``day`` plus ``months`` calendar months, clipped to a shorter month's end, as
    :func:`amparo.engine.periods.add_months` (Polars' ``offset_by`` clips the same way; a test
    checks it on month ends and leap days)."""
    return day.dt.offset_by(f"{months}mo")


def _months(amount: int, unit: str) -> int:
    if unit == "months":
        return amount
    if unit == "years":
        return 12 * amount
    raise ValueError(f"the EU windows are in months or years, not {unit}")  # pragma: no cover


def by_framework(ammr: Any, dublin_iii: Any, ammr_value: Any) -> Any:
    """``ammr_value`` where the row reads the AMMR, else ``dublin_iii``."""
    return pl_module().when(ammr).then(ammr_value).otherwise(dublin_iii)


def sar_counts_alone(ammr: Any) -> Any:
    """Whether the row's framework counts a SAR disembarkation on its own (``Windows.sar_months``:
    the AMMR); otherwise it is read as an irregular crossing (Dublin III)."""
    pl = pl_module()
    return by_framework(ammr, pl.lit(bool(_DUBLIN.sar_months)), pl.lit(bool(_AMMR.sar_months)))


def _within_sar_months(on: Any, ref: Any, months: int | None) -> Any:
    pl = pl_module()
    return pl.lit(False) if not months else ref <= add_months(on, months)


def window_end(day: Any, ammr: Any, dublin: tuple[int, str], ammr_window: tuple[int, str]) -> Any:
    """The end of a window of the row's framework that runs from ``day``."""
    return by_framework(ammr, add_months(day, _months(*dublin)), add_months(day, _months(*ammr_window)))


def items(frame: Any, column: str, **row_values: Any) -> Any:
    """One row per item of the list ``column`` (rows with none are left out), its fields as columns
    (``fields``), with the row's index and ``row_values`` (expressions over the row) beside it, in
    the order of the rows and of their items."""
    pl = pl_module()
    exploded = (
        frame.select(
            pl.col(ROW), *(expr.alias(name) for name, expr in row_values.items()), pl.col(column).alias(_ITEM)
        )
        .explode(_ITEM)
        .filter(pl.col(_ITEM).is_not_null())
    )
    return exploded.unnest(_ITEM)


def first_of(exploded: Any, chosen: Any, values: dict[str, Any], by: Sequence[tuple[Any, bool]] = ()) -> Any:
    """Per row, ``values`` of its first chosen item in the order ``by`` (expressions, each with
    whether it is descending), the first listed of a tie (a stable sort's first, as ``sorted``,
    ``min`` and ``max`` give it)."""
    pl = pl_module()
    keys = [expr.alias(f"_key{i}") for i, (expr, _) in enumerate(by)]
    part = exploded.filter(chosen).select(pl.col(ROW), *keys, *(v.alias(n) for n, v in values.items()))
    if by:
        part = part.sort(
            [ROW, *(k.meta.output_name() for k in keys)],
            descending=[False, *(d for _, d in by)],
            maintain_order=True,
        )
    return part.group_by(ROW, maintain_order=True).agg(pl.col(name).first() for name in values)


def counts_of(exploded: Any, aggregations: list[Any]) -> Any:
    """Per row, plain ``aggregations`` of its items (sums, ``any``, a first)."""
    return exploded.group_by(ROW, maintain_order=True).agg(aggregations)


def folded(frame: Any, parts: list[Any], defaults: dict[str, Any]) -> Any:
    """The per-row ``parts`` put on every row of ``frame``, in order (``defaults`` where a row has
    no item in a part)."""
    pl = pl_module()
    out = frame.select(ROW)
    for part in parts:
        out = out.join(part, on=ROW, how="left", maintain_order="left")
    return out.with_columns(*(pl.col(name).fill_null(value) for name, value in defaults.items())).drop(ROW)


FAMILY_PREFIXES = ("uam_family", "uam_relative", "family_beneficiary", "family_pending")


def family_facts(frame: Any) -> Any:
    """``facts._first`` of the four groups of the family (``_uam``, ``_minor``: columns of ``frame``)."""
    pl = pl_module()
    exploded = items(frame, "family", _uam=pl.col("_uam"), _minor=pl.col("_minor"))
    relation, status, state = pl.col("relation"), pl.col("status"), pl.col("state")
    uam, minor = pl.col("_uam"), pl.col("_minor")
    wishes = pl.col("wishes_in_writing").fill_null(False)
    present = status.is_in(sorted(LEGALLY_PRESENT))
    # Dublin III Art. 2(g): spouse, partner, minor child; a parent only of a minor applicant.
    family = relation.is_in(sorted(_FAMILY))
    member = family | ((relation == "parent") & minor)
    chosen = {
        "uam_family": present & uam & (family | relation.is_in(("parent", "sibling"))),
        "uam_relative": present & uam & (relation == "relative"),
        "family_beneficiary": (status == "beneficiary_of_protection") & wishes & member,
        "family_pending": (status == "applicant_pending") & wishes & member,
    }
    exploded = exploded.with_columns(**{f"_{p}": c.fill_null(False) for p, c in chosen.items()})
    parts = [
        first_of(
            exploded,
            pl.col(f"_{p}"),
            {f"{p}_state": state, f"{p}_status": status, f"{p}_relation": relation},
        )
        for p in FAMILY_PREFIXES
    ]
    parts.append(
        counts_of(
            exploded,
            [
                state.filter(pl.col(f"_{p}")).n_unique().cast(pl.Int64).alias(f"{p}_state_count")
                for p in FAMILY_PREFIXES
            ],
        )
    )
    return folded(frame, parts, {f"{p}_state_count": 0 for p in FAMILY_PREFIXES})


def _preferred_issuer(exploded: Any, chosen: Any, name: str) -> Any:
    """``facts._preferred_issuer`` of the chosen documents: the residence document giving the
    longest residence (tie: later expiry), else the visa expiring last (tie: longest validity);
    the first listed on a tie."""
    pl = pl_module()
    residence = pl.col("kind") == "residence_document"
    length = (pl.col("valid_to") - pl.col("valid_from")).dt.total_days()
    end = pl.col("valid_to").cast(pl.Int64)
    by = [
        (residence, True),
        (pl.when(residence).then(length).otherwise(end), True),
        (pl.when(residence).then(end).otherwise(length), True),
    ]
    kinds = pl.col("kind").is_in(("residence_document", "visa"))
    return first_of(exploded, chosen & kinds, {name: pl.col("issued_by")}, by)


def document_facts(frame: Any) -> Any:
    """``facts._document_facts``: documents valid on the reference date, expired in time, long
    expired (``_ref``, ``_ammr``, ``_last_entry``: columns of ``frame``)."""
    pl = pl_module()
    ref, ammr = pl.col("_ref"), pl.col("_ammr")
    exploded = items(frame, "documents", _ref=ref, _ammr=ammr, _last=pl.col("_last_entry"))
    start, end, kind = pl.col("valid_from"), pl.col("valid_to"), pl.col("kind")
    # An expired document the applicant left the territories after (an entry after its expiry)
    # does not count (``left_after``).
    expired = (end < ref) & ~(pl.col("_last") > end).fill_null(False)
    until = (
        pl.when(kind == "residence_document")
        .then(window_end(end, ammr, _DUBLIN.residence_expired, _AMMR.residence_expired))
        .otherwise(window_end(end, ammr, _DUBLIN.visa_expired, _AMMR.visa_expired))
    )
    exploded = exploded.with_columns(
        _valid=((start <= ref) & (ref <= end)).fill_null(False), _expired=expired.fill_null(False)
    ).with_columns(_in_time=(pl.col("_expired") & (ref < until)).fill_null(False))
    valid, in_time = pl.col("_valid"), pl.col("_in_time")
    counts = counts_of(
        exploded,
        [
            pl.col("issued_by").filter(valid).n_unique().cast(pl.Int64).alias("valid_document_issuer_count"),
            (valid & (kind == "residence_document")).any().alias("valid_residence_document"),
            (valid & (kind == "visa")).any().alias("valid_visa"),
            (pl.col("_expired").sum() > in_time.sum()).alias("long_expired_document"),
        ],
    )
    parts = [
        counts,
        _preferred_issuer(exploded, valid, "valid_document_issuer"),
        _preferred_issuer(exploded, in_time, "expired_document_issuer"),
    ]
    defaults = {
        "valid_document_issuer_count": 0,
        "valid_residence_document": False,
        "valid_visa": False,
        "long_expired_document": False,
    }
    return folded(frame, parts, defaults)


def entry_facts(frame: Any) -> Any:
    """``facts._entry_facts`` (``_ref``, ``_ammr``, ``lodged_in``: columns of ``frame``)."""
    pl = pl_module()
    ref, ammr = pl.col("_ref"), pl.col("_ammr")
    exploded = items(frame, "entries", _ref=ref, _ammr=ammr, _in=pl.col("lodged_in"))
    kind, on = pl.col("kind"), pl.col("on")
    before = on <= ref
    # Under Dublin III a SAR disembarkation is read as a crossing; the AMMR counts it on its own.
    alone = sar_counts_alone(ammr)
    crossing_kind = (kind == "irregular_border_crossing") | ((kind == "sar_disembarkation") & ~alone)
    crossing_until = by_framework(
        ammr, add_months(on, _DUBLIN.crossing_months), add_months(on, _AMMR.crossing_months)
    )
    sar = before & (kind == "sar_disembarkation")
    exploded = exploded.with_columns(
        _crossing=(before & crossing_kind & (ref <= crossing_until)).fill_null(False),
        _sar=sar.fill_null(False),
        _sar_within=(
            sar
            & by_framework(
                ammr,
                _within_sar_months(on, ref, _DUBLIN.sar_months),
                _within_sar_months(on, ref, _AMMR.sar_months),
            )
        ).fill_null(False),
        _alone=alone,
        _waived=(before & (kind == "visa_waived_entry")).fill_null(False),
    )
    earliest = [(on, False)]
    parts = [
        first_of(
            exploded,
            pl.col("_crossing"),
            {"irregular_crossing_state": pl.col("state"), "irregular_crossing_kind": kind},
            earliest,
        ),
        first_of(exploded, pl.col("_sar_within"), {"sar_disembarkation_state": pl.col("state")}, earliest),
        # the last of the sorted entries: the last listed at the latest date
        first_of(
            exploded,
            pl.col("_waived"),
            {"visa_waived_entry_state": pl.col("state")},
            [(on, True), (pl.int_range(pl.len()), True)],
        ),
        counts_of(
            exploded,
            [
                (pl.col("_alone").first() & (pl.col("_sar").sum() > pl.col("_sar_within").sum())).alias(
                    "sar_lapsed"
                ),
                ((kind == "airport_transit") & (pl.col("state") == pl.col("_in")))
                .any()
                .alias("airport_transit_in_lodging_state"),
            ],
        ),
    ]
    return folded(frame, parts, {"sar_lapsed": False, "airport_transit_in_lodging_state": False})


def stay_facts(frame: Any) -> Any:
    """``facts._five_month_stay_state`` (Dublin III Art. 13(2)), null under the AMMR."""
    pl = pl_module()
    ref = pl.col("_ref")
    exploded = items(frame, "stays", _ref=ref, _ammr=pl.col("_ammr"))
    start = pl.col("from")
    end = pl.min_horizontal(pl.col("to"), ref)
    # only where SAR disembarkations are read as crossings (``Windows.sar_months`` None: Dublin III)
    read = ~sar_counts_alone(pl.col("_ammr"))
    long_enough = ((start <= end) & (add_months(start, 5) <= end) & read).fill_null(False)
    # several: the one that ends last (the first listed of a tie)
    part = first_of(exploded, long_enough, {"five_month_stay_state": pl.col("state")}, [(end, True)])
    return folded(frame, [part], {})


def hit_facts(frame: Any) -> Any:
    """``category2_hits`` (State → its earliest category 2 hit, the States in the order first met)
    as a list of ``{key, value}`` structs, and their number."""
    pl = pl_module()
    key, value = MAPPING_FIELDS
    exploded = items(frame, "eurodac_hits").filter(pl.col("category") == 2)
    by_state = exploded.group_by(ROW, pl.col("state").alias(key), maintain_order=True).agg(
        pl.col("on").min().alias(value)
    )
    hits = by_state.group_by(ROW, maintain_order=True).agg(pl.struct(key, value).alias("category2_hits"))
    empty = pl.lit([], dtype=pl.List(pl.Struct({key: pl.String, value: pl.Date})))
    out = frame.select(ROW).join(hits, on=ROW, how="left", maintain_order="left")
    return out.select(
        pl.col("category2_hits").fill_null(empty),
        pl.col("category2_hits").list.len().fill_null(0).cast(pl.Int64).alias("category2_hit_state_count"),
    )


def previous_facts(frame: Any) -> Any:
    """The earliest previous application's day and State (the first listed of a tie), and the
    States of every previous application in the order of their days, each once
    (``previous_application_states``)."""
    pl = pl_module()
    exploded = items(frame, "previous_applications")
    earliest = first_of(
        exploded,
        pl.lit(True),
        {"_earliest_on": pl.col("lodged_on"), "_earliest_state": pl.col("state")},
        [(pl.col("lodged_on"), False)],
    )
    states = (
        exploded.sort([ROW, "lodged_on"], maintain_order=True)
        .group_by(ROW, maintain_order=True)
        .agg(pl.col("state").unique(maintain_order=True).alias("previous_application_states"))
    )
    empty = pl.lit([], dtype=pl.List(pl.String))
    return folded(frame, [earliest, states], {"previous_application_states": empty})
