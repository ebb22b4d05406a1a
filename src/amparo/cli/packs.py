"""The law packs the command line works with: every installed pack, the default from the settings."""

from __future__ import annotations

import datetime as dt

from amparo.engine.pack import LawPack
from amparo.engine.registry import PackRegistry, installed_registry
from amparo.errors import FieldError, InputError, Phrase
from amparo.settings import load_settings


def pack_registry() -> PackRegistry:
    """Every pack installed through the ``amparo.law_packs`` entry points (default from settings)."""
    return installed_registry(default=load_settings().default_law_pack)


def chosen_packs(pack_id: str | None) -> list[LawPack]:
    """The pack named by ``--pack``, or every installed pack."""
    registry = pack_registry()
    return [registry.get(pack_id)] if pack_id else list(registry)


def refuse_as_of_before_every_pack(on: dt.date | None, registry: PackRegistry) -> None:
    """InputError naming ``--as-of`` when it is before the law of every installed pack: every
    document would be refused for it (each is dated on or after its pack's first day, and the law
    is not read before a document's day), so it is said once instead of once a row."""
    starts = [pack.coverage_start for pack in registry]
    if on is None or not starts or on >= min(starts):
        return
    raise InputError(
        [
            FieldError(
                "--as-of",
                Phrase(
                    "{day} is before the law of every installed law pack: the earliest reads the law from {first}",
                    day=on.isoformat(),
                    first=min(starts).isoformat(),
                ),
            )
        ]
    )
