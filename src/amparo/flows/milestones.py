"""The law book's dated events as chart milestones: plain words in English or Spanish, never ids.

Charts mark each milestone with a number above the plot and list the numbers in a key below it,
so labels never overlap however close the dates are. :func:`stagger` puts numbers that would
touch on separate rows; the key gives the date and a short plain sentence ("Guatemala ACA
implemented" / "ACA con Guatemala aplicado"). Instrument ids stay machine-readable in the SVG
element ids only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

LANGUAGES = ("en", "es")

#: Short plain names of the law book's instruments (English, Spanish).
NAMES: dict[str, tuple[str, str]] = {
    "confidentiality_208_6": ("Asylum confidentiality rule", "Regla de confidencialidad del asilo"),
    "entry_proclamation_bar_2018": ("2018 entry-proclamation bar", "Veto por proclamación de 2018"),
    "mpp": ("Remain in Mexico (MPP)", "Quédate en México (MPP)"),
    "transit_rule_2019": ("Third-country transit bar", "Veto por tránsito por terceros países"),
    "transit_final_rule_2020": ("Transit bar final rule", "Regla final del veto por tránsito"),
    "aca_guatemala_2019": ("Guatemala ACA", "ACA con Guatemala"),
    "aca_el_salvador_2019": ("El Salvador ACA", "ACA con El Salvador"),
    "aca_honduras_2019": ("Honduras ACA", "ACA con Honduras"),
    "aca_rule_2019": ("ACA rule", "Regla de los ACA"),
    "title42_order": ("Title 42 expulsions", "Expulsiones del Título 42"),
    "lawful_pathways_2023": ("Lawful Pathways rule", "Regla de vías legales"),
    "securing_border_2024": ("Securing the Border rule", "Regla «Asegurar la frontera»"),
    "proclamation_10888": ("Proclamation 10888 ('invasion')", "Proclamación 10888 («invasión»)"),
    "aca_guatemala_2025": ("Guatemala 2025 arrangement", "Acuerdo de 2025 con Guatemala"),
    "aca_honduras_2025": ("Honduras 2025 agreement", "Acuerdo de 2025 con Honduras"),
    "aca_paraguay_2025": ("Paraguay safe third country agreement", "Acuerdo de tercer país seguro con Paraguay"),
    "aca_uganda_2025": ("Uganda agreement", "Acuerdo con Uganda"),
    "aca_ecuador_2025": ("Ecuador agreement (in progress)", "Acuerdo con Ecuador (en curso)"),
    "eo_14165": ("Executive order 14165 ('Securing Our Borders')", "Orden ejecutiva 14165 («Asegurar nuestras fronteras»)"),
    "h2b_supplemental_fy2021": ("FY2021 H-2B visas for Northern Triangle", "Visas H-2B 2021 para el Triángulo Norte"),
    "h2b_supplemental_fy2022": ("FY2022 H-2B visas for Northern Triangle and Haiti",
                                "Visas H-2B 2022 para el Triángulo Norte y Haití"),
    "h2b_supplemental_fy2023": ("FY2023 H-2B visas for Northern Triangle", "Visas H-2B 2023 para el Triángulo Norte"),
    "h2b_supplemental_fy2024": ("FY2024 H-2B visas for Central America", "Visas H-2B 2024 para Centroamérica"),
    "h2_commitment_el_salvador_2024": ("US–El Salvador H-2 visa commitment",
                                       "Compromiso EE. UU.–El Salvador sobre visas H-2"),
}  # fmt: skip

#: What happened, by event kind (English, Spanish).
VERBS: dict[str, tuple[str, str]] = {
    "effective": ("takes effect", "entra en vigor"),
    "implemented": ("implemented", "aplicado"),
    "signed": ("signed", "firmado"),
    "enjoined": ("blocked by a court", "bloqueado por un tribunal"),
    "vacated": ("struck down by a court", "anulado por un tribunal"),
    "expanded": ("expanded", "ampliado"),
    "narrowed": ("narrowed by a court", "limitado por un tribunal"),
    "stayed": ("court ruling stayed", "fallo judicial suspendido"),
    "suspended": ("suspended", "suspendido"),
    "terminated": ("ended", "terminado"),
    "in_force": ("in force", "en vigor"),
    "resumed": ("resumed", "reanudado"),
    "rescinded": ("guidance rescinded", "guía revocada"),
    "ratified": ("ratified", "ratificado"),
    "published": ("published", "publicado"),
    "reported": ("announced", "anunciado"),
    "announced": ("announced", "anunciado"),
    "allocated": ("visas allocated", "visas asignadas"),
}


def plain_label(instrument_id: str, kind: str, title: str = "", language: str = "en") -> str:
    """ "Guatemala ACA implemented": the instrument's short name and what happened, in plain words."""
    index = 1 if language == "es" else 0
    name = (
        NAMES[instrument_id][index] if instrument_id in NAMES else (title or instrument_id.replace("_", " "))
    )
    verb = VERBS[kind][index] if kind in VERBS else kind.replace("_", " ")
    return f"{name} {verb}"


@dataclass(frozen=True)
class Marker:
    """One numbered marker: a day, what happened that day, and the row it is drawn on."""

    number: int
    on: dt.date
    labels: tuple[str, ...]
    instruments: tuple[str, ...]
    row: int


def stagger(positions: Sequence[float], min_gap: float) -> list[int]:
    """A row for each position (sorted ascending) so that no two on the same row are closer than
    ``min_gap``: each takes the lowest row whose last position is far enough behind."""
    last_on_row: list[float] = []
    rows = []
    for x in positions:
        row = next((i for i, last in enumerate(last_on_row) if x - last >= min_gap), len(last_on_row))
        if row == len(last_on_row):
            last_on_row.append(x)
        else:
            last_on_row[row] = x
        rows.append(row)
    return rows


def markers(
    events: Sequence[tuple[dt.date, str, str, str]],
    start: dt.date,
    end: dt.date,
    *,
    language: str = "en",
    min_gap: float = 0.025,
) -> list[Marker]:
    """Numbered markers for ``(date, instrument id, kind, title)`` events between ``start`` and ``end``.

    Events on the same day share a number. ``min_gap`` is the smallest distance, as a share of
    the time axis, between two numbers drawn on one row.
    """
    by_day: dict[dt.date, list[tuple[str, str]]] = {}
    for on, instrument, kind, title in sorted(events):
        if start <= on <= end:
            label = plain_label(instrument, kind, title, language)
            entry = by_day.setdefault(on, [])
            if (instrument, label) not in entry:
                entry.append((instrument, label))
    days = sorted(by_day)
    span = max((end - start).days, 1)
    rows = stagger([(d - start).days / span for d in days], min_gap)
    return [
        Marker(n, day, tuple(lab for _i, lab in by_day[day]), tuple(i for i, _lab in by_day[day]), row)
        for n, (day, row) in enumerate(zip(days, rows, strict=True), start=1)
    ]
