"""The hierarchy of responsibility criteria: Dublin III Arts. 7–15 and 3(2); AMMR Arts. 25–33 and 16(2).

Each criterion is a rule whose id is its criterion code (shared/spec/eu/README.md §5), in
default/exception form: it *applies* when its facts name a State, and its value is that State.
Every criterion is excepted when an earlier one already named a State (Dublin III Art. 7(1); the
AMMR's hierarchy): each step sets its code as a fact (the State, or nothing), and the exception
reads the earlier codes. So at most one applies and the trace shows which later ones would also have
applied. A criterion of one framework is not in force for applications under the other: the
framework follows the registration date (AMMR Arts. 84–85), the rules' anchor.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from amparo.rules.eu.dates import AMMR_APPLIES_FROM, COVERAGE_START
from amparo.rules.rules_api import (
    FALSE,
    TRUE,
    Expr,
    FlagWhen,
    Rule,
    RuleException,
    RuleVersion,
    any_of,
    fact,
)


@dataclass(frozen=True)
class Criterion:
    """One row of a framework's table: code, article, when it applies and the State it names."""

    code: str
    title: str
    citations: tuple[str, ...]
    summary: str
    applies: Expr
    names: Expr
    certainty: str = "V"
    exceptions: tuple[RuleException, ...] = ()
    flags: tuple[FlagWhen, ...] = field(default=())
    #: (flag, condition): raised when the criterion is reached (no earlier one named a State).
    reached_flags: tuple[tuple[str, Expr], ...] = ()


UAM = fact("unaccompanied_minor")
VALID_FROM_ONE_STATE = fact("valid_document_issuer_count").eq(1)
NO_VALID_DOCUMENT = fact("valid_document_issuer_count").eq(0)
VISA_WAIVED = fact("visa_waived_entry_state").is_set()


def _flag(flag: str, when: Expr = TRUE) -> FlagWhen:
    return FlagWhen(flag, when, ("applies",))


BEST_INTERESTS = _flag("eu_best_interests")
NOT_LEFT = _flag("eu_not_left")
AMMR_ORDER = _flag("eu_ammr_order")
AMMR_EXPIRED = _flag("eu_ammr_expired_documents")


def _pending(prefix: str) -> FlagWhen:
    return _flag("eu_uam_pending", fact(f"{prefix}_status").eq("applicant_pending"))


def _partner(prefix: str) -> FlagWhen:
    return _flag("eu_partner", fact(f"{prefix}_relation").eq("partner"))


def _several(prefix: str) -> FlagWhen:
    return _flag("eu_several_family_states", fact(f"{prefix}_state_count") > 1)


def _minors(
    fw: str, art: str, para: tuple[str, str, str], fallback: Expr, fallback_text: str
) -> list[Criterion]:
    family, relative, alone = para
    return [
        Criterion(
            f"{fw}_art{art}_{family}",
            f"Unaccompanied minor: a family member or sibling legally present (Art. {art}({family}))",
            (f"{_LAW[fw]} Art. {art}({family})",),
            "An unaccompanied minor is the responsibility of the State where a family member or a "
            "sibling is legally present, if it is in the child's best interests.",
            UAM & fact("uam_family_state").is_set(),
            fact("uam_family_state"),
            flags=(BEST_INTERESTS, _pending("uam_family"), _partner("uam_family")),
        ),
        Criterion(
            f"{fw}_art{art}_{relative}",
            f"Unaccompanied minor: a relative legally present (Art. {art}({relative}))",
            (f"{_LAW[fw]} Art. {art}({relative})",),
            "Failing a family member or sibling, the State where a relative who can take care of the "
            "minor is legally present (the relative is taken to be able to care for the minor).",
            UAM & fact("uam_relative_state").is_set(),
            fact("uam_relative_state"),
            flags=(BEST_INTERESTS, _pending("uam_relative")),
        ),
        Criterion(
            f"{fw}_art{art}_{alone}",
            f"Unaccompanied minor without family in the Member States (Art. {art}({alone}))",
            (f"{_LAW[fw]} Art. {art}({alone})", *(("CJEU C-648/11 MA",) if fw == "dublin_iii" else ())),
            fallback_text,
            UAM,
            fallback,
            certainty="V" if fw == "dublin_iii" else "M",
            flags=(BEST_INTERESTS,),
        ),
    ]


