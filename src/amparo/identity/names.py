"""Name and date normalisation for Hispanic naming practice.

People from Mexico and the Northern Triangle usually carry two given names and two surnames
(paternal then maternal). Records of the same person drop the second surname or the second
given name, lose accents, swap the two surnames, use a nickname ("Chepe" for José), or write
the birth date day-first. Every record is turned into the same comparable columns here, once,
before the model sees it: accents folded, capitals, nicknames mapped to the given name they
stand for, each given name and each surname in its own column.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

# Hypocoristics (nicknames) → the given name they stand for, accent-folded, upper case.
# Where a nickname is shared (Beto: Alberto or Roberto) the first reading is used for the
# canonical column and the others are listed in NICKNAME_ALTERNATIVES.
NICKNAMES: dict[str, str] = {
    "CHEPE": "JOSE",
    "PEPE": "JOSE",
    "PEPITO": "JOSE",
    "JOSECITO": "JOSE",
    "CHELO": "CONSUELO",
    "LUPE": "GUADALUPE",
    "LUPITA": "GUADALUPE",
    "PACO": "FRANCISCO",
    "PANCHO": "FRANCISCO",
    "KIKO": "FRANCISCO",
    "NACHO": "IGNACIO",
    "CHUCHO": "JESUS",
    "CHUY": "JESUS",
    "MEMO": "GUILLERMO",
    "TONO": "ANTONIO",
    "TONIO": "ANTONIO",
    "BETO": "ALBERTO",
    "TITO": "ALBERTO",
    "LALO": "EDUARDO",
    "LUCHO": "LUIS",
    "PONCHO": "ALFONSO",
    "GOYO": "GREGORIO",
    "CHENTE": "VICENTE",
    "RICHI": "RICARDO",
    "RICKY": "RICARDO",
    "QUIQUE": "ENRIQUE",
    "KIKE": "ENRIQUE",
    "CHABELA": "ISABEL",
    "CHAYO": "ROSARIO",
    "CHARO": "ROSARIO",
    "CONCHA": "CONCEPCION",
    "CONCHITA": "CONCEPCION",
    "LOLA": "DOLORES",
    "LOLITA": "DOLORES",
    "PACA": "FRANCISCA",
    "PANCHA": "FRANCISCA",
    "NENA": "ELENA",
    "LENCHO": "LORENZO",
    "CHEMA": "JOSE MARIA",
    "MARIBEL": "MARIA ISABEL",
    "MALENA": "MARIA ELENA",
    "TOMASITO": "TOMAS",
    "MANOLO": "MANUEL",
    "MANU": "MANUEL",
    "NANDO": "FERNANDO",
    "FER": "FERNANDO",
    "RAFA": "RAFAEL",
    "PILI": "PILAR",
    "SUSY": "SUSANA",
    "TERE": "TERESA",
    "VERO": "VERONICA",
    "ALEX": "ALEJANDRO",
    "ALE": "ALEJANDRA",
    "CRIS": "CRISTINA",
    "JUANCHO": "JUAN",
    "JUANITO": "JUAN",
    "MIGUELITO": "MIGUEL",
    "CARLITOS": "CARLOS",
    "DANI": "DANIEL",
    "GABY": "GABRIELA",
    "PATY": "PATRICIA",
    "LETY": "LETICIA",
    "ROSY": "ROSA",
    "MARI": "MARIA",
}
NICKNAME_ALTERNATIVES: dict[str, tuple[str, ...]] = {
    "BETO": ("ALBERTO", "ROBERTO"),
    "TITO": ("ALBERTO", "ROBERTO"),
}

_PARTICLES = frozenset({"DE", "DEL", "LA", "LAS", "LOS", "Y", "VDA", "VIUDA"})
_NON_LETTERS = re.compile(r"[^A-Z ]+")
_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Upper case, accents and punctuation removed, single spaces ("Peña-Núñez" → "PENA NUNEZ")."""
    if not isinstance(text, str) or not text:
        return ""
    return _fold(text)


@functools.lru_cache(maxsize=65_536)
def _fold(text: str) -> str:
    """:func:`fold` of a non-empty string (names repeat: candidates are re-read at every intake)."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).upper()
    return _SPACES.sub(" ", _NON_LETTERS.sub(" ", bare)).strip()


def name_tokens(text: str | None) -> list[str]:
    """The folded words of a name, without particles ("María de los Ángeles" → MARIA, ANGELES)."""
    return [t for t in fold(text).split(" ") if t and t not in _PARTICLES]


def canonical_given(token: str) -> str:
    """The given name a (folded) nickname stands for; the token itself when it is not one."""
    return NICKNAMES.get(token, token).split(" ")[0]


def split_given(given_names: str | None) -> tuple[str | None, str | None]:
    """First and second given name, nicknames mapped to the name ("Chepe Luis" → JOSE, LUIS)."""
    tokens: list[str] = []
    for token in name_tokens(given_names):
        tokens.extend(NICKNAMES.get(token, token).split(" "))
    first = tokens[0] if tokens else None
    second = tokens[1] if len(tokens) > 1 else None
    return first, second


def split_surnames(surnames: str | None) -> tuple[str | None, str | None]:
    """Paternal and maternal surname ("García-López" → GARCIA, LOPEZ; "de la Cruz" → CRUZ)."""
    tokens = name_tokens(surnames)
    first = tokens[0] if tokens else None
    second = tokens[1] if len(tokens) > 1 else None
    return first, second


def parse_birth_date(value: str | None) -> dt.date | None:
    """A YYYY-MM-DD date, or None when empty; ValueError when malformed."""
    if value is None or not value.strip():
        return None
    return dt.date.fromisoformat(value.strip())


def normalise_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """The model's columns for one input record (the columns of ``amparo link`` input).

    Returns ``unique_id`` and: given_1, given_2, surname_1, surname_2, dob (YYYY-MM-DD),
    dob_year, dob_month, dob_day, sex, nationality, document_number, address, locality,
    postcode. Missing values are None.
    """
    g1, g2 = split_given(record.get("given_names"))
    s1, s2 = split_surnames(record.get("surnames"))
    birth = record.get("birth_date")
    date = (
        birth if isinstance(birth, dt.date) else parse_birth_date(birth if isinstance(birth, str) else None)
    )

    def clean(key: str) -> str | None:
        value = fold(record.get(key)).replace(" ", "")
        return value or None

    def text(key: str) -> str | None:
        value = fold(record.get(key))
        return value or None

    return {
        "unique_id": str(record.get("record_id")),
        "given_1": g1,
        "given_2": g2,
        "surname_1": s1,
        "surname_2": s2,
        "dob": date.isoformat() if date else None,
        "dob_year": date.year if date else None,
        "dob_month": date.month if date else None,
        "dob_day": date.day if date else None,
        "sex": clean("sex"),
        "nationality": clean("nationality"),
        "document_number": _alnum(record.get("document_number")),
        "address": text("address"),
        "locality": text("locality"),
        "postcode": _alnum(record.get("postcode")),
    }


def _alnum(value: Any) -> str | None:
    """Digits and letters only, upper case, or None."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = re.sub(r"[^0-9A-Za-z]", "", str(value)).upper()
    return text or None


MODEL_COLUMNS: tuple[str, ...] = (
    "unique_id",
    "given_1",
    "given_2",
    "surname_1",
    "surname_2",
    "dob",
    "dob_year",
    "dob_month",
    "dob_day",
    "sex",
    "nationality",
    "document_number",
    "address",
    "locality",
    "postcode",
)
