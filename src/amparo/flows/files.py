"""Where the shipped flows data lives, and the check that it is what its provenance says.

The data files sit in ``data/`` at the repository root, next to ``data/SHA256SUMS`` and
``data/README.md`` (provenance). Every file amparo ingests is listed in ``SHA256SUMS``; a file
that is missing or whose digest differs stops the load with a :class:`FlowsDataError`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from amparo.errors import FlowsError

#: The files amparo ingests, relative to the data folder.
SW_FY19_FY22 = "cbp/sbo-encounters-fy19-fy22.csv"
SW_FY22_FY25 = "cbp/sbo-encounters-fy22-fy25-aug.csv"
OHSS_CITIZENSHIP = "ohss/khsm_usbp_monthly_region_citizenship.csv"
OHSS_FAMILY_STATUS = "ohss/khsm_usbp_monthly_region_family_status.csv"
INGESTED_FILES: tuple[str, ...] = (SW_FY19_FY22, SW_FY22_FY25, OHSS_CITIZENSHIP, OHSS_FAMILY_STATUS)
#: CBP's nationwide encounters by state and citizenship (the 21 largest nationalities), FY2020 to
#: November 2023: the later file for the months both hold.
NATIONWIDE_STATE_FILES: tuple[str, ...] = (
    "cbp/nationwide-encounters-fy20-fy23-state.csv",
    "cbp/nationwide-encounters-fy21-fy24-nov-state.csv",
)
#: DHS OHSS "Immigration Enforcement and Legal Processes Monthly Tables", August 2024 edition.
OHSS_MONTHLY_TABLES = (
    "ohss/monthly-tables/2024_1206_ohss_immigration-enforcement-and-legal-processes-tables-august-2024.xlsx"
)
#: USCIS / DHS OIS: top fifteen nationalities referred for a credible-fear interview, FY2016-2021.
USCIS_CREDIBLE_FEAR = "uscis/credible_fear_top15_fy2016_2021.csv"
#: The Guatemala ACA as implemented: cumulative transferees by date, each figure with its source.
ACA_GUATEMALA_TRANSFERS = "aca/guatemala_2019_2020_transfers.csv"
#: State Department monthly nonimmigrant visa issuances: one file per month under this folder.
NIV_FOLDER = "state/niv-monthly/"


class FlowsDataError(FlowsError):
    """Raised when a shipped data file is missing, altered or not listed in SHA256SUMS."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"Flows data file '{path}': {problem}")


@dataclass(frozen=True)
class VerifiedFile:
    """One data file checked against its recorded digest."""

    relative_path: str
    path: Path
    sha256: str
    size: int


def default_data_dir() -> Path:
    """``data/`` at the root of the repository (the folder this package was installed from)."""
    return Path(__file__).resolve().parents[3] / "data"


def read_checksums(data_dir: Path) -> dict[str, str]:
    """The digests recorded in ``SHA256SUMS`` (``sha256  ./relative/path`` lines), by relative path."""
    sums = data_dir / "SHA256SUMS"
    if not sums.is_file():
        raise FlowsDataError(str(sums), "the checksum list is missing; the data folder is incomplete")
    recorded: dict[str, str] = {}
    for number, line in enumerate(sums.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        digest, _, name = line.partition("  ")
        if len(digest) != 64 or not name:
            raise FlowsDataError(str(sums), f"line {number} is not 'SHA256  PATH'")
        recorded[name.strip().removeprefix("./")] = digest.lower()
    return recorded


def sha256_of(path: Path) -> str:
    """The SHA-256 hex digest of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def niv_files(data_dir: Path) -> tuple[str, ...]:
    """The monthly visa files SHA256SUMS lists, in month order; a file there but unlisted is refused."""
    listed = sorted(n for n in read_checksums(data_dir) if n.startswith(NIV_FOLDER) and n.endswith(".jsonl"))
    folder = data_dir / NIV_FOLDER
    present = {f"{NIV_FOLDER}{p.name}" for p in folder.glob("*.jsonl")} if folder.is_dir() else set()
    for extra in sorted(present - set(listed)):
        raise FlowsDataError(extra, "not listed in SHA256SUMS, so its provenance cannot be checked")
    return tuple(listed)


def outcome_files(data_dir: Path) -> tuple[str, ...]:
    """Every file of the pathway and outcome datasets: the visa months, the OHSS tables, USCIS."""
    return (*niv_files(data_dir), OHSS_MONTHLY_TABLES, USCIS_CREDIBLE_FEAR)


def verify(data_dir: Path | None = None, files: tuple[str, ...] = INGESTED_FILES) -> list[VerifiedFile]:
    """Check every ingested file against ``SHA256SUMS``; raise :class:`FlowsDataError` on the first problem."""
    folder = data_dir or default_data_dir()
    if not folder.is_dir():
        raise FlowsDataError(str(folder), "the data folder does not exist (a fresh clone has it at data/)")
    recorded = read_checksums(folder)
    verified = []
    for name in files:
        path = folder / name
        if name not in recorded:
            raise FlowsDataError(name, "not listed in SHA256SUMS, so its provenance cannot be checked")
        if not path.is_file():
            raise FlowsDataError(name, f"missing from {folder}")
        actual = sha256_of(path)
        if actual != recorded[name]:
            raise FlowsDataError(
                name,
                f"altered: its SHA-256 is {actual}, SHA256SUMS records {recorded[name]}. "
                "Restore the original file (see data/README.md for where it comes from).",
            )
        verified.append(VerifiedFile(name, path, actual, path.stat().st_size))
    return verified