def _family(fw: str, arts: tuple[str, str], order: tuple[FlagWhen, ...]) -> list[Criterion]:
    beneficiary, pending = arts
    return [
        Criterion(
            f"{fw}_art{beneficiary}",
            f"Family member who is a beneficiary of international protection (Art. {beneficiary})",
            (f"{_LAW[fw]} Art. {beneficiary}",),
            "The State where a family member has been allowed to reside as a beneficiary of "
            "international protection, if the persons concerned wish it in writing.",
            fact("family_beneficiary_state").is_set(),
            fact("family_beneficiary_state"),
            certainty="V" if fw == "dublin_iii" else "M",
            flags=(*order, _several("family_beneficiary"), _partner("family_beneficiary")),
        ),
        Criterion(
            f"{fw}_art{pending}",
            f"Family member whose application awaits a first decision (Art. {pending})",
            (f"{_LAW[fw]} Art. {pending}",),
            "The State where a family member's application has had no first decision on the "
            "substance, if the persons concerned wish it in writing.",
            fact("family_pending_state").is_set(),
            fact("family_pending_state"),
            certainty="V" if fw == "dublin_iii" else "M",
            flags=(*order, _several("family_pending"), _partner("family_pending")),
        ),
    ]


def _documents(fw: str, art: str, windows: str, extra: tuple[FlagWhen, ...]) -> list[Criterion]:
    expired = (*extra, NOT_LEFT, *((AMMR_EXPIRED,) if fw == "ammr" else ()))
    law = f"{_LAW[fw]} Art. {art}"
    certain = "V" if fw == "dublin_iii" else "M"
    return [
        Criterion(
            f"{fw}_art{art}_1",
            f"Valid residence document (Art. {art}(1))",
            (f"{law}(1)",),
            "The State that issued a valid residence document (all valid documents from one State).",
            VALID_FROM_ONE_STATE & fact("valid_residence_document"),
            fact("valid_document_issuer"),
            certainty=certain,
            flags=extra,
        ),
        Criterion(
            f"{fw}_art{art}_2",
            f"Valid visa (Art. {art}(2))",
            (f"{law}(2)",),
            "The State that issued a valid visa, when there is no valid residence document "
            "(all valid documents from one State).",
            VALID_FROM_ONE_STATE & fact("valid_visa") & ~fact("valid_residence_document"),
            fact("valid_document_issuer"),
            certainty=certain,
            flags=extra,
        ),
        Criterion(
            f"{fw}_art{art}_3",
            f"Valid documents from several States (Art. {art}(3))",
            (f"{law}(3)",),
            "The State of the residence document giving the longest residence, else of the visa "
            "expiring last.",
            fact("valid_document_issuer_count") > 1,
            fact("valid_document_issuer"),
            certainty=certain,
            flags=extra,
        ),
        Criterion(
            f"{fw}_art{art}_4",
            f"Expired residence document or visa (Art. {art}(4))",
            (f"{law}(4) first subpara.",),
            f"The State that issued a document expired less than {windows} before, chosen as for "
            "valid documents, if the applicant has not left the territories of the Member States.",
            NO_VALID_DOCUMENT & fact("expired_document_issuer").is_set(),
            fact("expired_document_issuer"),
            certainty="M",
            flags=expired,
        ),
        Criterion(
            f"{fw}_art{art}_4_sub2",
            f"Document expired longer ago, applicant still in the Member States (Art. {art}(4) second subpara.)",
            (f"{law}(4) second subpara.",),
            "The State where the application was lodged, when a document expired longer ago and the "
            "applicant has not left the territories of the Member States.",
            NO_VALID_DOCUMENT & fact("long_expired_document"),
            fact("lodged_in"),
            certainty="M",
            flags=expired,
        ),
    ]


