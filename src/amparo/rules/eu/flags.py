"""The contested, unchecked or assumed points of the EU pack, each decided in one place.

shared/spec/eu/README.md §7. Standing assumptions (facts the law needs that an application v1
document cannot state) carry certainty ``M``; contested or unchecked points ``U``.
"""

from __future__ import annotations

from amparo.rules.rules_api import Flag

FLAGS = (
    Flag(
        "eu_transition_day",
        "Registration exactly on 2026-07-01: AMMR Art. 84(1) says 'after', Art. 84(2) 'before'.",
        "the AMMR applies, because Art. 85 applies it 'from' 1 July 2026.",
        ("Reg. 2024/1351 Art. 84(1)", "Reg. 2024/1351 Art. 84(2)", "Reg. 2024/1351 Art. 85", "brief §7 E3"),
    ),
    Flag(
        "eu_no_rollover",
        "The AMMR text seen has no time-limit article like Dublin III Art. 42; Reg. 1182/71 Art. 3(4) "
        "would move a deadline off a Saturday, Sunday or holiday.",
        "no roll-forward: the deadline stays on the weekend day.",
        ("Dublin III Art. 42(c)", "Reg. 1182/71 Art. 3(4)", "spec/eu §3"),
    ),
    Flag(
        "eu_hit_other_state",
        "A category-2 Eurodac hit for a State other than the one requested.",
        "it changes no deadline: only a hit for the requested State shortens the request period.",
        ("Dublin III Art. 21(1) second subpara.", "Reg. 2024/1351 Art. 39(1)", "spec/eu §3"),
    ),
    Flag(
        "eu_ammr_hit_cap",
        "A hit received more than a month after registration (AMMR Art. 39(1)).",
        "the request period is capped at registration + 2 months, as Mengesteab caps Dublin III.",
        ("Reg. 2024/1351 Art. 39(1)", "CJEU C-670/16 Mengesteab"),
    ),
    Flag(
        "eu_uam_pending",
        "Is a relative whose own application is pending 'legally present' for Dublin III Art. 8 / AMMR Art. 25?",
        "yes: the pending applicant's State is responsible for the minor.",
        ("Dublin III Art. 8(1)", "Reg. 2024/1351 Art. 25(2)"),
    ),
    Flag(
        "eu_best_interests",
        "The minors' criteria apply subject to the best interests of the child, which an application "
        "document cannot state; several States may qualify (Dublin III Art. 8(3), AMMR Art. 25(4)).",
        "the best interests are assumed served; among several States, the first in family order.",
        ("Dublin III Art. 8", "Reg. 2024/1351 Art. 25", "CJEU C-648/11 MA"),
        certainty="M",
    ),
    Flag(
        "eu_several_family_states",
        "Several States qualify under Dublin III Art. 9/10 (AMMR Art. 26/27).",
        "the first in family order.",
        ("Dublin III Arts. 9, 10", "Reg. 2024/1351 Arts. 26, 27"),
    ),
    Flag(
        "eu_partner",
        "An unmarried partner is a family member only where the State treats unmarried couples like "
        "married ones (Dublin III Art. 2(g)).",
        "counted as a family member.",
        ("Dublin III Art. 2(g)",),
    ),
    Flag(
        "eu_ammr_expired_documents",
        "The AMMR Art. 29(4) expiry periods (3 years for a residence document, 18 months for a visa) are from memory.",
        "used as stated.",
        ("Reg. 2024/1351 Art. 29(4)", "brief §7.3"),
    ),
    Flag(
        "eu_ammr_order",
        "The order of the AMMR criteria and the content of Arts. 26, 27, 29, 31 and 32 are from memory.",
        "ordered by article number, with the content of the matching Dublin III criteria.",
        ("Reg. 2024/1351 Arts. 26–33", "brief §7.3"),
    ),
    Flag(
        "eu_sar_dublin",
        "Dublin III has no search-and-rescue criterion.",
        "a disembarkation after search and rescue is read as an irregular crossing by sea (Art. 13(1)).",
        ("Dublin III Art. 13(1)",),
    ),
    Flag(
        "eu_sar_lapsed",
        "After the 12 months of AMMR Art. 33(2), may Art. 33(1) read the same arrival as an irregular crossing?",
        "no.",
        ("Reg. 2024/1351 Art. 33(1)", "Reg. 2024/1351 Art. 33(2)"),
    ),
    Flag(
        "eu_ammr_transfer_extension",
        "AMMR Art. 46(2): 1 year (imprisonment) and 3 years (absconding) are from memory.",
        "used as stated.",
        ("Reg. 2024/1351 Art. 46(2)", "brief §7.3, §10 item 8"),
    ),
    Flag(
        "eu_extension_assumed",
        "A transfer extension needs notice to the responsible State before the 6 months run out, "
        "which an application document cannot state.",
        "the notice is assumed given.",
        ("Dublin III Art. 29(2)", "Reg. 2024/1351 Art. 46(2)"),
        certainty="M",
    ),
    Flag(
        "eu_urgent_reply",
        "The Dublin III urgent reply period (Art. 22(6)) is from memory; the AMMR has no urgent procedure.",
        "1 month under Dublin III; urgency is ignored under the AMMR.",
        ("Dublin III Art. 22(6)", "Reg. 2024/1351 Art. 40"),
    ),
    Flag(
        "eu_detained_dublin",
        "The Dublin III detention periods (Art. 28(3)) are from memory; detention is taken to start at lodging.",
        "1 month to request, 2 weeks to reply.",
        ("Dublin III Art. 28(3)",),
    ),
    Flag(
        "eu_take_back",
        "The responsible State holds a previous application: a take back (Dublin III Arts. 18(1)(b)–(d), "
        "20(5), 23, 24; AMMR Arts. 36(1)(b), 41), whose deadlines are not part of application v1.",
        "no take charge request is due: the request and reply keys are null.",
        ("Dublin III Art. 23", "Dublin III Art. 24", "Reg. 2024/1351 Art. 41"),
    ),
    Flag(
        "eu_acceptance_mismatch",
        "The State that accepted is not the State the criteria name.",
        "no transfer deadline is given (transfer_by null).",
        ("Dublin III Art. 29(1)", "Reg. 2024/1351 Art. 46(1)"),
    ),
    Flag(
        "eu_not_left",
        "Dublin III Art. 12(4) / AMMR Art. 29(4) require that the applicant has not left the territories "
        "of the Member States since the document expired.",
        "assumed, unless an entry dated after the document's expiry shows otherwise.",
        ("Dublin III Art. 12(4)", "Reg. 2024/1351 Art. 29(4)"),
        certainty="M",
    ),
    Flag(
        "eu_participation",
        "Denmark and the associated States (Iceland, Liechtenstein, Norway, Switzerland) apply Dublin III "
        "by agreement; their participation in the AMMR was not checked.",
        "all 31 EU+ States are treated alike.",
        ("spec/eu §7",),
    ),
)
