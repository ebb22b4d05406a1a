"""Generated documentation is up to date; every setting is documented."""

from __future__ import annotations

from pathlib import Path

from amparo.engine.catalogue import catalogue_markdown
from amparo.engine.registry import installed_registry
from amparo.settings import Settings, settings_markdown

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_rule_catalogue_is_up_to_date() -> None:
    on_disk = (DOCS / "RULES.md").read_text(encoding="utf-8")
    assert on_disk == catalogue_markdown([p.law_book() for p in installed_registry()]), (
        "docs/RULES.md is stale: run `make docs`"
    )


def test_every_setting_is_described_and_documented() -> None:
    text = (DOCS / "SETTINGS.md").read_text(encoding="utf-8")
    for name, field in Settings.model_fields.items():
        assert field.description, f"setting {name} has no description"
        assert f"`AMPARO_{name.upper()}`" in text, f"setting {name} is missing from docs/SETTINGS.md"


def test_settings_doc_is_up_to_date() -> None:
    assert (DOCS / "SETTINGS.md").read_text(encoding="utf-8") == settings_markdown(), "run `make docs`"
