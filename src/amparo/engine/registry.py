"""Which law pack reads which document: a registry of packs, filled by the caller or by plug-ins.

Third-party packs install through the Python entry-point group ``amparo.law_packs`` (each entry
point names a :class:`~amparo.engine.pack.LawPack` object); amparo's own packs are registered the
same way, as datasette registers even its defaults as plugins. A document's ``schema`` field picks
its pack; a document without one goes to the registry's default pack.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from importlib.metadata import entry_points
from typing import Any

from amparo.engine.pack import LawPack
from amparo.errors import FieldError, InputError, Phrase, RuleDefinitionError, UnknownPack

ENTRY_POINT_GROUP = "amparo.law_packs"


class PackRegistry:
    """Law packs by id, by document schema and by ruleset id; one of them the default."""

    def __init__(self, packs: Iterable[LawPack], *, default: str | None = None) -> None:
        self._by_id: dict[str, LawPack] = {}
        self._by_schema: dict[str, LawPack] = {}
        for pack in packs:
            if not isinstance(pack, LawPack):
                raise RuleDefinitionError(f"{pack!r} is not a law pack (amparo.engine.pack.LawPack)")
            if pack.id in self._by_id:
                raise RuleDefinitionError(f"two law packs have the id {pack.id!r}")
            if pack.schema_id in self._by_schema:
                raise RuleDefinitionError(f"two law packs read documents of schema {pack.schema_id!r}")
            self._by_id[pack.id] = pack
            self._by_schema[pack.schema_id] = pack
        if not self._by_id:
            raise RuleDefinitionError("no law pack is installed (entry-point group amparo.law_packs)")
        if default is not None and default not in self._by_id:
            raise UnknownPack(default, tuple(self._by_id))
        self.default_id = default or next(iter(self._by_id))

    def __iter__(self) -> Iterator[LawPack]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._by_id)

    @property
    def default(self) -> LawPack:
        return self._by_id[self.default_id]

    def get(self, pack_id: str) -> LawPack:
        """The pack with this id (also a decision's ruleset id); UnknownPack otherwise."""
        try:
            return self._by_id[pack_id]
        except KeyError:
            raise UnknownPack(pack_id, tuple(self._by_id)) from None

    def for_schema(self, schema: str) -> LawPack | None:
        return self._by_schema.get(schema)

    def for_document(self, document: Mapping[str, Any]) -> LawPack:
        """The pack that reads ``document``, by its ``schema`` field (the default pack without one)."""
        schema = document.get("schema") if isinstance(document, Mapping) else None
        if schema is None:
            return self.default
        pack = self._by_schema.get(schema) if isinstance(schema, str) else None
        if pack is None:
            known = ", ".join(sorted(self._by_schema))
            raise InputError(
                [
                    FieldError(
                        "/schema",
                        Phrase(
                            "no installed law pack reads {schema}; expected one of: {known}",
                            schema=repr(schema),
                            known=known,
                        ),
                    )
                ]
            )
        return pack


def installed_packs() -> tuple[LawPack, ...]:
    """Every law pack installed through the ``amparo.law_packs`` entry points, in name order."""
    return _installed()


@cache
def _installed() -> tuple[LawPack, ...]:
    packs: list[LawPack] = []
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        packs.append(ep.load())
    return tuple(packs)


def installed_registry(default: str | None = None) -> PackRegistry:
    """A registry of every installed pack (``default``: the pack for documents without ``schema``)."""
    return PackRegistry(installed_packs(), default=default)
