"""The text report of ``amparo impact`` (``--json`` gives every count as one object instead), in
the language ``--lang`` asked: who changes outcome, by summary key and transition, by law pack,
nationality and month, and the invalid rows not compared (the first five, on standard error).
Codes (summary keys, their values, country codes, months) are written as they are."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from babel.numbers import format_decimal
from rich.console import Console
from rich.markup import escape

from amparo.i18n import say, translator
from amparo.terminal_text import escaped_controls

#: How many transitions of a key, nationalities and months the text report lists (``--json``: all).
TRANSITIONS_SHOWN = 5
NATIONALITIES_SHOWN = 10
MONTHS_SHOWN = 12


@dataclass(frozen=True)
class ImpactReport:
    """What the report says: ``result`` (the counts as ``--json`` gives them), the dates compared
    (``None``: each document's own), the change file's name, and whether every document compared
    is an encounter (else they are called documents)."""

    result: Mapping[str, Any]
    before: str | None
    after: str | None
    change: str | None
    encounters_only: bool
    lang: str

    def _(self, message: str) -> str:
        return str(translator(self.lang).gettext(message))

    def _n(self, singular: str, plural: str, count: int) -> str:
        return str(translator(self.lang).ngettext(singular, plural, count))

    def number(self, value: float) -> str:
        return str(format_decimal(value, locale=self.lang))

    def seconds(self) -> str:
        return str(format_decimal(round(self.result["seconds"], 1), format="0.0", locale=self.lang))

    def invalid_rows(self, err: Console) -> None:
        """The invalid rows, not counted as changed or not: how many, and the first."""
        invalid = self.result["invalid"]
        err.print(
            self._n(
                "{count} invalid row not compared (`amparo screen --batch` gives each its error row); the first:",
                "{count} invalid rows not compared (`amparo screen --batch` gives each its error row); the first:",
                invalid,
            ).format(count=self.number(invalid)),
            highlight=False,
            markup=False,
        )
        for item in self.result["invalid_rows"]:
            err.print(
                "  "
                + self._("row {row} ({id}): {path}: {message}").format(
                    row=self.number(item["row"]),
                    id=escaped_controls(item["encounter_id"]) if item["encounter_id"] else self._("no id"),
                    path=item["path"] or self._("(the document)"),
                    message=say(item["message"], self.lang),
                ),
                highlight=False,
                markup=False,
            )

    def nothing_compared(self, console: Console) -> None:
        screened = self.result["screened"]
        console.print(
            self._n(
                "[bold]No encounter compared[/]: the one row is invalid (named above; {seconds} s)",
                "[bold]No encounter compared[/]: every one of the {count} rows is invalid "
                "(the first are named above; {seconds} s)",
                screened,
            ).format(count=self.number(screened), seconds=self.seconds()),
            highlight=False,
        )

    def _between(self) -> str:
        own = self._("each document's own date")
        before = self.before or own
        if self.change is not None and self.before == self.after:
            if self.before is None:
                return self._("with {change}, the law read on each document's own date").format(
                    change=escape(self.change)
                )
            return self._("with {change}, the law read on {date}").format(
                change=escape(self.change), date=before
            )
        after = self.after or before
        if self.change is not None:
            after = self._("{date} with {change}").format(date=after, change=self.change)
        return self._("between {before} and {after}").format(before=escape(before), after=escape(after))

    def counts(self, console: Console) -> None:
        """Who changes outcome, by key and transition, by pack, nationality and month."""
        result = self.result
        changed, screened = result["changed"], result["screened"]
        line = (
            # English says "of 1 encounters" as it always has (the forms differ in other languages).
            self._n(
                "{changed} of {screened} encounters change outcome {between} ({invalid} invalid; {seconds} s)",
                "{changed} of {screened} encounters change outcome {between} ({invalid} invalid; {seconds} s)",
                screened,
            )
            if self.encounters_only
            else self._n(
                "{changed} of {screened} documents change outcome {between} ({invalid} invalid; {seconds} s)",
                "{changed} of {screened} documents change outcome {between} ({invalid} invalid; {seconds} s)",
                screened,
            )
        )
        console.print(
            line.format(
                changed=f"[bold]{self.number(changed)}[/]",
                screened=self.number(screened),
                between=self._between(),
                invalid=self.number(result["invalid"]),
                seconds=self.seconds(),
            ),
            highlight=False,
        )
        packs = result["by_pack"]
        if len(packs) > 1:
            console.print(
                "  "
                + self._("by law pack: {counts}").format(
                    counts=", ".join(
                        self._("{pack} {changed} of {screened}").format(
                            pack=pack, changed=self.number(n["changed"]), screened=self.number(n["screened"])
                        )
                        for pack, n in packs.items()
                    )
                ),
                highlight=False,
            )
        for key, item in result["by_key"].items():
            console.print(f"  {key}: {self.number(item['changed'])}", highlight=False, markup=False)
            transitions = list(item["transitions"].items())
            for transition, n in transitions[:TRANSITIONS_SHOWN]:
                console.print(f"      {transition}: {self.number(n)}", highlight=False, markup=False)
            if len(transitions) > TRANSITIONS_SHOWN:
                rest = transitions[TRANSITIONS_SHOWN:]
                count = sum(n for _, n in rest)
                console.print(
                    "      "
                    + self._n(
                        "… {more} more ({count} row; --json for all)",
                        "… {more} more ({count} rows; --json for all)",
                        count,
                    ).format(more=self.number(len(rest)), count=self.number(count)),
                    highlight=False,
                    markup=False,
                )
        self._by_nationality_and_month(console)

    def _by_nationality_and_month(self, console: Console) -> None:
        nationalities = list(self.result["by_nationality"].items())
        if nationalities:
            more = len(nationalities) - NATIONALITIES_SHOWN
            listed = ", ".join(f"{k} {self.number(v)}" for k, v in nationalities[:NATIONALITIES_SHOWN])
            if more > 0:
                listed += ", " + self._("… {more} more (--json for all)").format(more=self.number(more))
            console.print("  " + self._("by nationality: {counts}").format(counts=listed), highlight=False)
        months = list(self.result["by_month"].items())
        if len(months) > MONTHS_SHOWN:
            from amparo.batch.impact import ranked

            most = list(ranked(self.result["by_month"]).items())[:3]
            console.print(
                "  "
                + self._(
                    "by month: {first} … {last} ({count} months; the most: {most}; --json for all)"
                ).format(
                    first=months[0][0],
                    last=months[-1][0],
                    count=self.number(len(months)),
                    most=", ".join(f"{k} {self.number(v)}" for k, v in most),
                ),
                highlight=False,
            )
        elif months:
            listed = ", ".join(f"{k} {self.number(v)}" for k, v in months)
            console.print("  " + self._("by month: {counts}").format(counts=listed), highlight=False)
