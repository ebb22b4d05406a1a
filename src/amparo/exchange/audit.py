r"""TEMPORARY re-export of :mod:`amparo.audit` for ``amparo.cases`` until its imports move there
(issue 10); nothing else may import it. Delete once ``grep -rn "exchange.audit\|exchange import audit" src`` is empty."""

from amparo.audit import *  # noqa: F403