def _visa_waived_and_transit(fw: str, arts: tuple[str, str], extra: tuple[FlagWhen, ...]) -> list[Criterion]:
    waived, transit = arts
    return [
        Criterion(
            f"{fw}_art{waived}_1",
            f"Entry where no visa was required (Art. {waived}(1))",
            (f"{_LAW[fw]} Art. {waived}{'(1)' if fw == 'dublin_iii' else ''}",),
            "The State the applicant entered where the need for a visa was waived (the latest such entry).",
            VISA_WAIVED & ~fact("visa_waived_in_lodging_state"),
            fact("visa_waived_entry_state"),
            certainty="M",
            flags=extra,
        ),
        Criterion(
            f"{fw}_art{waived}_2",
            f"Visa waived also where the application was lodged (Art. {waived}(2))",
            (f"{_LAW[fw]} Art. {waived}{'(2)' if fw == 'dublin_iii' else ''}",),
            "The State where the application was lodged, when it too waives the visa for the applicant.",
            VISA_WAIVED & fact("visa_waived_in_lodging_state"),
            fact("lodged_in"),
            certainty="M",
            flags=extra,
        ),
        Criterion(
            f"{fw}_art{transit}",
            f"Application in an airport transit area (Art. {transit})",
            (f"{_LAW[fw]} Art. {transit}",),
            "The State in whose international airport transit area the application was made.",
            fact("airport_transit_in_lodging_state"),
            fact("lodged_in"),
            certainty="M",
            flags=extra,
        ),
    ]


_LAW = {"dublin_iii": "Dublin III", "ammr": "AMMR"}

DUBLIN_III = (
    *_minors(
        "dublin_iii",
        "8",
        ("1", "2", "4"),
        fact("lodged_in"),
        "Failing family, siblings and relatives, the State where the minor lodged the application "
        "and is present, in the child's best interests.",
    ),
    *_family("dublin_iii", ("9", "10"), ()),
    *_documents("dublin_iii", "12", "2 years (residence document) or 6 months (visa)", ()),
    Criterion(
        "dublin_iii_art13_1",
        "Irregular crossing of an external border (Art. 13(1), 12 months)",
        ("Dublin III Art. 13(1)",),
        "The State whose external border the applicant crossed irregularly, until 12 months after "
        "the crossing (the earliest crossing still within them).",
        fact("irregular_crossing_state").is_set(),
        fact("irregular_crossing_state"),
        flags=(_flag("eu_sar_dublin", fact("irregular_crossing_kind").eq("sar_disembarkation")),),
    ),
    Criterion(
        "dublin_iii_art13_2",
        "Continuous stay of at least five months (Art. 13(2))",
        ("Dublin III Art. 13(2)",),
        "The State where an applicant who entered irregularly lived continuously for at least five "
        "months before applying (the stay that ended last).",
        fact("five_month_stay_state").is_set(),
        fact("five_month_stay_state"),
        exceptions=(
            RuleException(
                "entered_without_visa",
                "the applicant entered where no visa was required (a regular entry, Art. 14)",
                "Dublin III Art. 13(2)",
                VISA_WAIVED,
            ),
        ),
    ),
    *_visa_waived_and_transit("dublin_iii", ("14", "15"), ()),
    Criterion(
        "dublin_iii_art3_2",
        "Default: the first State where an application was lodged (Art. 3(2))",
        ("Dublin III Art. 3(2) first subpara.",),
        "Where no criterion names a State, the first State in which an application was lodged.",
        TRUE,
        fact("first_state"),
    ),
)

