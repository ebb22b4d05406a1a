"""The instruments of the EU pack, each with its dated lifecycle and the certainty the brief gives it.

Legal brief §7 (and shared/spec/eu/README.md §8 for the articles seen). Where the brief gives no
date, none is written: an instrument without events is listed for its citations only.
"""

from __future__ import annotations

from amparo.rules.eu.dates import AMMR_APPLIES_FROM, COVERAGE_START
from amparo.rules.rules_api import Event, Instrument, d

DUBLIN_III = Instrument(
    id="dublin_iii",
    title="Dublin III: Regulation (EU) No 604/2013 establishing the criteria and mechanisms for "
    "determining the Member State responsible for examining an application for international protection",
    kind="regulation",
    citations=("Regulation (EU) No 604/2013", "OJ L 180, 29.6.2013, p. 31"),
    events=(
        Event(
            COVERAGE_START,
            "effective",
            "Applies to applications lodged from 1 January 2014 (Art. 49) [not in the legal brief].",
            ("Reg. 604/2013 Art. 49",),
            certainty="M",
        ),
        Event(
            AMMR_APPLIES_FROM,
            "narrowed",
            "Applications registered from 1 July 2026 fall under the AMMR; Dublin III keeps deciding "
            "those registered before (AMMR Art. 84(2)).",
            ("Reg. 2024/1351 Art. 84(2)", "Reg. 2024/1351 Art. 85"),
        ),
    ),
    notes="Criteria Arts. 7–15, default Art. 3(2); time limits Arts. 21, 22, 23, 25, 28, 29, 42 "
    "(brief §7.1–7.2). Arts. 11 (family procedure), 16 (dependent persons) and 17 (discretionary "
    "clauses) cannot be expressed in an amparo/eu-application@1 document.",
)

DUBLIN_IMPLEMENTING = Instrument(
    id="dublin_implementing_1560_2003",
    title="Commission Regulation (EC) No 1560/2003 laying down detailed rules for the application of "
    "the Dublin Regulation (forms, DubliNet, proof and circumstantial evidence)",
    kind="regulation",
    citations=("Regulation (EC) No 1560/2003",),
    notes="Named by issue 13; not in the legal brief. Its dates are not recorded here [U]. amparo takes "
    "a request sent through DubliNet as received the same day (spec §3, 's').",
)

AMMR_IMPLEMENTING = Instrument(
    id="ammr_implementing_2025_2055",
    title="Commission Implementing Regulation (EU) 2025/2055, named by issue 13 as the AMMR-era "
    "replacement of Regulation (EC) No 1560/2003",
    kind="regulation",
    citations=("Implementing Regulation (EU) 2025/2055",),
    notes="Not in the legal brief: its content and dates were not checked [U]; no rule reads it.",
)

AMMR = Instrument(
    id="ammr",
    title="AMMR: Regulation (EU) 2024/1351 on asylum and migration management",
    kind="regulation",
    citations=("Regulation (EU) 2024/1351",),
    events=(
        Event(d("2024-05-14"), "signed", "Adopted on 14 May 2024.", ("Reg. 2024/1351",)),
        Event(d("2024-06-11"), "in_force", "Entered into force (eumonitor).", ("Reg. 2024/1351 Art. 85",)),
        Event(
            AMMR_APPLIES_FROM,
            "effective",
            "Applies from 1 July 2026 (Art. 85), to applications registered from that date; events "
            "before it count (Art. 84(1)). Registration on the day itself: flag eu_transition_day.",
            ("Reg. 2024/1351 Art. 85", "Reg. 2024/1351 Art. 84(1)"),
        ),
    ),
    flags=("eu_transition_day",),
    notes="Criteria Arts. 25–33, default Art. 16(2); time limits Arts. 39, 40, 41, 45, 46 (brief §7.3). "
    "Arts. 28 (family procedure), 30 (diplomas), 33(3) (relocation) and 34 (dependent persons) "
    "cannot be expressed in an amparo/eu-application@1 document.",
)

EURODAC_2013 = Instrument(
    id="eurodac_2013",
    title="Eurodac Regulation (EU) No 603/2013 (category 1, 2 and 3 records: Arts. 9, 14, 17)",
    kind="regulation",
    citations=("Regulation (EU) No 603/2013",),
    notes="A category-2 hit (Art. 14) starts the shorter Dublin III request period (Art. 21(1)).",
)

EURODAC_2024 = Instrument(
    id="eurodac_2024",
    title="Eurodac Regulation (EU) 2024/1358 (irregular crossing Art. 22, search and rescue Art. 24)",
    kind="regulation",
    citations=("Regulation (EU) 2024/1358",),
    events=(
        Event(
            d("2026-06-12"),
            "effective",
            "Applies mostly from 12 June 2026 (brief §7.3) [M].",
            ("Reg. 2024/1358",),
            certainty="M",
        ),
    ),
)

ASYLUM_PROCEDURE = Instrument(
    id="apr",
    title="Asylum Procedure Regulation (EU) 2024/1348 (making, registering and lodging an application)",
    kind="regulation",
    citations=("Regulation (EU) 2024/1348",),
    events=(
        Event(
            d("2026-06-12"),
            "effective",
            "Applies mostly from 12 June 2026 (brief §7.3) [M].",
            ("Reg. 2024/1348",),
            certainty="M",
        ),
    ),
    notes="Bears on responsibility through the registration date the AMMR's clocks run from.",
)

SCREENING = Instrument(
    id="screening_regulation",
    title="Screening Regulation (EU) 2024/1356",
    kind="regulation",
    citations=("Regulation (EU) 2024/1356",),
    events=(
        Event(
            d("2026-06-12"),
            "effective",
            "Applies mostly from 12 June 2026 (brief §7.3) [M].",
            ("Reg. 2024/1356",),
            certainty="M",
        ),
    ),
)

TIME_LIMITS = Instrument(
    id="time_limits_1182_71",
    title="Regulation (EEC, Euratom) No 1182/71 determining the rules applicable to periods, dates and time limits",
    kind="regulation",
    citations=("Reg. 1182/71 Art. 3(1)–(2)(c)",),
    notes="Month periods end on the same day number, or the month's last day (spec §3). Art. 3(4) "
    "(roll-forward off a weekend or holiday) is not applied: flag eu_no_rollover.",
)

MENGESTEAB = Instrument(
    id="cjeu_mengesteab",
    title="CJEU C-670/16 Mengesteab: no valid take charge request after 3 months, even within 2 months of a hit",
    kind="court_order",
    citations=("CJEU C-670/16 Mengesteab",),
)

JAWO = Instrument(
    id="cjeu_jawo",
    title="CJEU C-163/17 Jawo: absconding and the 18-month transfer period",
    kind="court_order",
    citations=("CJEU C-163/17 Jawo",),
)

MA = Instrument(
    id="cjeu_ma",
    title="CJEU C-648/11 MA: an unaccompanied minor without family is examined where present and lodged",
    kind="court_order",
    citations=("CJEU C-648/11 MA",),
)

INSTRUMENTS = (
    DUBLIN_III,
    DUBLIN_IMPLEMENTING,
    AMMR,
    AMMR_IMPLEMENTING,
    EURODAC_2013,
    EURODAC_2024,
    ASYLUM_PROCEDURE,
    SCREENING,
    TIME_LIMITS,
    MENGESTEAB,
    JAWO,
    MA,
)
