"""The one settings model. Every setting is read from the environment (prefix ``AMPARO_``).

Each field carries its description; ``docs/SETTINGS.md`` is generated from this model and a
test fails when a setting is undocumented.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    return Path.cwd() / "var"


class Settings(BaseSettings):
    """amparo's settings, each documented."""

    model_config = SettingsConfigDict(env_prefix="AMPARO_", extra="ignore", frozen=True)

    data_dir: Path = Field(
        default_factory=_default_data_dir,
        description="Folder for the embedded SQLite database, keys and generated files.",
    )
    database_url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL of the database, e.g. postgresql+psycopg://user@host/db. "
            "Default: an embedded SQLite file amparo.db in the data directory."
        ),
    )
    installation: str = Field(
        default="US",
        description="ISO 3166-1 alpha-2 code of the country whose installation this is.",
        pattern="^[A-Z]{2}$",
    )
    log_level: str = Field(default="INFO", description="Logging level: DEBUG, INFO, WARNING or ERROR.")

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to the embedded SQLite file under ``data_dir``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'amparo.db').as_posix()}"


def load_settings() -> Settings:
    """Read the settings from the environment. Called at the edges, never at import time."""
    return Settings()
