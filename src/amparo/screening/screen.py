"""Screen one document under one law pack: which rules applied, why, under which clause.

The pack is passed in (or chosen by the document's ``schema`` field from a
:class:`~amparo.engine.registry.PackRegistry`); its :class:`~amparo.engine.pack.Program` says which
rules are consulted in which order, which results become named facts for later steps, and how
the summary is read. Nothing here knows any pack's rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from amparo.engine.evaluate import determine
from amparo.engine.pack import AnyApplies, LawPack, SummaryKey
from amparo.engine.registry import PackRegistry
from amparo.engine.trace import Determination
from amparo.screening.decision import Decision


def pack_for(document: Mapping[str, Any], packs: LawPack | PackRegistry) -> LawPack:
    """The pack that reads ``document``: ``packs`` itself, or the registry's pick by ``schema``."""
    return packs.for_document(document) if isinstance(packs, PackRegistry) else packs


def screen(
    document: Mapping[str, Any],
    packs: LawPack | PackRegistry,
    *,
    as_of: dt.date | None = None,
    companions: Sequence[Mapping[str, Any]] = (),
) -> Decision:
    """Validate and screen one document (an InputError naming every bad field if it is not valid).

    ``as_of`` overrides the document's own adjudication date (the law is read on it).
    ``companions``: documents of the people travelling with this one (e.g. the family members it
    lists), read by a pack that has ``merge_companions`` (some exceptions count for the whole group).
    """
    pack = pack_for(document, packs)
    parsed = [pack.parse(c) for c in companions]
    return screen_parsed(pack.parse(document), pack, as_of=as_of, companions=parsed)


def companion_facts(
    pack: LawPack, facts: dict[str, Any], companions: Sequence[Any], as_of: dt.date | None
) -> None:
    """Let a pack with ``merge_companions(facts, companions_facts)`` fold the facts of the people
    travelling with the person into the person's own (a pack without it ignores companions)."""
    merge = getattr(pack, "merge_companions", None)
    if not companions or merge is None:
        return
    merge(facts, [pack.extract_facts(c, pack.read_dates(c, as_of)) for c in companions])


def _summary_value(key: SummaryKey, results: Mapping[str, Determination], facts: Mapping[str, Any]) -> Any:
    if key.kind == "fact":
        return facts.get(key.fact or key.key)
    if key.kind == "applies":
        return results[key.rules[0]].outcome == "applies"
    if key.kind == "value":
        return results[key.rules[0]].value
    applying = [results[r].value for r in key.rules if results[r].outcome == "applies"]
    if key.kind == "first_value":
        return applying[0] if applying else None
    return sorted(str(v) for v in applying)


BEYOND_CURRENCY = "law_pack_not_current"


def beyond_currency_flag(pack: LawPack, on: dt.date) -> dict[str, Any]:
    """The flag on a decision read past the date the pack was last checked against its sources."""
    return {
        "id": BEYOND_CURRENCY,
        "message": (
            f"The {pack.id} law pack is current to {pack.current_to.isoformat()}; this decision reads "
            f"{on.isoformat()}, and the law may have changed since. Decided: the law as last recorded is "
            "applied; check for newer instruments."
        ),
        "citations": [f"{pack.title}, current to {pack.current_to.isoformat()}"],
        "certainty": "U",
    }


def screen_parsed(
    parsed: Any, pack: LawPack, *, as_of: dt.date | None = None, companions: Sequence[Any] = ()
) -> Decision:
    """Screen a document ``pack.parse`` returned, running the pack's program in order."""
    book = pack.law_book()
    dates = pack.read_dates(parsed, as_of)
    facts = pack.extract_facts(parsed, dates)
    companion_facts(pack, facts, companions, as_of)
    program = pack.program
    results: dict[str, Determination] = {}
    steps: list[Determination] = []
    for step in program.steps:
        if isinstance(step, AnyApplies):
            facts[step.fact] = any(results[r].outcome == "applies" for r in step.rules)
            continue
        result = determine(book, step.rule, facts, dates.anchors)
        results[step.rule] = result
        steps.append(result)
        if step.sets is not None:
            facts[step.sets] = result.outcome == "applies" if step.take == "applies" else result.value

    flag_ids: list[str] = []
    for result in steps:
        for flag_id in result.flags:
            if flag_id not in flag_ids:
                flag_ids.append(flag_id)
    if dates.document_id is not None and dates.occurred_on is not None:
        document_id, occurred_on = dates.document_id, dates.occurred_on
    else:
        person = pack.person(parsed)
        document_id, occurred_on = person.document_id, person.occurred_on
    flags = [book.flag(f).as_dict() for f in flag_ids]
    latest = max(dates.read_on, occurred_on)
    if latest > pack.current_to:
        flags.append(beyond_currency_flag(pack, latest))
    return Decision(
        encounter_id=document_id,
        as_of=dates.read_on,
        encountered_on=occurred_on,
        summary={key.key: _summary_value(key, results, facts) for key in program.summary},
        determinations=tuple(steps),
        flags=tuple(flags),
        ruleset_id=book.id,
        ruleset_version=book.version,
        ruleset_digest=book.digest,
        confidentiality=pack.confidentiality,
        markers=tuple(m for m in program.markers if results[m.rule].outcome == "applies"),
    )
