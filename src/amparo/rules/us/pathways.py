"""Legal pathways as dated instruments: the supplemental H-2B visas set aside for nationals of the
Northern Triangle, and the 2024 US–El Salvador commitment on H-2 work visas.

They decide no screening outcome (no rule cites them); they are in the law book so that the flows
charts draw them beside the agreements and bars, and so that scenarios can name them.

Sources and certainty. The legal brief does not cover these pathways. The allocations come from
the project's data notes (State Department visa data, "policy dates for scenarios"): 6,000 visas
in FY2021 (Guatemala, Honduras, El Salvador); 6,500 announced in December 2021 (Haiti added);
20,000 in FY2023 and in FY2024 (FY2024 adds Colombia, Costa Rica and Ecuador). Those notes give
the fiscal year (or the month) but not the day, so each allocation is dated to the first day of
its fiscal year (or month) with certainty U, and the text says so. That the allocations were
made by temporary final rules is from memory (M) and is not relied on. The 2024 commitment is
quoted from the DHS readout of 2024-06-01 (seed document 004), certainty V.
"""

from __future__ import annotations

from amparo.rules.rules_api import Event, Instrument, d

_NOTES = "Project data notes, state/niv-monthly: policy dates for scenarios"
_DAY_OPEN = "dated to the first day of the fiscal year; the month and day are not in amparo's sources"

PATHWAY_INSTRUMENTS: tuple[Instrument, ...] = (
    Instrument(
        "h2b_supplemental_fy2021",
        "Supplemental H-2B visas set aside for nationals of Guatemala, Honduras and El Salvador (FY2021)",
        "regulation",
        (_NOTES,),
        events=(
            Event(d("2020-10-01"), "in_force",
                  f"FY2021: 6,000 supplemental H-2B visas set aside for GT, HN and SV nationals ({_DAY_OPEN})",
                  (_NOTES,), "U"),
        ),
        notes="Kind 'regulation' from memory (M): DHS and DOL temporary final rules; not relied on.",
    ),
    Instrument(
        "h2b_supplemental_fy2022",
        "Supplemental H-2B visas set aside for nationals of the Northern Triangle and Haiti (FY2022)",
        "regulation",
        (_NOTES,),
        events=(
            Event(d("2021-12-01"), "reported",
                  "6,500 supplemental H-2B visas set aside, Haiti added (announced December 2021; day unknown)",
                  (_NOTES,), "U"),
        ),
        notes="Kind 'regulation' from memory (M): DHS and DOL temporary final rules; not relied on.",
    ),
    Instrument(
        "h2b_supplemental_fy2023",
        "Supplemental H-2B visas set aside for nationals of the Northern Triangle (FY2023)",
        "regulation",
        (_NOTES,),
        events=(
            Event(d("2022-10-01"), "in_force",
                  f"FY2023: 20,000 supplemental H-2B visas set aside ({_DAY_OPEN})", (_NOTES,), "U"),
        ),
        notes="Kind 'regulation' from memory (M): DHS and DOL temporary final rules; not relied on.",
    ),
    Instrument(
        "h2b_supplemental_fy2024",
        "Supplemental H-2B visas set aside for nationals of the Northern Triangle, Colombia, Costa Rica and "
        "Ecuador (FY2024)",
        "regulation",
        (_NOTES,),
        events=(
            Event(d("2023-10-01"), "in_force",
                  f"FY2024: 20,000 supplemental H-2B visas set aside; Colombia, Costa Rica and Ecuador added "
                  f"({_DAY_OPEN})", (_NOTES,), "U"),
        ),
        notes="Kind 'regulation' from memory (M): DHS and DOL temporary final rules; not relied on.",
    ),
    Instrument(
        "h2_commitment_el_salvador_2024",
        "US–El Salvador commitment to increase the use of H-2 temporary work visas by Salvadoran nationals",
        "arrangement",
        ("DHS readout of Secretary Mayorkas's visit to El Salvador, 2024-06-01",),
        events=(
            Event(d("2024-06-01"), "reported",
                  "Mayorkas and Bukele commit to 'increasing the utilization of H-2 temporary work visas for "
                  "Salvadoran nationals'",
                  ("DHS readout, 2024-06-01",)),
        ),  # fmt: skip
        notes="A political commitment recorded in a readout: no number of visas and no date of effect.",
    ),
)  # fmt: skip
