"""``amparo impact IN --change FILE --lang es``: what is wrong with the change file said in Spanish.

Found by a tester: the file missing, not YAML, a field misspelt, a date out of order, a rule no law
pack implements, all were said in English under ``--lang es``. Each message of the change file
(:mod:`amparo.batch.change_file`) and of laying it over the law packs (:mod:`amparo.batch.overlay`)
is a phrase, its values (the file, the dates, the names, the parser's reason) kept as values; in
English each reads as before.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.support.aca_example import aca_encounter

from amparo.batch.change_file import load_change
from amparo.batch.overlay import overlay_registry
from amparo.cli import main
from amparo.engine.registry import installed_registry
from amparo.errors import InputError, Phrase

BLOCK = "changes:\n  - block: {instrument: securing_border_2024}\n"
EXTEND = "changes:\n  - extend: {rule: aca.guatemala_2019, version: phase_1_el_paso}\n"

#: A bad change file (None: no such file), what is said of it in English, and in Spanish.
CASES = [
    ("nochange.yaml", None, "--change: no such file: {path}", "--change: no existe el archivo: {path}"),
    (
        "broken.yaml",
        "changes: [\n",
        "--change: broken.yaml is not valid YAML or JSON: while parsing a flow node expected the node "
        "content, but found '<stream end>' at line 2, column 1",
        "--change: broken.yaml no es YAML ni JSON válido: while parsing a flow node expected the node "
        "content, but found '<stream end>' at line 2, column 1",
    ),
    (
        "twice.yaml",
        "changes: []\nchanges: []\n",
        "--change: twice.yaml: the key 'changes' is written twice in one mapping (line 2); write it once",
        "--change: twice.yaml: la clave 'changes' está escrita dos veces en un mismo mapeo (línea 2); "
        "escríbala una sola vez",
    ),
    (
        "twice.json",
        '{"changes": [], "changes": []}',
        "--change: twice.json: the key 'changes' is written twice in one mapping; write it once",
        "--change: twice.json: la clave 'changes' está escrita dos veces en un mismo mapeo; escríbala "
        "una sola vez",
    ),
    (
        "list.json",
        "[1]",
        "/: expected an object with the list of changes under 'changes'; found a list",
        "/: se esperaba un objeto con la lista de cambios en 'changes'; se encontró una lista",
    ),
    (
        "empty.yaml",
        "",
        "/: expected a mapping with the list of changes under 'changes'; found an empty file",
        "/: se esperaba un mapeo con la lista de cambios en 'changes'; se encontró un archivo vacío",
    ),
    (
        "none.yaml",
        "changes: []\n",
        "/changes: must not be empty",
        "/changes: no debe estar vacío",
    ),
    (
        "item.yaml",
        "changes: [5]\n",
        "/changes/0: expected a mapping (key: value pairs), got 5",
        "/changes/0: se esperaba un mapeo (pares clave: valor), se recibió 5",
    ),
    (
        "bogus.yaml",
        BLOCK + "    from: 2024-07-01\n    bogus: 1\n",
        "/changes/0/bogus: is not a known field (check the spelling)",
        "/changes/0/bogus: no es un campo conocido (revise la ortografía)",
    ),
    (
        "status.yaml",
        BLOCK + "    from: 2024-07-01\n    status: nope\n",
        "/changes/0/status: expected one of 'enjoined', 'vacated', 'stayed', 'suspended' or 'terminated'",
        "/changes/0/status: se esperaba uno de 'enjoined', 'vacated', 'stayed', 'suspended' o 'terminated'",
    ),
    (
        "someday.yaml",
        BLOCK + "    from: someday\n",
        "/changes/0/from: expected a date written YYYY-MM-DD, got 'someday'",
        "/changes/0/from: se esperaba una fecha escrita AAAA-MM-DD, se recibió 'someday'",
    ),
    (
        "lifted.yaml",
        BLOCK + "    from: 2024-07-01\n    to: 2024-01-01\n",
        "/changes/0/to: the block is lifted on 2024-01-01, not after it starts on 2024-07-01",
        "/changes/0/to: el bloqueo se levanta el 2024-01-01, que no es posterior a su inicio el 2024-07-01",
    ),
    (
        "nofrom.yaml",
        BLOCK + "    to: 2024-07-01\n",
        "/changes/0/from: a block needs the date it starts",
        "/changes/0/from: un bloqueo necesita la fecha en que comienza",
    ),
    (
        "neither.yaml",
        "changes:\n  - {from: 2020-02-01}\n",
        "/changes/0: give either 'block' or 'extend'",
        "/changes/0: indique 'block' o bien 'extend'",
    ),
    (
        "extension.yaml",
        EXTEND + "    until: 2020-02-01\n    status: vacated\n",
        "/changes/0/status: an extension takes only 'until'; 'status' is for 'block'",
        "/changes/0/status: una extensión solo admite 'until'; 'status' es para 'block'",
    ),
    (
        "instrument.yaml",
        "changes:\n  - block: {instrument: nope_2099}\n    from: 2024-07-01\n",
        "/changes/0/block/instrument: no rule of any law pack (eu, us) implements 'nope_2099'",
        "/changes/0/block/instrument: ninguna regla de ningún paquete de leyes (eu, us) implementa "
        "'nope_2099'",
    ),
    (
        "pack.yaml",
        "changes:\n  - block: {rule: uac}\n    pack: eu\n    from: 2024-07-01\n",
        "/changes/0/block/rule: law pack 'eu' has no rule 'uac'; law pack 'us' does (leave out 'pack', "
        "or name that one)",
        "/changes/0/block/rule: el paquete de leyes 'eu' no tiene ninguna regla 'uac'; el paquete "
        "de leyes 'us' sí la tiene (omita 'pack' o indique ese paquete)",
    ),
    (
        "sooner.yaml",
        EXTEND + "    until: 2019-12-01\n",
        "/changes/0/until: version 'phase_1_el_paso' of rule 'aca.guatemala_2019' of law pack 'us' "
        "already ends on 2019-12-12: an extension ends later (to end it sooner, block the rule from "
        "2019-12-01)",
        "/changes/0/until: la versión 'phase_1_el_paso' de la regla 'aca.guatemala_2019' en el paquete "
        "de leyes 'us' ya termina el 2019-12-12: una extensión termina más tarde (para que termine "
        "antes, bloquee la regla desde el 2019-12-01)",
    ),
]

NAMES = [case[0] for case in CASES]


def refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str | None, *lang: str
) -> str:
    """What ``amparo impact`` says on standard error of the change file ``name`` holding ``text``
    (None: no such file), in one line; the file's path written ``{path}``."""
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(aca_encounter("A-1")) + "\n")
    change = tmp_path / name
    if text is not None:
        change.write_text(text)
    with pytest.raises(SystemExit) as ended:
        main(["impact", str(source), "--change", str(change), *lang])
    assert ended.value.code == 2
    err = capsys.readouterr().err
    return " ".join(err.split()).replace(str(change), "{path}")


