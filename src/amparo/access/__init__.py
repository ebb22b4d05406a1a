"""Access: who may read or write what, for which purpose, on which day.

* :mod:`amparo.access.model`: the requester, the facts of a record, the decision (plain data);
* :mod:`amparo.access.policy`: :func:`authorize`, the one decision every read, write, list,
  export and disclosure goes through (8 CFR 208.6 and the sharing arrangements);
* :mod:`amparo.access.arrangements` (with ``arrangements.yaml``) and
  :mod:`amparo.access.agencies`: the dated sharing instruments and the known agencies;
* :mod:`amparo.access.fields`: the field vocabulary of records and field projection;
* :mod:`amparo.access.facts`: the facts of a stored record, built in one place;
* :mod:`amparo.access.actor`: the user acting for a purpose, and the check of one view of one
  record (a refused read is :class:`~amparo.access.actor.DeniedRead`, plain data);
* :mod:`amparo.access.clock`: the "today" of a decision, passed in by the caller;
* :mod:`amparo.access.users`: adding a user with its role and agency checked.
"""

from __future__ import annotations

from amparo.access.model import AccessDecision, DisclosureBasis, RecordFacts, Requester
from amparo.access.policy import authorize

__all__ = ["AccessDecision", "DisclosureBasis", "RecordFacts", "Requester", "authorize"]
