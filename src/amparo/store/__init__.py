"""Persistence: SQLAlchemy 2 models and Alembic migrations (``models``, ``db``, ``migrations``),
and the small pieces every area uses, each in a module named for what it holds: ``ids``,
``integrity`` (IntegrityError -> Conflict), ``cursors``, ``users`` (token hashing), ``roles``
(the ``Role`` literal) and ``canonical_json`` (the one canonical JSON)."""
