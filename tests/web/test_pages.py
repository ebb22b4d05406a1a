"""The web pages as a person uses them, through the same services and access decision as the API."""

from __future__ import annotations

import html
import json
import re

from web_support import ACA_FAMILY_HEAD, Browser


def _intake_form(doc: dict[str, object], csrf: str) -> dict[str, str]:
    return {
        "csrf": csrf,
        "id": str(doc["id"]),
        "encountered_on": "2020-02-03",
        "place.border": "southwest_land",
        "place.manner": "between_ports",
        "place.state": "TX",
        "place.arrived_from": "MX",
        "person.nationalities": "HN",
        "person.birth_date": "1991-04-02",
        "person.given_names": "Ana María",
        "family.family_unit": "on",
        "family_members.0.id": "WEB-2",
        "route.0.country": "GT",
        "route.0.protection_claim": "none",
        "route.1.country": "MX",
        "route.1.protection_claim": "none",
    }


def test_pages_need_a_signed_in_user(web: Browser) -> None:
    answer = web.client.get("/cases", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/signin?next=/cases")


def test_sign_in_with_a_wrong_token_is_refused_without_saying_why(web: Browser) -> None:
    answer = web.sign_in("officer", "not-the-token")
    assert answer.status_code == 401
    assert "not right" in answer.text
    unknown = web.sign_in("nobody", "whatever")
    assert unknown.status_code == 401 and "not right" in unknown.text  # same words: nothing revealed


def test_five_failures_lock_the_name_even_for_the_right_token(web: Browser) -> None:
    for _ in range(5):
        assert web.sign_in("officer", "wrong").status_code == 401
    locked = web.sign_in("officer")
    assert locked.status_code == 401 and "locked" in locked.text
    assert web.sign_in("supervisor").status_code == 303  # others are not affected


def test_a_form_without_the_csrf_token_is_refused(web: Browser) -> None:
    assert web.sign_in("officer").status_code == 303
    answer = web.client.post("/intake/review", data={"id": "X"}, follow_redirects=False)
    assert answer.status_code == 403


def test_sign_in_never_redirects_to_another_site(web: Browser) -> None:
    answer = web.client.post(
        "/signin",
        data={
            "name": "officer",
            "token": web.tokens["officer"],
            "csrf": web.csrf(),
            "next": "//evil.example/x",
        },
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/cases"


def test_intake_validates_reviews_and_opens_the_case(web: Browser) -> None:
    web.sign_in("officer")
    csrf = web.csrf("/intake")
    bad = web.client.post(
        "/intake/check", data={**_intake_form(ACA_FAMILY_HEAD, csrf), "person.nationalities": "XX"}
    )
    assert "/person/nationalities/0" in bad.text and "ISO 3166-1" in bad.text
    assert 'href="#f-person-nationalities"' in bad.text  # the problem points at its field
    review = web.client.post("/intake/review", data=_intake_form(ACA_FAMILY_HEAD, csrf))
    assert review.status_code == 200
    assert "Nothing is stored yet" in review.text
    document = html.unescape(re.search(r'name="document" value="([^"]+)"', review.text).group(1))  # type: ignore[union-attr]
    assert json.loads(document)["family"] == {"family_unit": True, "members": ["WEB-2"]}
    opened = web.client.post(
        "/intake/submit", data={"document": document, "csrf": csrf}, follow_redirects=True
    )
    assert opened.status_code == 200
    assert "/cases/C-" in str(opened.url)
    assert "ACA removal to" in opened.text and "GT" in opened.text
    assert "84 FR 63994" in opened.text  # the citation of the ACA rule in the trace


def test_intake_problems_are_said_in_the_page_s_language(web: Browser) -> None:
    web.sign_in("officer")
    csrf = web.csrf("/intake")
    form = {
        **_intake_form(ACA_FAMILY_HEAD, csrf),
        "person.nationalities": "XX",
        "encountered_on": "2024-02-30",
    }
    spanish = web.client.post("/intake/check", data=form, headers={"Accept-Language": "es"})
    assert "se esperaba un código de país ISO 3166-1" in spanish.text
    assert "se esperaba una fecha real del calendario escrita AAAA-MM-DD" in spanish.text
    assert "expected a" not in spanish.text
    english = web.client.post("/intake/check", data=form, headers={"Accept-Language": "en"})
    assert "expected a real calendar date written YYYY-MM-DD" in english.text
    document = json.dumps({"id": "WEB-9", "encountered_on": "2020-02-03", "bogus": 1})
    refused = web.client.post(
        "/intake/submit", data={"document": document, "csrf": csrf}, headers={"Accept-Language": "es"}
    )
    assert refused.status_code == 422
    assert "El documento de encuentro no es un encuentro v1 válido" in refused.text
    assert "/bogus</code>: no es un campo del encuentro v1" in refused.text
    assert "is not a field" not in refused.text and "is required" not in refused.text


def test_an_analyst_may_not_open_the_intake_form(web: Browser) -> None:
    web.sign_in("analyst")
    assert web.client.get("/intake").status_code == 403


def test_the_language_follows_the_browser_and_the_switch(web: Browser) -> None:
    page = web.client.get("/signin", headers={"Accept-Language": "es-GT,es;q=0.9,en;q=0.5"})
    assert '<html lang="es">' in page.text and "Iniciar sesión" in page.text
    english = web.client.get("/signin", headers={"Accept-Language": "en-US"})
    assert '<html lang="en">' in english.text
    web.client.post("/lang", data={"lang": "es", "csrf": web.csrf(), "next": "/signin"})
    chosen = web.client.get("/signin", headers={"Accept-Language": "en-US"})
    assert '<html lang="es">' in chosen.text


def test_a_partner_sees_no_case_without_a_basis(web: Browser) -> None:
    web.sign_in("officer")
    csrf = web.csrf("/intake")
    review = web.client.post("/intake/review", data=_intake_form(ACA_FAMILY_HEAD, csrf))
    document = html.unescape(re.search(r'name="document" value="([^"]+)"', review.text).group(1))  # type: ignore[union-attr]
    opened = web.client.post(
        "/intake/submit", data={"document": document, "csrf": csrf}, follow_redirects=True
    )
    case_path = str(opened.url).split("testserver")[1].split("#")[0]
    web.client.post("/signout", data={"csrf": web.csrf("/cases")})
    web.sign_in("partner")
    queue = web.client.get("/cases")
    assert case_path.rsplit("/", 1)[1] not in queue.text
    assert web.client.get(case_path).status_code == 404


def test_the_law_page_reads_the_law_as_of_a_date(web: Browser) -> None:
    web.sign_in("analyst")
    page = web.client.get("/rules?as_of=2020-01-15")
    assert page.status_code == 200 and "aca.guatemala_2019" in page.text
    bad = web.client.get("/rules?as_of=yesterday")
    assert "is not a date" in bad.text


def test_the_identity_queue_is_for_us_caseworkers_only(web: Browser) -> None:
    web.sign_in("officer")
    queue = web.client.get("/identity/review")
    assert queue.status_code == 200 and "Identity review" in queue.text
    web.client.post("/signout", data={"csrf": web.csrf("/cases")})
    web.sign_in("partner")
    assert web.client.get("/identity/review").status_code == 404  # as if it did not exist
    refused = web.client.post(
        "/identity/review/R-1", data={"decision": "link", "reason": "x", "csrf": web.csrf("/cases")}
    )
    assert refused.status_code == 404


def test_the_transfers_board_shows_shipped_capacity_to_analysts_not_to_partners(web: Browser) -> None:
    from amparo.store.db import make_engine, session_factory, transaction
    from amparo.transfers import capacity_store

    engine = make_engine(web.client.app.state.settings.resolved_database_url)  # type: ignore[attr-defined]
    with transaction(session_factory(engine)) as session:
        capacity_store.load_shipped(session, actor="test")
    engine.dispose()
    web.sign_in("analyst")
    board = web.client.get("/transfers?start=2019-11-01&end=2020-03-31")
    assert board.status_code == 200
    assert "GT" in board.text and "Capacity of the receiving countries" in board.text
    web.client.post("/signout", data={"csrf": web.csrf("/cases")})
    web.sign_in("partner")
    assert web.client.get("/transfers").status_code == 403


def test_the_api_documentation_is_served_without_a_cdn(web: Browser) -> None:
    for path, asset in (
        ("/docs", "/static/vendor/swagger-ui-bundle.js"),
        ("/redoc", "/static/vendor/redoc.standalone.js"),
    ):
        page = web.client.get(path)
        assert page.status_code == 200 and asset in page.text and "/openapi.json" in page.text
        assert web.client.get(asset).status_code == 200


def test_an_eu_application_is_taken_in_as_a_document(web: Browser) -> None:
    from pathlib import Path

    web.sign_in("officer")
    example = (
        Path(__file__).resolve().parents[2].parent
        / "shared/spec/eu/examples/e1-syrian-greece-germany-2024.json"
    )
    document = json.loads(example.read_text())
    document = document["encounter"]
    csrf = web.csrf("/intake/document")
    bad = web.client.post("/intake/document", data={"text": "{not json", "csrf": csrf})
    assert bad.status_code == 422
    assert "not valid JSON: Expecting property name enclosed in double quotes at line 1, column 2" in bad.text
    spanish = web.client.post(
        "/intake/document", data={"text": "{not json", "csrf": csrf}, headers={"Accept-Language": "es"}
    )
    assert spanish.status_code == 422
    assert (
        "no es JSON válido: se esperaba un nombre de propiedad entre comillas dobles en la línea 1, columna 2"
        in spanish.text
    )
    not_an_object = web.client.post(
        "/intake/document", data={"text": "[1]", "csrf": csrf}, headers={"Accept-Language": "es"}
    )
    assert "se esperaba un objeto JSON (un documento)" in not_an_object.text
    review = web.client.post("/intake/document", data={"text": json.dumps(document), "csrf": csrf})
    assert review.status_code == 200, review.text[-2000:]
    assert "responsible_state" in review.text


def test_a_supervisor_accepts_and_edits_a_proposed_plan_per_family(web: Browser) -> None:
    import datetime as dt

    from amparo.store.db import make_engine, session_factory, transaction
    from amparo.transfers import proposals
    from amparo.transfers.model import Capacity, Case, Slot
    from amparo.transfers.planner import plan as make_plan
    from amparo.transfers.tables import TransferProposal

    day = dt.date(2020, 1, 10)
    cases = [
        Case(
            "C-a",
            "F-1",
            2,
            "GT",
            ("HN",),
            (),
            dt.date(2020, 1, 1),
            dt.date(2020, 2, 1),
            dt.date(2019, 12, 1),
            False,
        ),
        Case(
            "C-b",
            "F-1",
            1,
            "GT",
            ("HN",),
            (),
            dt.date(2020, 1, 1),
            dt.date(2020, 2, 1),
            dt.date(2019, 12, 1),
            False,
        ),
        Case(
            "C-c",
            "F-2",
            1,
            "GT",
            ("SV",),
            (),
            dt.date(2020, 1, 1),
            dt.date(2020, 2, 1),
            dt.date(2019, 12, 5),
            False,
        ),
    ]
    capacity = Capacity(slots=(Slot("S-1", day, "GT", 3), Slot("S-2", day + dt.timedelta(days=7), "GT", 3)))
    proposed = make_plan(cases, capacity, time_limit=10)
    engine = make_engine(web.client.app.state.settings.resolved_database_url)  # type: ignore[attr-defined]
    made = session_factory(engine)
    with transaction(made) as session:
        plan_id = proposals.save_plan(session, proposed, cases, capacity, actor="test")
    web.sign_in("supervisor")
    board = web.client.get("/transfers")
    assert plan_id in board.text and "C-a" in board.text
    csrf = web.csrf("/transfers")
    accepted = web.client.post(
        f"/transfers/{plan_id}/C-a", data={"decision": "accepted", "csrf": csrf}, follow_redirects=False
    )
    assert accepted.status_code == 303
    family_slot = next(a.slot_id for a in proposed.assignments if a.case_id == "C-a")
    full = web.client.post(
        f"/transfers/{plan_id}/C-c",
        data={"decision": "edited", "slot_id": family_slot, "csrf": csrf},
        follow_redirects=False,
    )
    assert full.status_code == 422 and "no room" in full.text  # the family took that slot's seats
    rejected = web.client.post(
        f"/transfers/{plan_id}/C-c", data={"decision": "rejected", "csrf": csrf}, follow_redirects=False
    )
    assert rejected.status_code == 303
    with transaction(made) as session:
        rows = {r.case_id: r for r in session.query(TransferProposal).filter_by(plan_id=plan_id)}
        assert rows["C-a"].decision == rows["C-b"].decision == "accepted"  # the whole family
        assert rows["C-c"].decision == "rejected" and rows["C-c"].decided_slot_id is None
    engine.dispose()
    web.client.post("/signout", data={"csrf": csrf})
    web.sign_in("analyst")
    assert (
        web.client.post(
            f"/transfers/{plan_id}/C-a", data={"decision": "rejected", "csrf": web.csrf("/cases")}
        ).status_code
        == 403
    )
