"""The US pack's instruments: statute sections, regulations, agreements, memos, proclamations and
court orders, each with its citations and dated lifecycle. Certainty tags follow the legal brief
(V verified, M from memory, U uncertain); nothing here goes beyond the brief.
"""

from __future__ import annotations

from amparo.rules.rules_api import Event, Instrument, d
from amparo.rules.us.instruments_2025 import INSTRUMENTS_2025
from amparo.rules.us.pathways import PATHWAY_INSTRUMENTS

B = "legal brief"

INSTRUMENTS: tuple[Instrument, ...] = (
    Instrument(
        "ina_208_a_2",
        "INA 208(a)(2)(A) and (E): safe third country; not for unaccompanied children",
        "statute",
        ("8 USC 1158(a)(2)(A)", "8 USC 1158(a)(2)(E)", "8 USC 1158(a)(3)"),
        notes="No asylum where removable under a bilateral or multilateral agreement to a country other than "
        "that of nationality with a full and fair procedure, unless in the public interest; (E): does not "
        "apply to an unaccompanied alien child.",
    ),
    Instrument(
        "uac_definition",
        "Definition of an unaccompanied alien child",
        "statute",
        ("6 USC 279(g)(2)", "8 USC 1232(a)(5)(D)"),
        notes="Under 18, no lawful immigration status, no parent or legal guardian in the US available to "
        "provide care and physical custody. UACs go to section 240 proceedings, not expedited removal.",
    ),
    Instrument(
        "expedited_removal",
        "Expedited removal and credible fear screening",
        "statute",
        ("8 USC 1225(b)(1)", "INA 235(b)(1)(B)(v)", "8 CFR 208.30(e)(2)-(3)", "8 CFR 208.31(c)"),
        notes="Credible fear: a significant possibility of establishing eligibility; reasonable fear: a "
        "reasonable possibility of persecution or torture.",
    ),
    Instrument(
        "aca_rule_2019",
        "Implementing Bilateral and Multilateral Asylum Cooperative Agreements (interim final rule)",
        "regulation",
        ("84 FR 63994", "8 CFR 208.30(e)(7)", "8 CFR 1240.11(h)", "8 CFR 1003.42", "8 CFR 1208.30"),
        events=(
            Event(
                d("2019-11-19"),
                "effective",
                "Effective; applies prospectively to arrivals on or after this date",
                ("84 FR 63994",),
            ),
            Event(
                d("2019-11-19"),
                "published",
                "EOIR PM 20-04: immigration judges may not review ACA determinations",
                ("EOIR PM 20-04",),
            ),
            Event(
                d("2021-02-02"),
                "reported",
                "EO 14010 §4 orders a review of whether to rescind the rule",
                ("EO 14010, 86 FR 8267",),
            ),
            Event(
                d("2021-05-14"),
                "rescinded",
                "EOIR PM 21-21 rescinds PM 20-04 (the rule itself is never rescinded)",
                ("EOIR PM 21-21",),
            ),
            Event(
                d("2025-09-02"),
                "ratified",
                "DHS Secretary Noem ratifies the interim final rule",
                ("FR Doc. 2025-16809",),
            ),
            Event(
                d("2025-10-15"),
                "reported",
                "U.T. v. Noem: stay lifted; amended complaint 2025-10-21",
                ("U.T. v. Noem, No. 1:20-cv-00116 (D.D.C.)",),
            ),
        ),
    ),
    Instrument(
        "aca_guatemala_2019",
        "Agreement between the US and Guatemala on Cooperation Regarding the Examination of Protection Claims",
        "agreement",
        ("84 FR 64095",),
        events=(
            Event(
                d("2019-07-26"),
                "signed",
                "Signed by McAleenan and Degenhart in the Oval Office",
                ("DHS fact sheet 2019-10-03",),
            ),
            Event(
                d("2019-11-21"),
                "implemented",
                "First transfer (a Honduran man from El Paso); in force by exchange of notes in Nov. 2019, day unknown",
                ("Reuters/VOA 2019-11-21",),
                population="adults of Honduras and El Salvador",
            ),
            Event(
                d("2019-12-12"),
                "expanded",
                "First families with children transferred",
                ("AP 2019-12-12",),
                population="families of Honduras and El Salvador",
            ),
            Event(
                d("2020-01-04"),
                "expanded",
                "A USCIS email says Mexican nationals are now 'amenable'; DHS confirms on Jan. 7 that 'certain "
                "Mexicans' may be transferred; no transfer of a Mexican confirmed",
                ("USCIS email and DHS statement, Jan. 2020",),
                "U",
                population="Mexican nationals",
            ),
            Event(
                d("2020-03-16"),
                "suspended",
                "Transfers suspended because of COVID-19",
                ("HRW/RI, Deportation with a Layover (2020-05-19)",),
            ),
            Event(
                d("2021-02-06"),
                "suspended",
                "Suspended and termination initiated (effective after the three-month notice)",
                ("State Dept. statement 2021-02-06",),
            ),
        ),
        notes="Art. 2: not for Guatemalan nationals or stateless residents of Guatemala; Art. 4: unaccompanied "
        "children handled by the US; Art. 8: two years, renewable; 939–945 people transferred.",
        flags=(
            "aca_gt_entry_into_force",
            "aca_mexicans_amenable",
            "aca_visa_holder_exception",
            "aca_gt_termination_date",
        ),
    ),
    Instrument(
        "aca_el_salvador_2019",
        "US–El Salvador Asylum Cooperative Agreement",
        "agreement",
        ("85 FR 83597",),
        events=(
            Event(
                d("2019-09-20"),
                "signed",
                "Signed",
                ("DHS fact sheet",),
            ),
            Event(
                d("2020-12-15"),
                "in_force",
                "DHS: implementation accords concluded; 'all three ACAs have now entered into force'",
                ("DHS release 2020-12-15",),
                "U",
            ),
            Event(
                d("2021-02-06"),
                "suspended",
                "Suspended and termination initiated; never implemented",
                ("State Dept. statement 2021-02-06",),
            ),
        ),
        flags=("aca_sv_hn_in_force",),
    ),
    Instrument(
        "aca_honduras_2019",
        "US–Honduras Asylum Cooperative Agreement",
        "agreement",
        ("85 FR 25462",),
        events=(
            Event(d("2019-09-25"), "signed", "Signed", ("DHS fact sheet", "immpolicytracking.org")),
            Event(
                d("2020-03-01"),
                "in_force",
                "'Went into effect in March 2020' (day unknown)",
                ("US Embassy Tegucigalpa 2020-12-18",),
                "U",
            ),
            Event(
                d("2020-12-15"),
                "reported",
                "Implementation accord concluded by exchange of notes",
                ("US Embassy Tegucigalpa 2020-12-18",),
            ),
            Event(
                d("2021-02-06"),
                "suspended",
                "Suspended and termination initiated; never implemented",
                ("State Dept. statement 2021-02-06",),
            ),
        ),
        notes="Excluded Honduran citizens and residents; applied to unaccompanied minors consistently with US law.",
        flags=("aca_sv_hn_in_force",),
    ),
    Instrument(
        "transit_rule_2019",
        "Asylum Eligibility and Procedural Modifications (third-country transit bar, interim final rule)",
        "regulation",
        ("84 FR 33829", "8 CFR 208.13(c)(4)", "8 CFR 1208.13(c)(4)", "8 CFR 208.30(e)(5)(iii)"),
        events=(
            Event(
                d("2019-07-16"),
                "effective",
                "Effective for entries across the southern land border on or after this date",
                ("84 FR 33829",),
            ),
            Event(
                d("2019-07-24"),
                "enjoined",
                "Nationwide preliminary injunction (East Bay Sanctuary Covenant v. Barr, N.D. Cal.)",
                ("East Bay Sanctuary Covenant v. Barr (N.D. Cal. 2019-07-24)",),
            ),
            Event(
                d("2019-08-16"),
                "narrowed",
                "Ninth Circuit limits the injunction to the Ninth Circuit",
                ("East Bay Sanctuary Covenant v. Barr (9th Cir. 2019-08-16)",),
                "U",
            ),
            Event(
                d("2019-09-09"),
                "enjoined",
                "District court restores nationwide scope",
                ("Barr v. East Bay Sanctuary Covenant, 140 S. Ct. 3 (2019) (recital)",),
            ),
            Event(
                d("2019-09-11"),
                "stayed",
                "Supreme Court stays the injunction; enforced nationwide",
                ("Barr v. East Bay Sanctuary Covenant, 140 S. Ct. 3 (2019)",),
            ),
            Event(
                d("2019-11-19"),
                "enjoined",
                "Not to be applied to the Al Otro Lado class (metered before 2019-07-16)",
                ("Al Otro Lado v. McAleenan, 423 F. Supp. 3d 848 (S.D. Cal. 2019)",),
            ),
            Event(
                d("2020-06-30"),
                "vacated",
                "Vacated for want of notice and comment",
                ("CAIR Coalition v. Trump, 471 F. Supp. 3d 25 (D.D.C. 2020)",),
            ),
        ),
        flags=("transit_ninth_circuit_geography", "transit_vacatur_day"),
    ),
    Instrument(
        "transit_final_rule_2020",
        "Asylum Eligibility and Procedural Modifications (final rule)",
        "regulation",
        ("85 FR 82260",),
        events=(
            Event(d("2020-12-17"), "published", "Final rule with minor technical changes", ("85 FR 82260",)),
            Event(d("2021-01-19"), "effective", "Effective", ("85 FR 82260",)),
            Event(
                d("2021-02-16"),
                "enjoined",
                "Preliminarily enjoined nationwide (East Bay II, N.D. Cal.)",
                ("East Bay Sanctuary Covenant v. Barr II (N.D. Cal. 2021-02-16)",),
            ),
        ),
        flags=("transit_final_rule_2021_practice",),
    ),
    Instrument(
        "entry_proclamation_bar_2018",
        "Entry-proclamation bar (Proclamation 9822)",
        "regulation",
        ("8 CFR 208.13(c)(3)", "Proclamation 9822"),
        events=(
            Event(
                d("2018-11-09"),
                "effective",
                "Bar for entries in breach of the southern-border proclamation",
                ("8 CFR 208.13(c)(3)",),
            ),
            Event(
                d("2018-11-19"),
                "enjoined",
                "TRO (East Bay v. Trump); never operative",
                ("East Bay Sanctuary Covenant v. Trump (N.D. Cal. 2018-11-19)",),
                "M",
            ),
            Event(
                d("2019-08-02"),
                "vacated",
                "Vacated (O.A. v. Trump, D.D.C.)",
                ("O.A. v. Trump (D.D.C. 2019-08-02)",),
                "M",
            ),
        ),
    ),
    Instrument(
        "title42_order",
        "CDC order suspending entry under 42 USC 265 and 268 (Title 42)",
        "public_health_order",
        ("42 USC 265", "42 USC 268"),
        events=(
            Event(
                d("2020-03-21"),
                "implemented",
                "Expulsions at the border begin",
                ("CDC order (March 2020)",),
                "M",
            ),
            Event(
                d("2020-11-18"),
                "enjoined",
                "Unaccompanied children excepted (P.J.E.S. v. Wolf); CDC exception from 2021",
                ("P.J.E.S. v. Wolf (D.D.C. 2020-11-18)",),
                "M",
            ),
            Event(
                d("2023-05-11"), "terminated", "Ends at 11:59 pm ET", ("CDC termination of the order",), "M"
            ),
        ),
        flags=("boundary_on_encounter_day", "title42_other_borders"),
    ),
    Instrument(
        "mpp",
        "Migrant Protection Protocols ('Remain in Mexico')",
        "policy_memo",
        (
            "8 USC 1225(b)(2)(C)",
            "DHS Secretary Nielsen memo (2019-01-25)",
            "CBP MPP Guiding Principles (2019-01-28)",
            "USCIS PM-602-0169 (2019-01-28)",
        ),
        events=(
            Event(
                d("2019-01-28"),
                "implemented",
                "First implemented at San Ysidro",
                ("CBP MPP Guiding Principles (2019-01-28)",),
            ),
            Event(
                d("2019-03-01"),
                "expanded",
                "Calexico and El Paso (March 2019, day unknown)",
                ("press reports",),
                "M",
            ),
            Event(
                d("2019-04-08"),
                "enjoined",
                "Innovation Law Lab v. McAleenan PI; stayed by the Ninth Circuit 2019-05-07",
                ("Innovation Law Lab v. McAleenan (N.D. Cal.)",),
                "M",
            ),
            Event(
                d("2019-06-07"),
                "expanded",
                "US–Mexico Joint Declaration extends MPP along the whole border",
                ("US–Mexico Joint Declaration (2019-06-07)",),
            ),
            Event(
                d("2020-03-11"),
                "stayed",
                "Supreme Court stays the Ninth Circuit's affirmance; MPP continues",
                ("Innovation Law Lab v. McAleenan (N.D. Cal.)",),
                "M",
            ),
            Event(d("2021-01-21"), "suspended", "New enrollments suspended", ("DHS statement 2021-01-20",)),
            Event(
                d("2021-06-01"), "terminated", "Secretary Mayorkas terminates MPP", ("DHS memo 2021-06-01",)
            ),
            Event(
                d("2021-08-13"),
                "vacated",
                "Texas v. Biden vacates the termination and orders good-faith reimplementation",
                ("Texas v. Biden (N.D. Tex. 2021-08-13)",),
            ),
            Event(d("2021-10-29"), "terminated", "Second termination memo", ("DHS memo 2021-10-29",)),
            Event(
                d("2021-12-06"),
                "resumed",
                "Court-ordered reimplementation for Western Hemisphere nationals other than Mexicans, at San "
                "Diego, Calexico, Nogales, El Paso, Eagle Pass, Laredo and Brownsville",
                ("DHS MPP guidance (Dec. 2021)",),
            ),
            Event(
                d("2022-06-30"),
                "reported",
                "Biden v. Texas: the termination did not violate the INA",
                ("Biden v. Texas, 597 U.S. 785 (2022)",),
            ),
            Event(
                d("2022-08-08"),
                "terminated",
                "Injunction lifted; DHS stops enrolling",
                ("N.D. Tex. order and DHS statement 2022-08-08",),
            ),
            Event(
                d("2025-01-21"),
                "resumed",
                "DHS reinstates the 2019 policy (EO 14165 §6)",
                ("EO 14165 §6", "DHS statement 2025-01-21"),
                "U",
            ),
        ),
        flags=(
            "mpp_rollout_2019",
            "mpp_nationality_practice",
            "mpp_2021_pregnancy",
            "mpp_2025_implementation",
        ),
    ),
    Instrument(
        "lawful_pathways_2023",
        "Circumvention of Lawful Pathways (rebuttable presumption)",
        "regulation",
        ("88 FR 31314", "88 FR 31449", "8 CFR 208.33", "8 CFR 1208.33", "89 FR 81284"),
        events=(
            Event(
                d("2023-05-11"),
                "effective",
                "Applies to entries after the end of Title 42 (11:59 pm ET) until 2025-05-11",
                ("88 FR 31314",),
            ),
            Event(
                d("2023-07-25"),
                "vacated",
                "Vacated by the N.D. Cal.; vacatur stayed pending appeal, rule stays in force",
                ("East Bay Sanctuary Covenant v. Biden (N.D. Cal. 2023-07-25)",),
                "M",
            ),
            Event(d("2024-10-07"), "published", "Amended alongside the 2024 final rule", ("89 FR 81284",)),
        ),
        flags=("lawful_pathways_litigation", "lawful_pathways_principal"),
    ),
    Instrument(
        "securing_border_2024",
        "Securing the Border (limitation on asylum eligibility)",
        "regulation",
        ("Proclamation 10773", "89 FR 48710", "FR Doc. 2024-22602", "8 CFR 208.35", "8 CFR 208.13(g)"),
        events=(
            Event(
                d("2024-06-03"),
                "signed",
                "Proclamation 10773 under INA 212(f) and 215(a)",
                ("Proclamation 10773",),
            ),
            Event(
                d("2024-06-05"), "effective", "Interim final rule effective 12:01 am EDT", ("89 FR 48710",)
            ),
            Event(d("2024-10-01"), "effective", "Final rule effective", ("FR Doc. 2024-22602",)),
            Event(
                d("2024-10-07"),
                "published",
                "Final rule published (FR Doc. 2024-22602; 89 FR 81156 [M])",
                ("FR Doc. 2024-22602",),
            ),
        ),
        flags=("securing_border_period", "securing_border_officer_exception", "securing_border_las_americas"),
    ),
    Instrument(
        "confidentiality_208_6",
        "Confidentiality of asylum information",
        "regulation",
        ("8 CFR 208.6", "8 CFR 1208.6", "65 FR 76133"),
        events=(
            Event(d("2000-12-06"), "effective", "Long-standing text", ("65 FR 76133",)),
            Event(
                d("2021-01-08"),
                "enjoined",
                "The Dec. 2020 'global asylum' rewrite (85 FR 80274) preliminarily enjoined",
                ("Pangea Legal Services v. DHS (N.D. Cal. 2021-01-08)",),
                "M",
            ),
        ),
    ),
    Instrument(
        "confidentiality_1367",
        "Confidentiality for T and U visa and VAWA applicants (8 USC 1367)",
        "statute",
        ("8 USC 1367", "8 CFR 214.11"),
        notes="A separate statute gives confidentiality to T and U visa and VAWA applicants, relevant to "
        "trafficking victims (brief §6 [M]; scenario 12: refer for a T visa).",
        flags=("confidentiality_1367",),
    ),
)

INSTRUMENTS = (*INSTRUMENTS, *INSTRUMENTS_2025)  # 2025: rules/us/instruments_2025.py
INSTRUMENTS = (*INSTRUMENTS, *PATHWAY_INSTRUMENTS)  # legal pathways (issue 18): rules/us/pathways.py
