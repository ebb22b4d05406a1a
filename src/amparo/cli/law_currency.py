"""The warning that decisions read the law past the date their pack is current to (flag
``law_pack_not_current``), said the same by ``amparo screen`` and ``amparo screen --batch``."""

from __future__ import annotations

from rich.console import Console


def warn_beyond_currency(err: Console, count: int, lang: str) -> None:
    """Warn that ``count`` decisions read the law past their pack's currency (flag
    ``law_pack_not_current``), in ``lang``: ``amparo screen`` and ``amparo screen --batch``."""
    from babel.numbers import format_decimal

    from amparo.i18n import translator

    warned = translator(lang).ngettext(
        "warning: {n} decision reads the law past the date its pack is current to "
        "(flag law_pack_not_current): the law may have changed since.",
        "warning: {n} decisions read the law past the date their pack is current to "
        "(flag law_pack_not_current): the law may have changed since.",
        count,
    )
    err.print(
        warned.format(n=format_decimal(count, locale=lang)), highlight=False, markup=False, style="yellow"
    )
