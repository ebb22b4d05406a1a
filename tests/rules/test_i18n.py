"""The messages catalogue: every text of the US pack and of the explanation has its Spanish, the
catalogue compiles from the committed .po (a fresh clone needs no build), and explanations,
labels and flags read in Spanish with --lang es."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from rich.console import Console

from amparo.i18n import catalogue_path, gettext_for, negotiate, translator
from amparo.i18n.extract import messages
from amparo.rules.us import US_PACK
from amparo.screening import screen
from amparo.screening.explain import explain

CODE = re.compile(r"^[A-Z]{2}$")
DOCUMENT = {
    "id": "I-1",
    "encountered_on": "2020-01-10",
    "place": {"border": "southwest_land", "manner": "between_ports", "location": "El Paso", "state": "TX"},
    "person": {"nationalities": ["HN"], "age": 30},
    "findings": {"severe_trafficking_victim": True},
}


def _catalog() -> dict[str, str]:
    """Each message's Spanish (a plural message: by its singular, each form joined by a tab)."""
    with catalogue_path("es").open("rb") as handle:
        catalog = read_po(handle, locale="es")
    out = {}
    for m in catalog:
        if isinstance(m.id, tuple):
            out[str(m.id[0])] = "\t".join(m.string) if all(m.string) else ""
        elif m.id:
            out[str(m.id)] = str(m.string)
    return out


def test_every_pack_and_explanation_message_has_its_spanish() -> None:
    from amparo.rules.eu import EU_PACK

    spanish = _catalog()
    missing = [
        m
        for m in messages([US_PACK, EU_PACK])
        if not (isinstance(m, str) and CODE.match(m)) and not spanish.get(m if isinstance(m, str) else m[0])
    ]
    assert not missing, f"{len(missing)} messages without Spanish, e.g. {missing[:3]}"
    assert any(isinstance(m, tuple) for m in messages([US_PACK]))  # plurals (ngettext) extracted


#: A placeholder: ``{name}`` (a phrase's), or ``%(name)s`` / ``%s`` / ``%r`` (argparse's words).
_PLACEHOLDER = re.compile(r"\{\w+\}|%(?:\(\w+\))?[sr]")


def test_placeholders_survive_translation() -> None:
    """Every placeholder of a message's English is in its Spanish and the reverse (a plural's: its
    singular's and plural's together, as its Spanish forms together; a singular may say "one")."""
    with catalogue_path("es").open("rb") as handle:
        catalog = read_po(handle, locale="es")
    for m in catalog:
        if not m.id or not all(m.string if isinstance(m.string, tuple) else [m.string]):
            continue
        english = "\t".join(m.id) if isinstance(m.id, tuple) else str(m.id)
        spanish = "\t".join(m.string) if isinstance(m.string, tuple) else str(m.string)
        assert set(_PLACEHOLDER.findall(english)) == set(_PLACEHOLDER.findall(spanish)), english


def test_a_plural_reads_the_same_for_millions_written_in_digits() -> None:
    """Babel's Spanish has a form for whole millions ("1 millón de encuentros"); amparo writes every
    number in digits, where Spanish puts no "de": that form must read as the other plural
    (`1.000.000 de encuentros escritos` was printed)."""
    with catalogue_path("es").open("rb") as handle:
        catalog = read_po(handle, locale="es")
    plurals = [m for m in catalog if isinstance(m.id, tuple)]
    assert plurals and catalog.num_plurals == 3
    assert [m.id[0] for m in plurals if m.string[1] != m.string[2]] == []
    said = translator("es").ngettext(
        "{count} encounter written to {out} in {seconds} s",
        "{count} encounters written to {out} in {seconds} s",
        10**6,
    )
    assert said == "{count} encuentros escritos en {out} en {seconds} s"


def test_catalogue_compiles_from_the_po() -> None:
    _ = translator("es").gettext
    assert _("Asylum bars") == "Impedimentos para el asilo"
    assert _("a message nobody wrote") == "a message nobody wrote"
    assert gettext_for("en")("Asylum bars") == "Asylum bars"
    assert gettext_for("es-GT")("Why") == "Por qué"


def test_language_from_accept_language() -> None:
    assert negotiate("es-GT,es;q=0.9,en;q=0.8") == "es"
    assert negotiate("en-US,es;q=0.5") == "en"
    assert negotiate("fr-FR, de;q=0.5") == "en"
    assert negotiate("fr, es;q=0.1") == "es"
    assert negotiate("es;q=0") == "en"
    assert negotiate(None) == "en"


def _render(lang: str) -> str:
    decision = screen(DOCUMENT, US_PACK)
    console = Console(record=True, width=200)
    console.print(explain(decision, US_PACK, lang))
    return console.export_text()


def test_explanation_in_spanish() -> None:
    text = _render("es")
    assert "Por qué" in text
    assert "Impedimentos para el asilo" in text
    assert "Susceptible de traslado bajo un ACA a Guatemala" in text
    assert "Víctima de trata" in text  # the 8 USC 1367 marker
    assert "Puntos controvertidos o inciertos" in text
    assert "· paquete us " in text  # the panel's title in Spanish word order
    # What a computed value was computed from: 'a partir de' alone read as 'starting on', and
    # yes or no were Python's True and False.
    assert "calculado a partir de: " in text and "unaccompanied_child = no" in text
    assert "True" not in text and "False" not in text
    english = _render("en")
    assert "· us pack " in english
    assert "Amenable to an ACA transfer to Guatemala" in english
    assert "Por qué" not in english


def test_amparo_screen_lang_es(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from amparo.cli import main

    source = tmp_path / "e.json"
    source.write_text(json.dumps(DOCUMENT), encoding="utf-8")
    with pytest.raises(SystemExit) as done:
        main(["screen", str(source), "--lang", "es"])
    assert done.value.code in (0, None)
    out = capsys.readouterr().out
    assert "Por qué" in out and "Impedimentos para el asilo" in out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**DOCUMENT, "person": {"nationalities": ["hn"]}}), encoding="utf-8")
    with pytest.raises(SystemExit) as failed:
        main(["screen", str(bad), "--lang", "es"])
    assert failed.value.code == 2
    assert "se esperaba un código de país" in capsys.readouterr().err
    with pytest.raises(SystemExit) as refused:
        main(["screen", str(source), "--lang", "fr"])
    assert refused.value.code == 2
    assert "--lang" in capsys.readouterr().err


def test_the_flag_of_a_reading_past_the_packs_currency_is_in_spanish() -> None:
    """The engine's own flag (``law_pack_not_current``) was printed in English under --lang es."""
    decision = screen(DOCUMENT, US_PACK, as_of=US_PACK.current_to + dt.timedelta(days=1))
    assert any(f["id"] == "law_pack_not_current" for f in decision.flags)
    console = Console(record=True, width=400)
    console.print(explain(decision, US_PACK, "es"))
    text = console.export_text()
    assert f"El paquete normativo us está actualizado al {US_PACK.current_to.isoformat()}" in text
    assert "law pack is current" not in text and "Estados Unidos: Acuerdos de Cooperación" in text
