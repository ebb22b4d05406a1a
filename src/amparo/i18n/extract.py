"""Collect every message of the ``messages`` domain and write ``messages.pot``; merge it into each
language's ``.po`` (new messages untranslated, gone ones dropped).

``python -m amparo.i18n.extract`` — run it after changing a law pack's texts or the explanation.
Sources: ``_("...")`` calls in the explanation, the CLI and the packs' narratives (Babel's Python
extractor), the explanation's fixed vocabularies, and each installed law pack's book (rule titles,
version summaries, exception titles, table rows, flags, instrument-free texts), summary labels,
values, confidentiality notes and markers.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po, write_po

from amparo.engine.pack import LawPack
from amparo.i18n import DOMAIN, LANGUAGES, LOCALES, catalogue_path
from amparo.screening.json_values import JSON_REASONS, TOO_DEEP

SRC = Path(__file__).parents[1]
#: Modules whose ``_("...")`` calls are messages.
PYTHON_SOURCES = (
    "screening/explain.py",
    "rules/us/narrative.py",
    "cli/screen.py",
    "cli/batch.py",
    "cli/impact_report.py",
    "cli/law_currency.py",
    # The Spark job's report and errors (``--lang``), before Spark starts and once it runs.
    "cli/spark_job.py",
    "cli/spark_job_checks.py",
    "batch/spark.py",
    "batch/spark_input.py",
    "batch/spark_output.py",
    # The errors `amparo screen` and `screen --batch` say in the user's --lang (``Phrase("...")``).
    "errors.py",
    "cli/__init__.py",
    "cli/options.py",
    "cli/usage_errors.py",
    "cli/closed_streams.py",
    "cli/packs.py",
    "batch/standard_streams.py",
    "batch/file_paths.py",
    "batch/output_file.py",
    "batch/parquet_input.py",
    "batch/compression.py",
    "screening/inputs.py",
    "screening/json_array.py",
    "screening/json_values.py",
    # The errors of `amparo impact --change FILE` (``Phrase("...")``).
    "batch/change_file.py",
    "batch/overlay.py",
    # ... and the documents' own errors, as `amparo screen` prints them.
    "encounter/validation.py",
    "encounter/model.py",
    "iso_countries.py",
    "user_text.py",
    "engine/registry.py",
    "rules/us/lawpack.py",
    "rules/eu/document.py",
    "rules/eu/lawpack.py",
)
#: Calls whose arguments are messages: gettext's own, :class:`amparo.errors.Phrase` and
#: :class:`~amparo.errors.Plural` (its singular and plural), and ``_n``
#: (an ``ngettext`` of its own, as the impact report has).
KEYWORDS = {**DEFAULT_KEYWORDS, "Phrase": None, "Plural": (1, 2), "_n": (1, 2)}
#: The reasons the system gives most often for a file or a connection (glibc's ``strerror``).
SYSTEM_REASONS = (
    "Permission denied",
    "No such file or directory",
    "Read-only file system",
    "No space left on device",
    "Disk quota exceeded",
    "Is a directory",
    "Not a directory",
    "File exists",
    "File name too long",
    "Too many levels of symbolic links",
    "Device or resource busy",
    "Input/output error",
    "Connection refused",
    "Connection timed out",
    "No route to host",
    "Network is unreachable",
    "Name or service not known",
    "Temporary failure in name resolution",
    "timed out",
)

#: The reasons pydantic gives for a value Typer could not convert, inside a usage error
#: (:mod:`amparo.cli.usage_errors`).
CONVERSION_REASONS = (
    "Input should be a valid integer, unable to parse string as an integer",
    "Input should be a valid integer, got a number with a fractional part",
    "Input should be a valid number, unable to parse string as a number",
    "Input should be a valid boolean, unable to interpret input",
)

#: The reasons Python's codecs give for a compressed file they cannot read (``batch.compression``).
CODEC_REASONS = (
    "Compressed file ended before the end-of-stream marker was reached",
    "Invalid data stream",
    "Input format not supported by decoder",
    "Corrupt input data",
)


#: The words of Python's argparse a command line meets (the Spark job's usage errors:
#: :func:`amparo.cli.usage_errors.argparse_in`).
ARGPARSE_WORDS = (
    "usage: ",
    "%(prog)s: error: %(message)s\n",
    "argument %(argument_name)s: %(message)s",
    "expected one argument",
    "unrecognized arguments: %s",
    "the following arguments are required: %s",
    "ambiguous option: %(option)s could match %(matches)s",
    "ignored explicit argument %r",
)


#: Messages the CLI and validation print that are not written as ``_("...")`` calls.
FIXED = (
    "The input is not valid",
    "The encounter document is not valid encounter v1",
    TOO_DEEP,
    "invalid document",
    "is required",
    "the input is empty",
    # How a command ends when stopped by a signal (`cli.interrupt`, the Spark job's).
    "interrupted",
    "terminated",
    # The system's reasons (``strerror``) put in messages, as written and in lower case
    # (:func:`amparo.errors.system_reason`).
    *SYSTEM_REASONS,
    *(reason.lower() for reason in SYSTEM_REASONS),
    # The JSON decoder's reasons in messages (:func:`amparo.screening.json_values.json_reason`).
    *JSON_REASONS,
    # pydantic's reasons for a value Typer could not convert (:mod:`amparo.cli.usage_errors`).
    *CONVERSION_REASONS,
    *ARGPARSE_WORDS,
    *CODEC_REASONS,
    # The web intake's refusal of a text that is not one JSON object (web/routes_intake.py, whose
    # own words are the web catalogue's).
    "not valid JSON: {reason} at {where}",
    "expected a JSON object (one document)",
    "expected a two-letter upper-case ISO 3166-1 country code such as GT or HN",
    "is not a field of encounter v1 (check the spelling; free data goes under /extensions)",
    "expected a two-letter upper-case US state code such as TX or CA",
    "expected true or false",
    "expected a text string",
    "expected a JSON array",
    "expected a JSON object",
    "expected a value, not null (leave the field out when it is not known)",
    "the birth date is after /encountered_on",
    "the birth date is more than 130 years before /encountered_on",
    "the adjudication date is before /encountered_on",
    "the exact time is more than a day away from /encountered_on",
    "expected a JSON object (one encounter v1 document)",
    "expected a date written YYYY-MM-DD",
    "expected a real calendar date written YYYY-MM-DD",
    "expected an RFC 3339 date-time with seconds and an offset, e.g. 2023-05-11T22:00:00-04:00",
    "expected a real date-time with an offset, e.g. 2023-05-11T22:00:00-04:00",
    "expected a whole number",
    "expected each country only once",
)


#: A message: its text, or its singular and plural (an ``ngettext`` call).
Message = str | tuple[str, str]


def _from_python() -> Iterator[Message]:
    for relative in PYTHON_SOURCES:
        for _lineno, message, _comments, _context in extract_from_file(
            "python", SRC / relative, keywords=KEYWORDS
        ):
            if isinstance(message, str) and message:
                yield message
            elif isinstance(message, tuple) and len(message) >= 2 and all(message[:2]):
                yield (str(message[0]), str(message[1]))


def _from_pack(pack: LawPack) -> Iterator[str]:
    yield pack.title
    book = pack.law_book()
    for rule in book.rules.values():
        yield rule.title
        for version in rule.versions:
            yield version.summary
            for exception in version.exceptions:
                yield exception.title
            for case in version.cases:
                yield case.because
                if isinstance(case.value, str):
                    yield case.value.replace("_", " ")
            if isinstance(version.value, str):
                yield version.value.replace("_", " ")
    for flag in book.flags.values():
        yield flag.title
        yield flag.decision
    for key in pack.program.summary:
        yield key.label
    for marker in pack.program.markers:
        yield marker.note
    if pack.confidentiality is not None:
        yield pack.confidentiality.note
    yield from getattr(pack, "fact_phrases", {}).values()
    narrative_messages = getattr(pack, "messages", ())
    yield from narrative_messages


def messages(packs: Iterable[LawPack]) -> list[Message]:
    """Every msgid (a plural one as its singular and plural), each once, in a stable order."""
    from amparo.screening.explain import CERTAINTY, PHRASES, STATUS

    found: dict[Message, None] = {}
    sources: tuple[Iterable[Message], ...] = (
        PHRASES,
        CERTAINTY.values(),
        STATUS.values(),
        FIXED,
        _from_python(),
    )
    for source in sources:
        found.update(dict.fromkeys(source))
    for pack in packs:
        found.update(dict.fromkeys(_from_pack(pack)))
    return [m for m in found if isinstance(m, tuple) or m.strip()]


def template(packs: Iterable[LawPack]) -> Catalog:
    catalog = Catalog(domain=DOMAIN, project="amparo", charset="utf-8")
    for message in messages(packs):
        catalog.add(message)
    return catalog


def main() -> None:
    from amparo.engine.registry import installed_registry

    packs = list(installed_registry())
    pot = template(packs)
    with (LOCALES / f"{DOMAIN}.pot").open("wb") as handle:
        write_po(handle, pot, width=100, omit_header=False)
    for lang in LANGUAGES:
        if lang == "en":
            continue
        path = catalogue_path(lang)
        if path.is_file():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=lang, domain=DOMAIN)
            catalog.update(pot, no_fuzzy_matching=True)
        else:
            catalog = Catalog(locale=lang, domain=DOMAIN, project="amparo")
            catalog.update(pot, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, ignore_obsolete=True)
        sys.stdout.write(f"wrote {path}\n")


if __name__ == "__main__":
    main()
