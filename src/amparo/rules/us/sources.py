"""The source registry of the US pack: every citation and every date the pack names, with where it
was verified. A test fails when the pack names a citation or a date that is not here.

``where`` is a section of the legal brief (``shared/research/legal-rules.md``) or, for a fact
from outside the brief, its public source; ``certainty`` is the brief's tag (V verified, M from
memory, U uncertain); ``flag`` names the pack's flag that marks a source outside the brief.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from amparo.engine.law import Certainty


@dataclass(frozen=True)
class Source:
    """Where a citation or date was verified, and how surely."""

    where: str
    certainty: Certainty = "V"
    outside_brief: bool = False
    flag: str | None = None


def _brief(where: str, certainty: Certainty = "V") -> Source:
    return Source(f"brief {where}", certainty)


_REG = "brief §0: eCFR mirror MichalOpoka/ecfr"
_STAT = "brief §0, §11: US Code mirror codexstanford"
_PATHWAYS = "shared/data/state/niv-monthly notes (flows work, rules/us/pathways.py)"

CITATIONS: dict[str, Source] = {
    # Statute (brief §2.1, §11).
    **{
        c: Source(_STAT)
        for c in (
            "8 USC 1158(a)(2)(A)",
            "8 USC 1158(a)(2)(B)",
            "8 USC 1158(a)(2)(E)",
            "8 USC 1158(a)(3)",
            "INA 208(a)(2)(A)",
            "INA 208(a)(2)(E), 8 USC 1158(a)(2)(E)",
            "6 USC 279(g)(2)",
            "6 USC 279(g)(2)(A)",
            "6 USC 279(g)(2)(C)",
            "8 USC 1232(a)(5)(D)",
            "8 USC 1232(a)(2)",
            "8 USC 1225(b)(1)",
            "8 USC 1225(b)(2)(C)",
            "INA 235(b)(1)(B)(v)",
        )
    },
    # The screening conditions of 1232(a)(2)(A): the statute's text, not in the brief.
    "8 USC 1232(a)(2)(A)(i)": Source(
        "8 USC 1232(a)(2)(A)(i), statute text", "M", True, "uac_contiguous_return"
    ),
    "8 USC 1232(a)(2)(A)(iii)": Source(
        "8 USC 1232(a)(2)(A)(iii), statute text", "M", True, "uac_contiguous_return"
    ),
    "8 USC 1367": _brief("§6", "M"),
    "42 USC 265": _brief("§3.6", "M"),
    "42 USC 268": _brief("§3.6", "M"),
    "CDC order under 42 USC 265, 268": _brief("§3.6", "M"),
    "CDC order (March 2020)": _brief("§3.6", "M"),
    "CDC termination of the order": _brief("§3.6", "M"),
    # Regulations (brief §2-§6, eCFR mirror).
    **{
        c: Source(_REG)
        for c in (
            "8 CFR 1003.42",
            "8 CFR 1208.13(c)(4)",
            "8 CFR 1208.30",
            "8 CFR 1208.33",
            "8 CFR 1208.6",
            "8 CFR 1240.11(h)",
            "8 CFR 1240.11(h)(2)(ii)",
            "8 CFR 1240.11(h)(2)(iii)",
            "8 CFR 208.13(c)(3)",
            "8 CFR 208.13(c)(4)",
            "8 CFR 208.13(c)(4)(i)",
            "8 CFR 208.13(c)(4)(ii)",
            "8 CFR 208.13(c)(4)(iii)",
            "8 CFR 208.13(g)",
            "8 CFR 208.30(e)(2)-(3)",
            "8 CFR 208.30(e)(5)(iii)",
            "8 CFR 208.30(e)(7)",
            "8 CFR 208.30(e)(7)(i)",
            "8 CFR 208.30(e)(7)(ii)",
            "8 CFR 208.30(e)(7)(iii)(A)",
            "8 CFR 208.30(e)(7)(iii)(B)",
            "8 CFR 208.30(e)(8)",
            "8 CFR 208.31(c)",
            "8 CFR 208.33",
            "8 CFR 208.33(a)(1)",
            "8 CFR 208.33(a)(1)(iii)",
            "8 CFR 208.33(a)(2)(i)",
            "8 CFR 208.33(a)(2)(ii)",
            "8 CFR 208.33(a)(2)(ii)(A)",
            "8 CFR 208.33(a)(2)(ii)(B)",
            "8 CFR 208.33(a)(2)(ii)(C)",
            "8 CFR 208.33(a)(3)",
            "8 CFR 208.33(a)(3)(i)(A)",
            "8 CFR 208.33(a)(3)(i)(B)",
            "8 CFR 208.33(a)(3)(i)(C)",
            "8 CFR 208.33(b)",
            "8 CFR 208.33(b)(2)(i)",
            "8 CFR 208.33(c)(2)",
            "8 CFR 208.35",
            "8 CFR 208.35(a)",
            "8 CFR 208.35(a)(2)(i)(A)",
            "8 CFR 208.35(a)(2)(i)(B)",
            "8 CFR 208.35(a)(2)(i)(C)",
            "8 CFR 208.35(b)",
            "8 CFR 208.35(b)(2)(i)",
            "8 CFR 208.35(c)",
            "8 CFR 208.6",
            "8 CFR 214.11",
        )
    },
    "8 CFR 1208.33(c)": _brief("§3.4", "M"),
    "65 FR 76133": _brief("§6"),
    # Federal Register.
    "84 FR 33829": _brief("§3.1"),
    "84 FR 63994": _brief("§2.2"),
    "84 FR 64095": _brief("§2.5"),
    "85 FR 25462": _brief("§2.6"),
    "85 FR 82260": _brief("§3.2"),
    "85 FR 83597": _brief("§2.6"),
    "88 FR 31314": _brief("§3.4"),
    "88 FR 31449": _brief("§3.4"),
    "89 FR 48710": _brief("addendum"),
    "89 FR 81284": _brief("§0, §3.4"),
    "FR Doc. 2024-22602": _brief("addendum"),
    "FR Doc. 2025-16809": _brief("§2.2"),
    "EO 14010 §4": _brief("§2.2, §2.5"),
    "EO 14010, 86 FR 8267": _brief("§11"),
    "EO 14165": _brief("§2.7"),
    "EO 14165 §6": _brief("§4.4"),
    "EO 14165 §6 (2025-01-20)": _brief("§4.4"),
    "Proclamation 10773": _brief("addendum"),
    "Proclamation 10773 §3(b)": _brief("addendum", "M"),
    "Proclamation 10888": _brief("§1.2", "M"),
    "Proclamation 9822": _brief("§3.3"),
    "EOIR PM 20-04": _brief("§2.2"),
    "EOIR PM 21-21": _brief("§2.2"),
    "USCIS PM-602-0169": _brief("§4.3"),
    "USCIS PM-602-0169 (2019-01-28)": _brief("§4.3"),
    "CBP MPP Guiding Principles (2019-01-28)": _brief("§4.2"),
    "DHS Secretary Nielsen memo (2019-01-25)": _brief("§4.1"),
    "DHS memo 2019-01-25": _brief("§4.1"),
    "DHS memo 2021-06-01": _brief("§4.4"),
    "DHS memo 2021-10-29": _brief("§4.4"),
    "DHS MPP guidance (Dec. 2021)": _brief("§4.3, §4.4"),
    "DHS statement 2021-01-20": _brief("§4.4"),
    "DHS statement 2025-01-21": _brief("§4.4"),
    "N.D. Tex. order and DHS statement 2022-08-08": _brief("§4.4"),
    "US–Mexico Joint Declaration (2019-06-07)": _brief("§4.1"),
    "press reports": _brief("§4.1", "M"),
    # Agreements and government statements.
    "DHS fact sheet": _brief("§2.6"),
    "DHS fact sheet 2019-10-03": _brief("§2.5"),
    "DHS release 2020-12-15": _brief("§2.6"),
    "US Embassy Tegucigalpa 2020-12-18": _brief("§2.6"),
    "State Dept. statement 2021-02-06": _brief("§2.5, §2.6"),
    "Jurist (three-month notice)": _brief("§2.5"),
    "immpolicytracking.org": _brief("§2.6"),
    "EFE summary of the agreement (2019)": _brief("§2.5", "U"),
    "Guatemala ACA (EFE summary)": _brief("§2.5", "U"),
    "Reuters/VOA 2019-11-21": _brief("§2.5"),
    "Reuters/VOA 2019-11-21 (first transfer)": _brief("§2.5"),
    "AP 2019-12-12": _brief("§2.5"),
    "USCIS email and DHS statement, Jan. 2020": _brief("§2.5", "U"),
    "USCIS email and DHS statement, Jan. 4–7, 2020": _brief("§2.5", "U"),
    "CRS LSB10402 (2020-01-30)": _brief("§2.5"),
    "HRW/RI, Deportation with a Layover (2020-05-19)": _brief("§2.5"),
    "Diario Oficial de Guatemala 2025-07-16": _brief("§2.7"),
    "Guatemalan press": _brief("§2.7"),
    "DHS announcement 2025-06-26": _brief("§2.7"),
    "CBS-sourced reports, Aug. 2025": _brief("§2.7"),
    "Reports of 2025-08-15": _brief("§2.7"),
    "Voz, 2025-08-15": _brief("§2.7, §11"),
    "Reports of 2025-08-15 (Paraguay) and 2025-08-21 (Uganda)": _brief("§2.7"),
    "AllAfrica/Reuters 2025-08-21": _brief("§2.7, §11"),
    "U.T. v. Noem, No. 1:20-cv-00116 (D.D.C.)": _brief("§2.2"),
    "U.T. v. Noem amended complaint (2025-10-21)": _brief("§2.7", "U"),
    "Reports of 2025 third-country arrangements": _brief("§2.7", "U"),
    # Cases.
    "Al Otro Lado v. McAleenan, 423 F. Supp. 3d 848 (S.D. Cal. 2019)": _brief("§3.2"),
    "Barr v. East Bay Sanctuary Covenant, 140 S. Ct. 3 (2019)": _brief("§3.2"),
    "Barr v. East Bay Sanctuary Covenant, 140 S. Ct. 3 (2019) (recital)": _brief("§3.2"),
    "Biden v. Texas, 597 U.S. 785 (2022)": _brief("§4.4"),
    "CAIR Coalition v. Trump, 471 F. Supp. 3d 25 (D.D.C. 2020)": _brief("§3.2"),
    "East Bay Sanctuary Covenant v. Barr (9th Cir. 2019-08-16)": _brief("§3.2", "U"),
    "East Bay Sanctuary Covenant v. Barr (9th Cir. Aug. 16, 2019)": _brief("§3.2", "U"),
    "East Bay Sanctuary Covenant v. Barr (N.D. Cal. 2019-07-24)": _brief("§3.2"),
    "East Bay Sanctuary Covenant v. Barr II (N.D. Cal. 2021-02-16)": _brief("§3.2"),
    "East Bay Sanctuary Covenant v. Barr, 964 F.3d 832 (9th Cir. 2020)": _brief("§3.2"),
    "East Bay Sanctuary Covenant v. Biden (N.D. Cal. 2023-07-25)": _brief("§3.4", "M"),
    "East Bay Sanctuary Covenant v. Biden (N.D. Cal. 2023-07-25": _brief("§3.4", "M"),
    "9th Cir. stay Aug. 2023)": _brief("§3.4", "M"),
    "East Bay Sanctuary Covenant v. Trump (N.D. Cal. 2018-11-19)": _brief("§3.3", "M"),
    "Innovation Law Lab v. McAleenan (N.D. Cal.)": _brief("§4.4", "M"),
    "Las Americas v. DHS (2025)": _brief("§3.5", "M"),
    "O.A. v. Trump (D.D.C. 2019-08-02)": _brief("§3.3", "M"),
    "P.J.E.S. v. Wolf (D.D.C. 2020-11-18)": _brief("§3.6", "M"),
    "Pangea Legal Services v. DHS (N.D. Cal. 2021-01-08)": _brief("§6", "M"),
    "Texas v. Biden (N.D. Tex. 2021-08-13)": _brief("§4.4"),
    # Outside the brief, each with its public source and flag.
    "UN Treaty Collection, chapters V.2, V.5, IV.9 (recalled, not in the brief)": Source(
        "UN Treaty Collection (treaties.un.org), chapters V.2, V.5, IV.9", "M", True, "treaty_party_table"
    ),
    # The flows work's legal pathways (rules/us/pathways.py), every event tagged [U].
    "Project data notes, state/niv-monthly: policy dates for scenarios": Source(_PATHWAYS, "U", True),
    "DHS readout of Secretary Mayorkas's visit to El Salvador, 2024-06-01": Source(_PATHWAYS, "U", True),
    "DHS readout, 2024-06-01": Source(_PATHWAYS, "U", True),
}

#: Every date the pack names (instrument events, rule version bounds), with where it is given.
DATES: dict[dt.date, str] = {
    dt.date.fromisoformat(day): where
    for day, where in {
        "2018-01-01": "amparo's coverage start (not a legal date)",
        "2000-12-06": "brief §6 (65 FR 76133)",
        "2018-11-09": "brief §3.3",
        "2018-11-19": "brief §3.3 [M]",
        "2019-01-28": "brief §4.1",
        "2019-03-01": "brief §4.1 'from March 2019' [M] (day not known)",
        "2019-04-08": "brief §4.4 [M]",
        "2019-06-07": "brief §4.1",
        "2019-07-16": "brief §3.1",
        "2019-07-24": "brief §3.2",
        "2019-07-26": "brief §2.5",
        "2019-08-02": "brief §3.3 [M]",
        "2019-08-16": "brief §3.2",
        "2019-09-09": "brief §3.2",
        "2019-09-11": "brief §3.2",
        "2019-09-20": "brief §2.6",
        "2019-09-25": "brief §2.6",
        "2019-11-19": "brief §2.2, §3.2",
        "2019-11-21": "brief §2.5",
        "2019-12-12": "brief §2.5",
        "2020-01-04": "brief §2.5",
        "2020-03-01": "brief §2.6 'March 2020' [U] (day not known)",
        "2020-03-11": "brief §4.4 [M]",
        "2020-03-16": "brief §2.5",
        "2020-03-21": "brief §3.6 [M]",
        "2020-06-30": "brief §3.2",
        "2020-11-18": "brief §3.6 [M]",
        "2020-12-15": "brief §2.6",
        "2020-12-17": "brief §3.2",
        "2021-01-08": "brief §6 [M]",
        "2021-01-19": "brief §3.2",
        "2021-01-21": "brief §4.4",
        "2021-02-02": "brief §2.2",
        "2021-02-06": "brief §2.5, §2.6",
        "2021-02-16": "brief §3.2",
        "2021-05-14": "brief §2.2",
        "2021-06-01": "brief §4.4",
        "2021-08-13": "brief §4.4",
        "2021-10-29": "brief §4.4",
        "2021-12-06": "brief §4.4",
        "2022-06-30": "brief §4.4",
        "2022-08-08": "brief §4.4",
        "2023-05-11": "brief §3.4, §3.6",
        "2023-05-12": "brief §3.6 (the day after the order ended at 11:59 p.m. ET)",
        "2023-07-25": "brief §3.4 [M]",
        "2024-06-03": "brief addendum",
        "2024-06-05": "brief addendum",
        "2024-10-01": "brief addendum",
        "2024-10-07": "brief addendum",
        "2025-01-20": "brief §2.7, §4.4",
        "2025-01-21": "brief §4.4",
        "2025-06-13": "brief §2.7 (exchange of notes June 11-13)",
        "2025-06-26": "brief §2.7",
        "2025-06-27": "brief §2.7",
        "2025-08-15": "brief §2.7",
        "2025-08-21": "brief §2.7",
        "2025-09-02": "brief §2.2",
        "2025-10-15": "brief §2.2",
        "2025-10-21": "brief §2.2, §2.7",
        # The flows work's legal pathways (rules/us/pathways.py), each tagged [U] there.
        "2020-10-01": _PATHWAYS,
        "2021-12-01": _PATHWAYS,
        "2022-10-01": _PATHWAYS,
        "2023-10-01": _PATHWAYS,
        "2024-06-01": _PATHWAYS,
    }.items()
}
