"""How a US decision reads for an officer and a lawyer: the processing tracks as alternatives at
DHS's discretion (brief §0, §1.2, §2.3), never as cumulative outcomes; "amenable to", never
"applies", for a discretionary programme; the fallback when the person is screened out of an ACA.

Every sentence is an English ``msgid`` of the ``messages`` domain (:mod:`amparo.i18n`), with
``{name}`` placeholders filled after translation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Gettext = Callable[[str], str]

COUNTRY_NAMES = {"GT": "Guatemala", "HN": "Honduras", "SV": "El Salvador", "MX": "Mexico"}

#: How a fact reads when a rule's condition is not met (``not <fact>`` for its negation).
FACT_PHRASES: Mapping[str, str] = {
    "encountered_on": "the arrival date is outside the rule's dates",
    "encountered_instant": "the moment of the encounter is outside the rule's window",
    "border": "not encountered at the border the rule covers",
    "by_land_from_mexico": "did not arrive by land from Mexico",
    "from_mexico_southwest_or_coastal": "did not enter from Mexico at the southwest land border or the adjacent coast",
    "lacks_entry_documents": "holds documents for lawful admission",
    "transited_third_country": "transited no third country",
    "transited_refugee_convention_party": "transited no country party to the 1951 Convention or the 1967 Protocol",
    "under_18": "not under 18 at the encounter",
    "unaccompanied_child": "not an unaccompanied child",
    "contiguous_country_national": "not a national of Mexico or Canada",
    "at_el_paso": "not processed at the El Paso Border Patrol station",
    "at_mpp_2021_port": "not at one of the seven ports of MPP 2021",
    "at_mpp_early_place": "MPP had not yet started at this place",
    "western_hemisphere_national": "not a Western Hemisphere national",
    "nationalities": "not in the population the agreement was being implemented for",
    "not family_unit": "travelling as a family unit (the first phase took single adults)",
    "not under_18": "a child (the first phase took single adults)",
    "in_emergency_border_circumstances": "no emergency border circumstances at that moment",
    "state": "entered in California or Arizona, or the state is not given (Ninth Circuit injunction)",
    "severe_trafficking_victim": "no finding of a severe form of trafficking",
    "one_year_deadline_on": "no arrival date",
    "aca_removal": "not amenable to an ACA transfer",
}

_STANDARD = {
    "significant_possibility": "ordinary credible fear ('significant possibility')",
    "reasonable_possibility": "negative credible-fear finding on asylum; withholding and CAT screened at a 'reasonable possibility'",
    "reasonable_probability": "negative credible-fear finding on asylum; withholding and CAT screened at a 'reasonable probability'",
}


def _fallback(bars: list[str]) -> str:
    if "securing_border_2024" in bars:
        return "reasonable_probability"
    if bars:
        return "reasonable_possibility"
    return "significant_possibility"


def _bars(bars: list[str], _: Gettext) -> str:
    return ", ".join(_(b.replace("_", " ")) for b in bars) if bars else _("no asylum bar")


def narrative(summary: Mapping[str, Any], outcomes: Mapping[str, str], _: Gettext) -> list[tuple[str, str]]:
    """The tracks of one decision: (heading, text) pairs, translated with ``_``."""
    if summary["title42_expulsion"]:
        return [
            (
                _("Title 42"),
                _(
                    "Subject to expulsion under the Title 42 public-health order (DHS practice, from memory in "
                    "the brief [M]); no Title 8 processing while it applies."
                ),
            )
        ]
    if summary["unaccompanied_child"]:
        text = _(
            "An unaccompanied child: section 240 proceedings and HHS/ORR custody, with USCIS initial "
            "jurisdiction over asylum. No ACA transfer (INA 208(a)(2)(E)), no MPP, no expedited removal "
            "(8 USC 1232(a)(5)(D))."
        )
        if outcomes.get("uac.contiguous_return") == "applies":
            text += " " + _(
                "As a national of Mexico or Canada, the child may instead be permitted to withdraw and be "
                "returned at the border, after the screening of 8 USC 1232(a)(2)."
            )
        return [(_("Unaccompanied child"), text)]
    bars = list(summary["asylum_bars"])
    country = summary["aca_removal_to"]
    lines: list[str] = []
    if country:
        name = _(COUNTRY_NAMES.get(country, country))
        lines.append(
            _(
                "(a) Expedited removal. Amenable to an ACA transfer to {country}: DHS may initiate the threshold "
                "screening before any credible-fear interview (8 CFR 208.30(e)(7)). The person is removable to "
                "{country} only if not excepted, with no 'more likely than not' showing of persecution or torture "
                "in {country} and no public-interest decision; the determination needs a supervisory asylum "
                "officer's concurrence (8 CFR 208.30(e)(8))."
            ).format(country=name)
        )
        lines.append(
            "    "
            + _("If screened out of the ACA: credible fear with {bars}: {standard}.").format(
                bars=_bars(bars, _), standard=_(_STANDARD[_fallback(bars)])
            )
        )
    elif summary["protection_screening_standard"]:
        lines.append(
            _("(a) Expedited removal with credible fear, with {bars}: {standard}.").format(
                bars=_bars(bars, _), standard=_(_STANDARD[summary["protection_screening_standard"]])
            )
        )
    else:
        lines.append(_("(a) Expedited removal: not for this person (see why below)."))
    if summary["mpp_amenable"]:
        lines.append(
            _(
                "(b) Amenable to MPP: DHS may issue a notice to appear and return the person to Mexico pending "
                "section 240 proceedings (8 USC 1225(b)(2)(C)); a fear of Mexico is screened under the MPP "
                "standard of the time."
            )
        )
    lines.append(
        _(
            "(c) Section 240 proceedings on a notice to appear: the immigration judge applies the same bars, "
            "and the ACA under 8 CFR 1240.11(h)."
        )
    )
    heading = _("Processing tracks: alternatives at DHS's discretion, not cumulative outcomes")
    return [(heading, "\n".join(lines))]


#: Every sentence above, for the catalogue (the ``{name}`` placeholders stay in the msgid).
MESSAGES: tuple[str, ...] = (
    *FACT_PHRASES.values(),
    *_STANDARD.values(),
    *COUNTRY_NAMES.values(),
)
