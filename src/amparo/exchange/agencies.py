r"""TEMPORARY re-export of :mod:`amparo.access.agencies` for ``amparo.cases`` until its imports move there
(issue 10); nothing else may import it. Delete once ``grep -rn "exchange.agencies\|exchange import agencies" src`` is empty."""

from amparo.access.agencies import *  # noqa: F403
