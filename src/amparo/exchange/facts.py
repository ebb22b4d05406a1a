r"""TEMPORARY re-export of :mod:`amparo.access.facts` for ``amparo.cases`` until its imports move there
(issue 10); nothing else may import it. Delete once ``grep -rn "exchange.facts\|exchange import facts" src`` is empty."""

from amparo.access.facts import *  # noqa: F403
