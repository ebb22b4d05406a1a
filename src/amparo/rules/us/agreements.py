"""The 2025 agreements and arrangements (brief §2.7) as records with the fields the brief asks for:
legal basis, Federal Register citation, effective date, covered nationalities, exceptions,
suspension or termination, notice period — each with what the brief knows, and ``None`` where it
does not. None is treated as an implemented INA 208(a)(2)(A) agreement (flag ``aca_2025_unverified``).
"""

from __future__ import annotations

from dataclasses import dataclass

from amparo.engine.law import Certainty

UNKNOWN = "not known"


@dataclass(frozen=True)
class AgreementRecord:
    """What the brief knows of one agreement; ``UNKNOWN`` where it says nothing."""

    instrument: str
    legal_basis: str
    fr_citation: str
    effective: str
    covers: str
    exceptions: str
    suspension_or_termination: str
    notice_period: str
    certainty: Certainty

    def notes(self) -> str:
        return (
            f"Legal basis: {self.legal_basis}. Federal Register: {self.fr_citation}. Effective: {self.effective}. "
            f"Covers: {self.covers}. Exceptions: {self.exceptions}. Suspension or termination: "
            f"{self.suspension_or_termination}. Notice period: {self.notice_period}. [{self.certainty}]"
        )


RECORDS: dict[str, AgreementRecord] = {
    r.instrument: r
    for r in (
        AgreementRecord(
            "aca_guatemala_2025",
            "exchange of notes (June 11-13, 2025); whether an INA 208(a)(2)(A) agreement is disputed",
            UNKNOWN,
            "in force June 27, 2025 (Diario Oficial, July 16, 2025)",
            "nationals of Central American countries transferred by the US",
            UNKNOWN,
            "either party on written notice",
            "30 days",
            "V",
        ),
        AgreementRecord(
            "aca_honduras_2025",
            "announced by DHS June 26, 2025; Honduran officials disputed the 'safe third country' label",
            UNKNOWN,
            "reported July 8, 2025 by an unreliable source [U]",
            "'several hundred' people from Spanish-speaking Latin American countries over two years, families included",
            UNKNOWN,
            UNKNOWN,
            UNKNOWN,
            "U",
        ),
        AgreementRecord(
            "aca_paraguay_2025",
            "'Safe Third Country Agreement' signed mid-August 2025 (Rubio, Ramírez Lezcano)",
            UNKNOWN,
            UNKNOWN,
            "referred cases decided by Paraguay's refugee commission (CONARE)",
            UNKNOWN,
            UNKNOWN,
            UNKNOWN,
            "V",
        ),
        AgreementRecord(
            "aca_uganda_2025",
            "'agreement for cooperation in the examination of protection requests' (confirmed Aug. 21, 2025)",
            UNKNOWN,
            UNKNOWN,
            "Uganda prefers to receive Africans",
            "people with criminal records; unaccompanied minors",
            UNKNOWN,
            UNKNOWN,
            "V",
        ),
        AgreementRecord(
            "third_country_arrangements_2025",
            "mostly third-country removal or deportation arrangements; whether any is an INA 208(a)(2)(A) "
            "agreement with a Federal Register notice is not verified",
            UNKNOWN,
            "El Salvador: Feb. 2025; the others: not known",
            "Panama, Costa Rica, El Salvador, Rwanda, Eswatini, South Sudan and others",
            UNKNOWN,
            UNKNOWN,
            UNKNOWN,
            "U",
        ),
        AgreementRecord(
            "aca_ecuador_2025",
            "reported as in progress (alleged in the U.T. v. Noem amended complaint)",
            UNKNOWN,
            UNKNOWN,
            UNKNOWN,
            UNKNOWN,
            UNKNOWN,
            UNKNOWN,
            "U",
        ),
    )
}