@pytest.mark.parametrize(("name", "text", "english", "spanish"), CASES, ids=NAMES)
@pytest.mark.parametrize(
    ("lang", "title"), [("en", "The input is not valid"), ("es", "La entrada no es válida")]
)
def test_a_bad_change_file_is_said_in_the_language_asked(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    text: str | None,
    english: str,
    spanish: str,
    lang: str,
    title: str,
) -> None:
    """In English as before (the same words, compared before and after), and in Spanish."""
    said = refused(tmp_path, capsys, name, text, "--lang", lang)
    assert (english if lang == "en" else spanish) in said, said
    assert said.startswith(f"error: {title}"), said


@pytest.mark.parametrize(("name", "text", "english", "spanish"), CASES, ids=NAMES)
def test_each_message_of_a_change_file_is_a_phrase(
    tmp_path: Path, name: str, text: str | None, english: str, spanish: str
) -> None:
    """Said in the user's language whatever the catalogue holds: every message is a phrase, in
    English as before."""
    change = tmp_path / name
    if text is not None:
        change.write_text(text)
    with pytest.raises(InputError) as error:
        overlay_registry(installed_registry(), load_change(change))
    messages = [problem.message for problem in error.value.errors]
    assert messages and all(isinstance(message, Phrase) for message in messages), messages
    said = "; ".join(f"{problem.path}: {problem.message}" for problem in error.value.errors)
    assert english.replace("{path}", str(change)) in said


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("brackets.yaml", "changes: " + "[" * 2000 + "]" * 2000),
        ("brackets.json", '{"changes": ' + "[" * 5000 + "]" * 5000 + "}"),
        ("indented.yaml", "changes:\n" + "".join("  " * (i + 1) + "a:\n" for i in range(3000))),
    ],
)
def test_a_change_file_nested_too_deeply_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str
) -> None:
    """2,000 brackets, or 3,000 levels of indentation, stopped the parser with an internal error."""
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(aca_encounter("A-1")) + "\n", encoding="utf-8")
    change = tmp_path / name
    change.write_text(text, encoding="utf-8")
    with pytest.raises(SystemExit) as ended:
        main(["impact", str(source), "--change", str(change), "--lang", "es"])
    assert ended.value.code == 2
    said = capsys.readouterr().err
    assert f"--change: {name} está anidado a demasiada profundidad para ser un archivo de cambios" in said
