"""Screening: one encounter in, one decision (summary, trace, flags, ruleset) out.

``screen(document, as_of=None)`` is the function the CLI, the API and batch re-screening call.
"""

from amparo.screening.decision import SUMMARY_KEYS, Decision
from amparo.screening.screen import screen, screen_encounter

__all__ = ["SUMMARY_KEYS", "Decision", "screen", "screen_encounter"]