AMMR = (
    *_minors(
        "ammr",
        "25",
        ("2", "3", "5"),
        fact("first_state"),
        "Failing family, siblings and relatives, the State where the minor's application was first "
        "registered, in the child's best interests (Art. 25(1): for a minor only Art. 25 applies).",
    ),
    *_family("ammr", ("26", "27"), (AMMR_ORDER,)),
    *_documents("ammr", "29", "3 years (residence document) or 18 months (visa)", (AMMR_ORDER,)),
    *_visa_waived_and_transit("ammr", ("31", "32"), (AMMR_ORDER,)),
    Criterion(
        "ammr_art33_2",
        "Disembarkation after search and rescue (Art. 33(2), 12 months)",
        ("AMMR Art. 33(2)",),
        "Notwithstanding Art. 33(1), the State of disembarkation after a search and rescue "
        "operation, until 12 months after the disembarkation (the earliest still within them).",
        fact("sar_disembarkation_state").is_set(),
        fact("sar_disembarkation_state"),
    ),
    Criterion(
        "ammr_art33_1",
        "Irregular crossing of an external border (Art. 33(1), 20 months)",
        ("AMMR Art. 33(1)",),
        "The State whose external border the applicant crossed irregularly, unless the application "
        "is registered more than 20 months after the crossing.",
        fact("irregular_crossing_state").is_set(),
        fact("irregular_crossing_state"),
        reached_flags=(("eu_sar_lapsed", fact("sar_lapsed")),),
    ),
    Criterion(
        "ammr_art16_2",
        "Default: the State where the application was first registered (Art. 16(2))",
        ("AMMR Art. 16(2)",),
        "Where no criterion names a State, the first State in which an application was registered.",
        TRUE,
        fact("first_state"),
    ),
)

_HIERARCHY = {
    "dublin_iii": "Dublin III Art. 7(1)",
    "ammr": "AMMR Art. 24 (hierarchy of criteria) [M]",
}


def _rule(fw: str, c: Criterion, earlier: tuple[str, ...]) -> Rule:
    """The rule of criterion ``c``, excepted when one of the ``earlier`` criteria named a State."""
    named_before = any_of(*(fact(code).is_set() for code in earlier))
    reached = tuple(
        FlagWhen(flag, when & ~named_before, ("applies", "not_applicable")) for flag, when in c.reached_flags
    )
    in_force = RuleVersion(
        version=fw,
        valid_from=COVERAGE_START if fw == "dublin_iii" else AMMR_APPLIES_FROM,
        valid_to=AMMR_APPLIES_FROM if fw == "dublin_iii" else None,
        status="in_effect",
        summary=c.summary,
        citations=c.citations,
        applies=c.applies,
        value=c.names,
        exceptions=(
            RuleException(
                "earlier_criterion",
                "an earlier criterion in the hierarchy already names the responsible State",
                _HIERARCHY[fw],
                named_before,
            ),
            *c.exceptions,
        ),
        flags=(*c.flags, *reached),
        certainty="V" if c.certainty == "V" else "M",
    )
    other = RuleVersion(
        version="ammr_era" if fw == "dublin_iii" else "before_ammr",
        valid_from=AMMR_APPLIES_FROM if fw == "dublin_iii" else COVERAGE_START,
        valid_to=None if fw == "dublin_iii" else AMMR_APPLIES_FROM,
        status="not_in_force",
        summary="Applications registered from 1 July 2026 fall under the AMMR."
        if fw == "dublin_iii"
        else "The AMMR applies to applications registered from 1 July 2026.",
        citations=("AMMR Art. 84(2)", "AMMR Art. 85"),
        applies=FALSE,
    )
    return Rule(
        id=c.code,
        title=f"{_LAW[fw]}: {c.title}",
        kind="criterion",
        instrument=fw,
        anchor="encountered_on",
        versions=(in_force, other) if fw == "dublin_iii" else (other, in_force),
        not_applicable=None,
        description=c.summary,
    )


DUBLIN_III_CODES = tuple(c.code for c in DUBLIN_III)
AMMR_CODES = tuple(c.code for c in AMMR)
CRITERIA = {"dublin_iii": DUBLIN_III, "ammr": AMMR}
RULES = (
    *(_rule("dublin_iii", c, DUBLIN_III_CODES[:i]) for i, c in enumerate(DUBLIN_III)),
    *(_rule("ammr", c, AMMR_CODES[:i]) for i, c in enumerate(AMMR)),
)
