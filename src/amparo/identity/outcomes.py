"""The one vocabulary of a resolution's outcome, and the probability bands that decide it.

- ``link``: the encounter joins the known person (probability at or above :data:`AUTO_LINK`);
- ``review``: it is recorded as a new person and the possible link waits for an officer
  (probability at or above :data:`REVIEW_FLOOR`);
- ``distinct``: a new person; no known person is likely enough to be shown to anyone.

The same words name an officer's decisions (``amparo identity link|distinct``), so the
queue, the links table, the API and the CLI read alike.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

Outcome = Literal["link", "review", "distinct"]
OUTCOMES: Final[tuple[Outcome, ...]] = get_args(Outcome)

#: Match probability at or above which an encounter joins a known person without review.
#: Chosen on the synthetic population's intake stream (benchmarks/identity_intake.py: 2,000
#: arrivals in date order, new and returning people, ~31,000 known persons, seeds 77 and 91):
#: the lowest band of 0.5, 0.6, ..., 0.95 with no wrong auto-link on either seed
#: (97.0% and 95.9% of returning people auto-linked right; at 0.7, 96.8% on seed 91 but 1 wrong;
#: at 0.95, 93.1%). docs/IDENTITY.md.
AUTO_LINK = 0.8
#: Below AUTO_LINK and at or above this, the possible link goes to the review queue.
REVIEW_FLOOR = 0.3


def outcome_for(
    probability: float | None, *, auto_link: float | None = None, review_floor: float | None = None
) -> Outcome:
    """The outcome a match probability falls in (``distinct`` when there is no candidate);
    the bands default to :data:`AUTO_LINK` and :data:`REVIEW_FLOOR` as they are at the call."""
    if probability is None:
        return "distinct"
    if probability >= (AUTO_LINK if auto_link is None else auto_link):
        return "link"
    if probability >= (REVIEW_FLOOR if review_floor is None else review_floor):
        return "review"
    return "distinct"
