"""The web interface in a real browser: Debian's Chromium driven by Playwright, the app served on
loopback. Walks an officer, two supervisors and a partner through the job, checks every page with
axe-core (no serious or critical violation), and keeps a screenshot of each page as an artefact
(``$AMPARO_TEST_ARTIFACTS``, default ``test-artifacts/web`` under the repository)."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from web_support import USERS

from amparo.access.clock import fixed_day
from amparo.api.app import create_app
from amparo.settings import Settings

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = REPO / ".venv/npm/node_modules/axe-core/axe.min.js"
ARTIFACTS = Path(os.environ.get("AMPARO_TEST_ARTIFACTS", REPO / "test-artifacts/web"))
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def site(tmp_path: Path, make_users: Callable[..., dict[str, str]]) -> Iterator[tuple[str, dict[str, str]]]:
    """The app on a fresh SQLite store, served by uvicorn on a free loopback port."""
    import uvicorn

    from amparo.store.testing import fresh_sqlite

    url = fresh_sqlite(tmp_path / "db", tmp_path / "template")
    tokens = make_users(url, USERS)
    import datetime as dt

    app = create_app(Settings(data_dir=tmp_path, database_url=url), clock=fixed_day(dt.date(2025, 7, 1)))
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", tokens
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists() or not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium (apt-get install chromium) and axe-core (make install) are needed in CI")
        pytest.skip("Chromium or axe-core is not installed here (make install; apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


def _axe(page: Any, name: str) -> None:
    """No serious or critical accessibility violation on this page; a screenshot kept."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert bad == [], f"{name}: " + "; ".join(bad)


def _sign_in(page: Any, base: str, name: str, token: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/signin")
    page.fill("#name", name)
    page.fill("#token", token)
    page.click("button.primary")
    page.wait_for_url("**/cases")


def test_an_officer_walks_a_family_from_intake_to_a_transfer_decision(
    site: tuple[str, dict[str, str]], browser: Any
) -> None:
    base, tokens = site
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base + "/")
    _axe(page, "01-signin")
    _sign_in(page, base, "officer", tokens["officer"])
    _axe(page, "02-queue-empty")

    # intake a family: the head of the family, a member added in place, validation as one types
    page.goto(base + "/intake")
    page.fill("#f-person-nationalities", "XX")
    page.wait_for_selector(".problems")
    assert "ISO 3166-1" in page.inner_text("#problems")
    _axe(page, "03-intake-with-problems")
    page.fill("#f-id", "FAM-1")
    page.fill("#f-encountered_on", "2020-02-03")
    page.select_option("#f-place-border", "southwest_land")
    page.select_option("#f-place-manner", "between_ports")
    page.fill("#f-place-state", "TX")
    page.fill("#f-place-arrived_from", "MX")
    page.fill("#f-person-given_names", "Ana María")
    page.fill("#f-person-nationalities", "HN")
    page.fill("#f-person-birth_date", "1991-04-02")
    page.check("#f-family-family_unit")
    page.fill("#f-family_members-0-id", "FAM-2")
    page.get_by_role("button", name="Add a family member").click()
    page.wait_for_selector("#f-family_members-1-id")
    page.fill("#f-family_members-1-id", "FAM-3")
    page.fill("#f-route-0-country", "GT")
    page.fill("#f-route-1-country", "MX")
    page.wait_for_function("!document.querySelector('#problems .problems')")
    page.get_by_role("button", name="Review", exact=True).click()
    page.wait_for_selector("text=Nothing is stored yet")
    _axe(page, "04-intake-review")
    page.get_by_role("button", name="Submit and open the case").click()
    page.wait_for_url("**/cases/C-*")
    assert "GT" in page.inner_text("#decision")
    page.locator("#decision summary").click()
    assert "84 FR 63994" in page.inner_text("#decision")
    _axe(page, "05-case-aca")
    case_url = page.url.split("#")[0]

    # the threshold interview: a finding that re-screens (a fear of Guatemala found more likely than not)
    page.select_option("#to", "aca_threshold_interview")
    page.get_by_role("button", name="Record the step").click()
    page.select_option("#f-key", "more_likely_than_not_harm_in")
    page.fill("#f-value", "GT")
    page.get_by_role("button", name="Record and re-screen").click()
    page.wait_for_url("**/cases/C-*")
    assert "more_likely_than_not_harm_in" in page.inner_text("#h-findings + ul")
    assert page.inner_text("#decision dl.summary").count("GT") == 0  # no ACA removal to Guatemala any more

    # a second case goes to transfer: a supervisor proposes, another concurs
    page.goto(base + "/intake")
    page.fill("#f-id", "FAM-9")
    page.fill("#f-encountered_on", "2020-02-03")
    page.select_option("#f-place-border", "southwest_land")
    page.select_option("#f-place-manner", "between_ports")
    page.fill("#f-place-arrived_from", "MX")
    page.fill("#f-person-nationalities", "SV")
    page.fill("#f-person-birth_date", "1985-01-01")
    page.fill("#f-route-0-country", "GT")
    page.get_by_role("button", name="Review", exact=True).click()
    page.get_by_role("button", name="Submit and open the case").click()
    page.wait_for_url("**/cases/C-*")
    second = page.url.split("#")[0]
    _sign_in(page, base, "supervisor", tokens["supervisor"])
    page.goto(second)
    page.select_option("#to", "aca_threshold_interview")
    page.get_by_role("button", name="Record the step").click()
    page.select_option("#to", "transfer_scheduled")
    page.get_by_role("button", name="Record the step").click()
    assert "Awaiting a second supervisor" in page.content()
    _sign_in(page, base, "supervisor2", tokens["supervisor2"])
    page.goto(second)
    _axe(page, "06-concurrence")
    page.get_by_role("button", name="Record the concurrence").click()
    page.wait_for_selector(".state-transfer_scheduled")
    assert "Audit trail of this case" in page.content()
    _axe(page, "07-transfer-scheduled")

    # Spanish: the switch, the labels and the case page
    page.select_option("#lang-select", "es")
    page.get_by_role("button", name="Change").click()
    page.wait_for_selector("html[lang=es]")
    assert "Traslado bajo un ACA a" in page.content()
    assert "traslado programado" in page.content()
    _axe(page, "08-case-es")
    page.goto(base + "/rules?as_of=2020-01-15")
    _axe(page, "09-law-es")

    # a partner (Guatemala) sees only what the policy allows: not the first case (a fear of Guatemala)
    _sign_in(page, base, "partner", tokens["partner"])
    page.goto(case_url)
    assert page.locator("h1").inner_text() in {"No such case", "No existe ese caso"}
    page.goto(base + "/cases")
    assert case_url.rsplit("/", 1)[1] not in page.content()
    _axe(page, "10-partner-queue")
    context.close()


def test_the_pages_work_by_keyboard_alone(site: tuple[str, dict[str, str]], browser: Any) -> None:
    base, tokens = site
    page = browser.new_page()
    page.goto(base + "/signin")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.className") == "skip"
    page.focus("#name")
    page.keyboard.type("officer")
    page.keyboard.press("Tab")
    page.keyboard.type(tokens["officer"])
    page.keyboard.press("Enter")
    page.wait_for_url("**/cases")
    page.close()
