"""Helpers for the web tests (a uniquely named module): an app on a fresh database with users, a
browser-like client that signs in through the form and sends the CSRF token."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import Any

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


USERS = {
    "officer": ("officer", "US-CBP"),
    "supervisor": ("supervisor", "US-USCIS"),
    "supervisor2": ("supervisor", "US-USCIS"),
    "analyst": ("analyst", "US-CBP"),
    "partner": ("partner", "GT-IGM"),
}

ACA_FAMILY_HEAD: dict[str, Any] = {
    "id": "WEB-1",
    "encountered_on": "2020-02-03",
    "place": {"border": "southwest_land", "manner": "between_ports", "state": "TX", "arrived_from": "MX"},
    "person": {"nationalities": ["HN"], "birth_date": "1991-04-02", "sex": "F", "given_names": "Ana María"},
    "family": {"family_unit": True, "members": ["WEB-2"]},
    "route": [{"country": "GT", "protection_claim": "none"}, {"country": "MX", "protection_claim": "none"}],
}


CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Browser:
    """A test client used as a person would use the pages."""

    client: TestClient
    tokens: dict[str, str]

    def csrf(self, path: str = "/signin") -> str:
        found = CSRF.search(self.client.get(path).text)
        assert found, f"no CSRF token on {path}"
        return found.group(1)

    def sign_in(self, user: str, token: str | None = None) -> Any:
        return self.client.post(
            "/signin",
            data={"name": user, "token": token or self.tokens[user], "csrf": self.csrf(), "next": "/cases"},
            follow_redirects=False,
        )

    def post(self, path: str, data: dict[str, Any], *, page: str = "/cases") -> Any:
        return self.client.post(path, data={**data, "csrf": self.csrf(page)}, follow_redirects=False)
