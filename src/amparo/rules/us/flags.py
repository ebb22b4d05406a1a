"""Every contested or uncertain point of the US pack, decided one documented way, in one place.

The legal brief marks these [U] (or [M] where a decision turns on recollection). Each flag says
what amparo decides and why; rules raise the flag (with its citations) whenever the decision
touched that point. To change a decision, change it here and in the rule that names the flag,
and record it in CHANGELOG.md under "Rules".
"""

from __future__ import annotations

from amparo.rules.rules_api import Flag

BRIEF = "amparo legal brief (shared/research/legal-rules.md)"

FLAGS: tuple[Flag, ...] = (
    Flag(
        "aca_gt_entry_into_force",
        "The exact date the US–Guatemala ACA entered into force (an exchange of notes in November 2019) is not pinned to a source.",
        "The agreement is treated as operative from the first transfer on 2019-11-21; no one is removable under it earlier.",
        ("84 FR 64095", "Reuters/VOA 2019-11-21 (first transfer)", f"{BRIEF} §2.5, §10(2)"),
    ),
    Flag(
        "aca_mexicans_amenable",
        "DHS declared Mexican nationals amenable to the Guatemala ACA in January 2020, but no transfer of a Mexican was ever confirmed.",
        "Mexican nationals (single adults and families, as for Hondurans and Salvadorans then) are treated as amenable to a transfer to Guatemala from the USCIS email of 2020-01-04 until the 2020-03-16 suspension.",
        (
            "USCIS email and DHS statement, Jan. 4–7, 2020",
            "CRS LSB10402 (2020-01-30)",
            f"{BRIEF} §2.5, scenario 9",
        ),
    ),
    Flag(
        "aca_visa_holder_exception",
        "The Guatemala ACA reportedly excludes people arriving with a valid US visa or from visa-exempt countries (press summary; the text was not read).",
        "A valid US visa or a visa-exempt entry is applied as an exception to the Guatemala ACA.",
        ("EFE summary of the agreement (2019)", "8 CFR 1240.11(h)(2)(ii)", f"{BRIEF} §2.5, scenario 34"),
    ),
    Flag(
        "aca_operational_place",
        "After the first phase at the El Paso Border Patrol station, which stations processed ACA transfers is not known (operationally southwest-border stations); the rule applies 'regardless of whether the alien is arriving at a port of entry'.",
        "From 2019-12-12 amenability is not limited by place; this flag marks encounters away from El Paso.",
        ("8 CFR 208.30(e)(7)", f"{BRIEF} scenario 36"),
    ),
    Flag(
        "aca_sv_hn_in_force",
        "Sources conflict on whether the El Salvador and Honduras ACAs ever entered into force; the US said they had (Dec. 2020), and none was ever implemented.",
        "Both are in force (El Salvador from 2020-12-15; Honduras from March 2020, day unknown, 2020-03-01 used) but never operational: nobody is removable under them.",
        (
            "DHS release 2020-12-15",
            "US Embassy Tegucigalpa 2020-12-18",
            "State Dept. statement 2021-02-06",
            f"{BRIEF} §2.6",
        ),
    ),
    Flag(
        "aca_gt_termination_date",
        "The Guatemala ACA's termination took effect after its notice period (about three months from 2021-02-06); the exact date is inferred.",
        "Suspended from 2021-02-06 and treated as ended thereafter; no outcome depends on the exact termination date.",
        ("State Dept. statement 2021-02-06", "Jurist (three-month notice)", f"{BRIEF} §2.5"),
    ),
    Flag(
        "aca_2025_unverified",
        "The 2025 agreements (Guatemala, Honduras, Paraguay, Uganda): whether each is an INA 208(a)(2)(A) agreement, and for whom it is implemented, is not verified.",
        "Recorded as instruments with what is known; nobody is treated as removable under them; this flag marks people they might cover.",
        (
            "Diario Oficial de Guatemala 2025-07-16",
            "DHS announcement 2025-06-26",
            "Reports of 2025-08-15 (Paraguay) and 2025-08-21 (Uganda)",
            f"{BRIEF} §2.7, §10(7)",
        ),
    ),
    Flag(
        "aca_al_otro_lado",
        "Whether the ACA rule could be applied to Al Otro Lado class members was litigated (a TRO was sought in Dec. 2019); the outcome is not verified.",
        "The ACA applies to class members like anyone else unless excepted.",
        ("Al Otro Lado v. McAleenan, 423 F. Supp. 3d 848 (S.D. Cal. 2019)", f"{BRIEF} scenario 17"),
    ),
    Flag(
        "transit_bar_uac",
        "The 2019 transit bar's text has no carve-out for unaccompanied children; whether it was applied to them in practice is not verified.",
        "By its terms the bar is listed for an unaccompanied child (applied at the USCIS or immigration-judge merits stage).",
        ("8 CFR 208.13(c)(4)", f"{BRIEF} §3.1, §10(5), scenario 4"),
    ),
    Flag(
        "transit_ninth_circuit_geography",
        "From 2019-08-16 to 2019-09-08 the injunction against the transit bar was limited to the Ninth Circuit; whether the place of entry or of adjudication controlled is unclear.",
        "The place of entry controls: the bar is not applied to entries in California or Arizona, nor where the state is not given.",
        (
            "East Bay Sanctuary Covenant v. Barr (9th Cir. Aug. 16, 2019)",
            f"{BRIEF} §3.2, §10(4), scenarios 15a–15b",
        ),
    ),
    Flag(
        "transit_final_rule_2021_practice",
        "Whether the 2021 final transit rule was ever applied between 2021-01-19 and 2021-02-15 is not verified (Title 42 dominated processing).",
        "On paper it applied in that window, so the bar is listed.",
        ("85 FR 82260", f"{BRIEF} §3.2, scenario 18"),
    ),
    Flag(
        "transit_final_judgment",
        "The 2019 text's exception (i) needs a 'final judgment denying' protection; that a pending or abandoned claim does not qualify is an inference for 2019 (express only in the 2023 rule).",
        "Only a final denial in a transit country qualifies; pending and abandoned claims do not.",
        ("8 CFR 208.13(c)(4)(i)", "8 CFR 208.33(a)(2)(ii)(C)", f"{BRIEF} §3.1, scenario 11"),
    ),
    Flag(
        "treaty_party_table",
        "The table of parties to the 1951 Convention, the 1967 Protocol and the Convention against Torture is recalled from the UN Treaty Collection, not verified in the brief (which confirms MX, GT, SV, HN).",
        "Party status is read at the time of each transit from the table of accession dates (amparo.rules.us.treaties); a country missing from the table is treated as a party to all three.",
        ("UN Treaty Collection, chapters V.2, V.5, IV.9 (recalled, not in the brief)", f"{BRIEF} §3.1"),
        "M",
    ),
    Flag(
        "mpp_rollout_2019",
        "Before the 2019-06-07 Joint Declaration, MPP ran only at some places; the start dates after San Ysidro (Calexico and El Paso 'from March 2019') are from memory.",
        "San Ysidro/San Diego from 2019-01-28; Calexico and El Paso from 2019-03-01 (day unknown); the whole southwest border from the 2019-06-07 Joint Declaration [V], although Brownsville and Laredo followed around July 2019 [M] and Eagle Pass around October 2019 [V]: from 2019-06-07 to 2019-10-31 an encounter elsewhere than the early places, or without a location, is flagged.",
        (
            "CBP MPP Guiding Principles (2019-01-28)",
            "US–Mexico Joint Declaration (2019-06-07)",
            f"{BRIEF} §4.1",
        ),
        "M",
    ),
    Flag(
        "mpp_nationality_practice",
        "MPP in 2019–2020 was applied in practice to nationals of Spanish-speaking countries and Brazil; the Guiding Principles do not say so.",
        "Nationals of other countries are treated as not amenable to MPP 2019 and its 2025 reinstatement.",
        ("CBP MPP Guiding Principles (2019-01-28)", "DHS MPP guidance (Dec. 2021)", f"{BRIEF} §4.2"),
    ),
    Flag(
        "mpp_2021_pregnancy",
        "The pregnancy exclusion of the December 2021 reimplementation is from memory.",
        "Pregnant women are excluded from MPP 2021.",
        ("DHS MPP guidance (Dec. 2021)", f"{BRIEF} §4.4"),
        "M",
    ),
    Flag(
        "mpp_2025_implementation",
        "MPP was 'reinstated' on 2025-01-21, but returns depend on Mexico accepting them; how it is applied is not verified.",
        "The 2019 policy's amenability and exclusions are applied from 2025-01-21.",
        ("EO 14165 §6 (2025-01-20)", "DHS statement 2025-01-21", f"{BRIEF} §4.4, scenario 32"),
    ),
    Flag(
        "lawful_pathways_litigation",
        "East Bay Sanctuary Covenant v. Biden vacated the 2023 rule (2023-07-25), but the vacatur was stayed pending appeal.",
        "The presumption is in force for its whole window.",
        (
            "East Bay Sanctuary Covenant v. Biden (N.D. Cal. 2023-07-25; 9th Cir. stay Aug. 2023)",
            f"{BRIEF} §3.4",
        ),
        "M",
    ),
    Flag(
        "lawful_pathways_principal",
        "8 CFR 208.33(c)(2) lifts the presumption for a person under 18 at entry who applies as a principal after 2025-05-11; encounter v1 does not say who is the principal.",
        "The person screened is taken to apply as the principal applicant.",
        ("8 CFR 208.33(c)(2)", f"{BRIEF} scenario 25"),
    ),
    Flag(
        "securing_border_period",
        "The 2024 limitation applies only during 'emergency border circumstances' (on/off by 7-day averages of 1,500 and 2,500 encounters between ports, ending 14 days later; a 28-day period in the final rule [M]); no daily figures are held, and the brief says the circumstances did not end from 2024-06-05 into 2025 [M/U].",
        "Held as dated data (amparo.rules.us.emergency.PERIODS): one period from 12:01 a.m. EDT on 2024-06-05, not ended; periods_from_daily computes them from daily figures where they exist.",
        ("8 CFR 208.13(g)", "Proclamation 10773", f"{BRIEF} addendum"),
        "M",
    ),
    Flag(
        "securing_border_las_americas",
        "Las Americas v. DHS is recalled to have partly vacated the 2024 rule in 2025; date and scope are not verified.",
        "The rule is still applied; this flag marks decisions read in 2025 or later.",
        ("Las Americas v. DHS (2025)", f"{BRIEF} §3.5"),
        "M",
    ),
    Flag(
        "proclamation_10888",
        "Proclamation 10888 (2025) is named in the brief as an overlay from 2025 [M/U]; its content and its effect on screening are not verified.",
        "Not modelled; this flag marks southern-border encounters from 2025-01-20 (the day of EO 14165; the brief gives no day for the proclamation).",
        ("Proclamation 10888", f"{BRIEF} §1.2, scenario 32"),
        "M",
    ),
    Flag(
        "age_unknown",
        "Neither a birth date nor an age was given, so whether the person is a child cannot be established.",
        "The person is not treated as a child; establish the age before relying on this decision.",
        ("6 USC 279(g)(2)",),
        "V",
    ),
    Flag(
        "boundary_on_encounter_day",
        "A rule this decision used begins or ends at a stated hour on the local day of an encounter recorded without a time (Title 42 from 2020-03-21 and until 11:59 p.m. ET on 2023-05-11; the 2023 presumption until 11:59 p.m. ET on 2025-05-11; the 2024 limitation from 12:01 a.m. EDT on 2024-06-05).",
        "A date alone is read at noon in the place's zone (US Eastern when the place names none), so a rule in force for most of that day applies; give encountered_at to decide the hour.",
        (
            "CDC order under 42 USC 265, 268",
            "8 CFR 208.33(a)(1)",
            "89 FR 48710",
            f"{BRIEF} §3.4, §3.6, addendum",
        ),
        "M",
    ),
    Flag(
        "transit_vacatur_day",
        "The transit bar was vacated on 2020-06-30; whether a screening that same day was still under the rule is unclear.",
        "The vacatur takes effect on the day of the order: no bar on 2020-06-30.",
        ("CAIR Coalition v. Trump, 471 F. Supp. 3d 25 (D.D.C. 2020)", f"{BRIEF} §3.2"),
    ),
    Flag(
        "title42_other_borders",
        "The brief says Title 42 expelled people 'encountered at the border' without naming the northern land border or the coast.",
        "Title 42 is applied to the southern land border only; this flag marks northern-land and coastal encounters in its window.",
        ("CDC order under 42 USC 265, 268", f"{BRIEF} §3.6"),
        "M",
    ),
    Flag(
        "transit_inferred",
        "The route does not name Mexico, but a person who is not Mexican and arrived from Mexico by land (or by the adjacent coast) transited it.",
        "Transit through Mexico is inferred (on the encounter date) for the transit bar and the 2023 presumption; record the route to confirm it.",
        ("8 CFR 208.13(c)(4)", "8 CFR 208.33(a)(1)(iii)", f"{BRIEF} §3.1, §3.4"),
        "V",
    ),
    Flag(
        "aca_first_phase_place",
        "The Guatemala ACA's first phase (from 2019-11-21) targeted single adults of Honduras and El Salvador processed at the El Paso Border Patrol station; this encounter does not say where it was processed.",
        "Without a location the person is not treated as in the first phase's population; give place.location.",
        ("Reuters/VOA 2019-11-21", f"{BRIEF} §2.5"),
        "V",
    ),
    Flag(
        "aca_stateless_population",
        "The ACA populations of 2019-2020 (Hondurans, Salvadorans, later Mexicans) are described by nationality; whether a stateless person habitually resident in one of those countries was amenable is not known.",
        "A stateless person is not treated as in those populations.",
        (f"{BRIEF} §2.5, §2.8",),
    ),
    Flag(
        "uac_turns_18",
        "The child was unaccompanied at the encounter but is 18 or older on the date the law is read (the threshold screening or adjudication); the brief does not say whether the statutory UAC exception still holds.",
        "Unaccompanied-child status is taken at the encounter: the exception of INA 208(a)(2)(E) is kept.",
        ("8 USC 1158(a)(2)(E)", "6 USC 279(g)(2)", f"{BRIEF} §2.1"),
    ),
    Flag(
        "uac_contiguous_return",
        "Under 8 USC 1232(a)(2) an unaccompanied child from Mexico or Canada may be returned at the border only after a screening (trafficking, fear of return, ability to decide); the brief gives only that such children 'may be returned at the border'.",
        "A trafficking finding or a stated fear of return excepts the child; the ability to decide independently is not recorded in encounter v1 and is for the officer.",
        ("8 USC 1232(a)(2)", f"{BRIEF} §2.1"),
        "M",
    ),
    Flag(
        "family_members_travelling",
        "Under 8 CFR 208.33(a)(2)(ii) and (a)(3) the exceptions and rebuttal grounds of a family member travelling with the person count for the person; encounter v1 records each person in their own document.",
        "Screened without the documents of the members listed in family.members, this decision reads this document only; screen it with them (companions) for their exceptions to count.",
        ("8 CFR 208.33(a)(2)(ii)", "8 CFR 208.33(a)(3)", f"{BRIEF} §3.4"),
        "V",
    ),
    Flag(
        "family_unity",
        "Family unity: an immigration judge may treat the 2023 presumption as rebutted where the applicant qualifies for withholding or CAT and a spouse or child would otherwise be separated (8 CFR 1208.33(c) [M]; DHS's analogue at 208.35(c) [V]).",
        "Not decided at screening; listed for the adjudicator whenever a bar applies to a person travelling with family.",
        ("8 CFR 1208.33(c)", "8 CFR 208.35(c)", f"{BRIEF} §3.4"),
        "M",
    ),
    Flag(
        "securing_border_officer_exception",
        "Proclamation 10773 §3(b) excepts people excepted by officers for operational or humanitarian reasons; encounter v1 does not record such an exception.",
        "Not established unless recorded; the officer's exception, if given, takes the person out of the limitation.",
        ("Proclamation 10773 §3(b)", f"{BRIEF} addendum"),
        "M",
    ),
    Flag(
        "confidentiality_1367",
        "A victim of a severe form of trafficking is to be referred for a T visa; 8 USC 1367 gives T-visa applicants a confidentiality of its own, beside 8 CFR 208.6 [M].",
        "The decision carries the marker 8_usc_1367: its trafficking finding and any T-visa referral are disclosed to nobody outside the adjudicating US agencies, partner agencies included.",
        ("8 USC 1367", "8 CFR 214.11", f"{BRIEF} §6, scenario 12"),
        "M",
    ),
    Flag(
        "one_year_arrival_date",
        "The one-year deadline runs from the date of arrival; encounter v1 records the encounter, which may be later than the arrival (e.g. a visa overstay).",
        "The encounter date is taken as the arrival: the deadline is one year after encountered_on.",
        ("8 USC 1158(a)(2)(B)", f"{BRIEF} §2.1, scenario 34"),
    ),
    Flag(
        "mpp_2021_ports",
        "MPP 2021 ran at seven ports (San Diego, Calexico, Nogales, El Paso, Eagle Pass, Laredo, Brownsville); this encounter does not say where it was processed.",
        "Without a location, amenability to MPP 2021 is not limited by port; give place.location.",
        ("DHS MPP guidance (Dec. 2021)", f"{BRIEF} §4.4"),
        "V",
    ),
)
