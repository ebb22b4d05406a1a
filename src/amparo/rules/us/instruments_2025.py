"""The US pack's instruments of 2025 (brief §1.2, §2.7, §4.4): the agreements and arrangements,
each a record of what the brief knows (:mod:`amparo.rules.us.agreements`) and flagged
``aca_2025_unverified``, EO 14165 and Proclamation 10888."""

from __future__ import annotations

from amparo.rules.rules_api import Event, Instrument, d
from amparo.rules.us.agreements import RECORDS

INSTRUMENTS_2025: tuple[Instrument, ...] = (
    Instrument(
        "aca_guatemala_2025",
        "US–Guatemala arrangement of 2025 (exchange of notes)",
        "agreement",
        ("Diario Oficial de Guatemala 2025-07-16",),
        events=(
            Event(d("2025-06-13"), "signed", "Exchange of notes of June 11–13, 2025", ("Guatemalan press",)),
            Event(
                d("2025-06-27"),
                "in_force",
                "In force; Guatemala considers requests of Central American nationals transferred by the US; 30 days' notice",
                ("Diario Oficial de Guatemala 2025-07-16",),
            ),
        ),
        notes=RECORDS["aca_guatemala_2025"].notes(),
        flags=("aca_2025_unverified",),
    ),
    Instrument(
        "aca_honduras_2025",
        "US–Honduras agreement of 2025",
        "agreement",
        ("DHS announcement 2025-06-26", "CBS-sourced reports, Aug. 2025"),
        events=(
            Event(
                d("2025-06-26"),
                "reported",
                "Announced by Secretary Noem; 'several hundred' Spanish-speaking Latin Americans over two years, families included",
                ("DHS announcement 2025-06-26",),
            ),
        ),
        notes=RECORDS["aca_honduras_2025"].notes(),
        flags=("aca_2025_unverified",),
    ),
    Instrument(
        "aca_paraguay_2025",
        "US–Paraguay Safe Third Country Agreement",
        "agreement",
        ("Reports of 2025-08-15",),
        events=(
            Event(
                d("2025-08-15"),
                "signed",
                "Signed by Rubio and Ramírez Lezcano (reported); CONARE decides referred cases",
                ("Voz, 2025-08-15",),
            ),
        ),
        notes=RECORDS["aca_paraguay_2025"].notes(),
        flags=("aca_2025_unverified",),
    ),
    Instrument(
        "aca_uganda_2025",
        "US–Uganda agreement for cooperation in the examination of protection requests",
        "agreement",
        ("AllAfrica/Reuters 2025-08-21",),
        events=(
            Event(
                d("2025-08-21"),
                "reported",
                "Confirmed by Uganda; excludes people with criminal records and unaccompanied minors",
                ("AllAfrica/Reuters 2025-08-21",),
            ),
        ),
        notes=RECORDS["aca_uganda_2025"].notes(),
        flags=("aca_2025_unverified",),
    ),
    Instrument(
        "proclamation_10888",
        "Proclamation 10888",
        "proclamation",
        ("Proclamation 10888",),
        events=(
            Event(
                d("2025-01-20"),
                "reported",
                "An overlay 'from 2025' (the brief gives no day; the day of EO 14165 is used)",
                ("Proclamation 10888",),
                "U",
            ),
        ),
        flags=("proclamation_10888",),
    ),
    Instrument(
        "eo_14165",
        "EO 14165, Securing Our Borders",
        "proclamation",
        ("EO 14165",),
        events=(
            Event(
                d("2025-01-20"),
                "signed",
                "Directs resumption of MPP (§6) and more 'safe third country' agreements",
                ("EO 14165",),
            ),
        ),
    ),
    Instrument(
        "aca_ecuador_2025",
        "US–Ecuador agreement (reported in progress)",
        "agreement",
        ("U.T. v. Noem amended complaint (2025-10-21)",),
        events=(
            Event(
                d("2025-10-21"),
                "reported",
                "Alleged to be in progress in the U.T. v. Noem amended complaint",
                ("U.T. v. Noem amended complaint (2025-10-21)",),
                "U",
            ),
        ),
        notes=RECORDS["aca_ecuador_2025"].notes(),
        flags=("aca_2025_unverified",),
    ),
    Instrument(
        "third_country_arrangements_2025",
        "Third-country arrangements of 2025 (Panama, Costa Rica, El Salvador, Rwanda, Eswatini, South Sudan, others)",
        "arrangement",
        ("Reports of 2025 third-country arrangements",),
        notes=RECORDS["third_country_arrangements_2025"].notes(),
        flags=("aca_2025_unverified",),
    ),
)
