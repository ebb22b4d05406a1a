"""A case workflow as an explicit state machine with guarded transitions, apart from any law pack.

A pack gives its :class:`Workflow`: its states (a case is created in ``intake_state`` and moves at
once to ``first_state`` when its first decision is recorded), its transitions each with a :class:`Guard` on the
case's current decision summary, the steps that remove a person (reachable only through a
supervisor's concurrence, entered as ``concurrence_state`` with the removal pending), and how long
a case may stay in a step. Pure functions only: the case service applies them in a transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Summary = Mapping[str, Any]


@dataclass(frozen=True)
class Guard:
    """A condition on the current decision summary, with the reason given when it fails."""

    test: Callable[[Summary], bool]
    unmet: str


def _always(_s: Summary) -> bool:
    return True


ALWAYS = Guard(_always, "")


@dataclass(frozen=True)
class Transition:
    """What applying a requested transition does: the state entered and, for a removal, its target."""

    state: str
    pending_target: str | None = None


@dataclass(frozen=True, kw_only=True)
class Workflow:
    """The states, guarded transitions, removals and step deadlines of one pack's cases."""

    states: tuple[str, ...]
    intake_state: str
    first_state: str
    transitions: Mapping[tuple[str, str], Guard]
    removals: frozenset[str] = frozenset()
    terminal: frozenset[str] = frozenset()
    concurrence_state: str = "supervisor_concurrence"
    step_deadlines: Mapping[str, dt.timedelta] = field(default_factory=dict)
    #: States a case enters only through an assignment a supervisor accepted (or edited) in a
    #: transfer plan: the case service checks the stored plans before the step.
    needs_accepted_assignment: frozenset[str] = frozenset()

    def plan(self, current: str, target: str, summary: Summary) -> Transition | str:
        """The step taken when ``target`` is requested from ``current``, or the reason it is refused."""
        if target not in self.states:
            return f"'{target}' is not a workflow state; expected one of: {', '.join(self.states)}"
        if current == self.concurrence_state:
            return "the case awaits a supervisor's concurrence (POST .../concurrence)"
        if target == self.concurrence_state:
            removals = " or ".join(sorted(self.removals)) or "a removal"
            return f"request the removal itself ({removals}); concurrence follows"
        guard = self.transitions.get((current, target))
        if guard is None:
            allowed = sorted(t for (f, t) in self.transitions if f == current)
            return f"not a step of the workflow; from '{current}' the next steps are: {', '.join(allowed) or 'none'}"
        if not guard.test(summary):
            return guard.unmet
        if target in self.removals:
            return Transition(self.concurrence_state, pending_target=target)
        return Transition(target)

    def concur_target(self, pending_target: str | None, summary: Summary) -> str | None:
        """The removal a concurrence gives effect to, or None when the decision no longer supports it."""
        if pending_target is None:
            return None
        guards = [g for (_f, t), g in self.transitions.items() if t == pending_target]
        return pending_target if guards and all(g.test(summary) for g in guards) else None

    def next_steps(self, current: str, summary: Summary) -> list[str]:
        """The transitions a user may request now (for the API and the web pages)."""
        if current == self.concurrence_state:
            return []
        return sorted(t for (f, t), g in self.transitions.items() if f == current and g.test(summary))

    def is_state(self, state: str) -> bool:
        return state in self.states
