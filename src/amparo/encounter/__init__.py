"""Encounter document v1: the typed facts of one person encountered once.

``parse_encounter(doc)`` validates a decoded JSON document and returns an :class:`Encounter`, or
raises :class:`amparo.errors.EncounterInvalid` listing every problem with its JSON path.
"""

from amparo.encounter.model import Encounter
from amparo.encounter.validation import SCHEMA_PATH, parse_encounter

__all__ = ["SCHEMA_PATH", "Encounter", "parse_encounter"]
