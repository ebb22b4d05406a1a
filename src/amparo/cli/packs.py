"""The law packs the command line works with: every installed pack, the default from the settings."""

from __future__ import annotations

from amparo.engine.pack import LawPack
from amparo.engine.registry import PackRegistry, installed_registry
from amparo.settings import load_settings


def pack_registry() -> PackRegistry:
    """Every pack installed through the ``amparo.law_packs`` entry points (default from settings)."""
    return installed_registry(default=load_settings().default_law_pack)


def chosen_packs(pack_id: str | None) -> list[LawPack]:
    """The pack named by ``--pack``, or every installed pack."""
    registry = pack_registry()
    return [registry.get(pack_id)] if pack_id else list(registry)
