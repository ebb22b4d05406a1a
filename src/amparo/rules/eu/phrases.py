"""How an unmet condition of an EU rule reads in an explanation ("Not met: ..."), for officers and
lawyers: the fact's meaning in plain words (shared/spec/eu/README.md §3, :mod:`amparo.rules.eu.facts`).

The explanation (:func:`amparo.screening.explain.why_not`) looks a phrase up by the condition as
written (``fact``, ``not fact``, ``valid_document_issuer_count == 1``,
``request_sent_on > take_charge_deadline``), else by the one fact a condition reads
(``x is known``). A phrase keyed by a fact is said of every condition over that fact, so it must
hold for each; the issuer count, read three ways (Art. 12(1)–(2) / 29(1)–(2), 12(3) / 29(3),
12(4) / 29(4)), has a phrase for each. Every phrase is an English ``msgid`` of the ``messages``
domain (:mod:`amparo.i18n`).
"""

from __future__ import annotations

from collections.abc import Mapping

#: The facts of the minors' criteria are looked for only when the applicant is an unaccompanied
#: minor (Dublin III Art. 8, AMMR Art. 25); otherwise they are empty, and the phrase says so.
_MINORS_ONLY = "(looked for only for an unaccompanied minor)"
#: An entry after a document's expiry shows the applicant left the Member States: Art. 12(4) / 29(4)
#: then ignore the document (spec §3, "document expired in time").
_NOT_LEFT = "(one followed by a later entry does not count: the applicant left the Member States)"

#: How a fact reads when an EU rule's condition is not met (``not <fact>`` for its negation).
FACT_PHRASES: Mapping[str, str] = {
    "unaccompanied_minor": "not an unaccompanied minor",
    "uam_family_state": f"no family member or sibling legally present in a Member State {_MINORS_ONLY}",
    "uam_relative_state": f"no relative legally present in a Member State {_MINORS_ONLY}",
    "family_beneficiary_state": "no family member who is a beneficiary of international protection in a "
    "Member State and for whom the persons concerned expressed their wish in writing",
    "family_pending_state": "no family member whose application in a Member State awaits a first "
    "decision on the substance and for whom the persons concerned expressed their wish in writing",
    "valid_document_issuer_count == 1": "no valid residence document or visa, or valid ones from more "
    "than one State",
    "valid_document_issuer_count > 1": "no valid documents from more than one State",
    "valid_document_issuer_count == 0": "holds a valid residence document or visa",
    "valid_residence_document": "no valid residence document",
    "not valid_residence_document": "holds a valid residence document",
    "valid_visa": "no valid visa",
    "expired_document_issuer": f"no residence document or visa that expired within the periods above {_NOT_LEFT}",
    "long_expired_document": f"no residence document or visa that expired longer ago {_NOT_LEFT}",
    "irregular_crossing_state": "no irregular crossing of an external border in the 12 months (Dublin III) "
    "or 20 months (AMMR) before the applicant first applied",
    "sar_disembarkation_state": "no disembarkation after a search and rescue operation in the 12 months "
    "before the applicant first applied",
    "five_month_stay_state": "no continuous stay of at least five months in a Member State before the "
    "applicant first applied",
    "visa_waived_entry_state": "no entry into a Member State where no visa was required",
    "visa_waived_in_lodging_state": "no visa waiver for the applicant in the State where the application "
    "was lodged",
    "not visa_waived_in_lodging_state": "the State where the application was lodged also waives the visa "
    "for the applicant",
    "airport_transit_in_lodging_state": "the application was not made in an international airport transit "
    "area of the State where it was lodged",
    "request_due": "no take charge request is due",
    "request_sent_on > take_charge_deadline": "no take charge request was sent after its time limit",
    "criteria_state != lodged_in": "the criteria name the State where the application was lodged",
}
