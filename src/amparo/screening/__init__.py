"""Screening: one document in, one decision (summary, trace, flags, ruleset) out, under the law pack
passed in or chosen by the document's ``schema`` field.

``screen(document, packs, as_of=None)`` is the function the CLI, the API and the tests call.
"""

from amparo.screening.decision import Decision
from amparo.screening.screen import pack_for, screen, screen_parsed

__all__ = ["Decision", "pack_for", "screen", "screen_parsed"]
