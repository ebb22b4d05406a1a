r"""TEMPORARY re-export of :mod:`amparo.access.fields` for ``amparo.cases`` until its imports move there
(issue 10); nothing else may import it. Delete once ``grep -rn "exchange.fields\|exchange import fields" src`` is empty."""

from amparo.access.fields import *  # noqa: F403
