"""Three real installations on loopback (US, Guatemala, El Salvador), each an ``amparo serve``
process with its own data directory and embedded SQLite database, set up with the real CLI.

An encounter is taken in over HTTP on the US server and screened to an ACA transfer to
Guatemala; the case goes through the workflow (threshold interview, transfer proposed by one
supervisor, concurrence by another) and a disclosure basis is recorded. The sealed envelope is
refused by El Salvador (not addressed to it), imported by Guatemala with a signed receipt
(twice: the same receipt), and the receipt is accepted back in the US. Guatemala holds the
package, El Salvador holds nothing, the envelope does not carry the person's name in clear, and
each installation's audit trail verifies and shows what happened there (issue 6).
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

from .servers_support import Installation, running

EXAMPLE = "aca-honduran-adult-2020-02.json"  # the ACA example: ACA to GT on the encounter date
# The disclosure is decided on today's date: gt_arrangement_2025 (arrangements.yaml) is in force
# from 2025-06-27 with no end; were it ended, the export would be refused and this test fail.

PEERS = {"US": ("GT", "SV"), "GT": ("US",), "SV": ("US",)}
USERS: dict[str, dict[str, tuple[str, str]]] = {
    "US": {
        "officer": ("officer", "US-CBP"),
        "supervisor": ("supervisor", "US-USCIS"),
        "supervisor2": ("supervisor", "US-USCIS"),
        "gt-link": ("partner", "GT-IGM"),  # the Guatemalan installation delivering receipts
    },
    # the US installation delivering envelopes
    "GT": {"us-link": ("partner", "US-CBP"), "asylum": ("officer", "GT-IGM")},
    "SV": {"us-link": ("partner", "US-CBP")},
}


def _encounter() -> dict[str, Any]:
    example = json.loads(files("amparo.rules.us").joinpath("examples", EXAMPLE).read_text(encoding="utf-8"))
    document: dict[str, Any] = example["encounter"]
    document["id"] = "LOOP-1"
    assert example["expected_summary"]["aca_removal_to"] == "GT"
    return document


def _transition(us: Installation, user: str, case: Any, to: str) -> Any:
    with us.client(user) as c:
        response = c.post(
            f"/api/v1/cases/{case.json()['id']}/transitions",
            json={"to": to},
            headers={"If-Match": case.headers["etag"]},
        )
    assert response.status_code == 200, response.text
    return response


def _actions(trail: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(line["action"], line["outcome"]) for line in trail if line["type"] == "entry"]


def test_transfer_between_real_servers_reaches_guatemala_only(tmp_path: Path) -> None:
    installations = {c: Installation(c, tmp_path / c) for c in ("US", "GT", "SV")}
    us, gt, sv = installations["US"], installations["GT"], installations["SV"]
    for country, installation in installations.items():
        installation.create()
        for name, (role, agency) in USERS[country].items():
            installation.add_user(name, role, agency)

    with running(list(installations.values())):
        # each installation's public card, from its own server; peers registered with the CLI
        cards = {}
        for country, installation in installations.items():
            with installation.client(next(iter(installation.tokens))) as c:
                card = c.get("/api/v1/exchange/installation")
            assert card.status_code == 200, card.text
            assert card.json()["installation"] == country
            cards[country] = tmp_path / f"{country}.card.json"
            cards[country].write_text(card.text, encoding="utf-8")
        for country, peers in PEERS.items():
            for peer in peers:
                added = installations[country].cli("exchange", "peer-add", str(cards[peer]))
                assert f"peer {peer} registered" in added.stdout

        # intake on the US server: screened to an ACA transfer to Guatemala
        document = _encounter()
        with us.client("officer") as c:
            intake = c.put(f"/api/v1/encounters/{document['id']}", json=document)
            assert intake.status_code == 201, intake.text
            assert intake.json()["decision"]["summary"]["aca_removal_to"] == "GT"
            case_id = intake.json()["encounter"]["case_id"]
            case = c.get(f"/api/v1/cases/{case_id}")
        assert case.json()["state"] == "screened"
        assert case.headers["etag"] == f'"{case.json()["version"]}"'

        # the workflow: interview, transfer proposed by one supervisor, concurred by another
        case = _transition(us, "officer", case, "aca_threshold_interview")
        case = _transition(us, "supervisor", case, "transfer_scheduled")
        assert case.json()["state"] == "supervisor_concurrence"
        with us.client("supervisor2") as c:
            case = c.post(
                f"/api/v1/cases/{case_id}/concurrence",
                json={"concur": True},
                headers={"If-Match": case.headers["etag"]},
            )
        assert case.status_code == 200, case.text
        assert case.json()["state"] == "transfer_scheduled"

        request = {"agency": "GT-IGM", "purpose": "aca_transfer"}
        with us.client("officer") as c:  # no disclosure basis yet: refused like a missing case
            assert c.post(f"/api/v1/exchange/cases/{case_id}/envelopes", json=request).status_code == 404
        basis = {
            "recipient": "GT-IGM",
            "kind": "decision",
            "legal_basis": "Decision to disclose for the ACA transfer, 8 CFR 208.6(a)",
        }
        with us.client("supervisor") as c:
            recorded = c.post(f"/api/v1/exchange/cases/{case_id}/bases", json=basis)
        assert recorded.status_code == 201, recorded.text
        with us.client("officer") as c:
            sealed = c.post(f"/api/v1/exchange/cases/{case_id}/envelopes", json=request)
        assert sealed.status_code == 201, sealed.text
        envelope = sealed.content
        envelope_id = json.loads(envelope)["envelope_id"]

        # El Salvador refuses it; Guatemala imports it, idempotently; the US takes the receipt
        with sv.client("us-link") as c:
            refused = c.post("/api/v1/exchange/envelopes", content=envelope)
        assert refused.status_code == 400
        assert "addressed to installation GT" in refused.json()["detail"]
        with gt.client("us-link") as c:
            receipt = c.post("/api/v1/exchange/envelopes", content=envelope)
            assert receipt.status_code == 201, receipt.text
            again = c.post("/api/v1/exchange/envelopes", content=envelope)
        assert again.status_code == 200 and again.content == receipt.content
        assert receipt.json()["envelope_id"] == envelope_id
        with us.client("gt-link") as c:
            acknowledged = c.post("/api/v1/exchange/receipts", content=receipt.content)
        assert acknowledged.status_code == 200, acknowledged.text
        assert (acknowledged.json()["receiver"], acknowledged.json()["envelope_id"]) == ("GT", envelope_id)

        # what each database holds
        [(direction, record_id, package)] = gt.query(
            "SELECT direction, record_id, package FROM exchange_envelopes"
        )
        assert (direction, record_id) == ("in", case_id)
        received = json.loads(package)["package"]
        person = document["person"]
        assert (received["surnames"], received["birth_date"]) == (person["surnames"], person["birth_date"])
        assert "fear_claims" not in received
        assert sv.query("SELECT envelope_id FROM exchange_envelopes") == []
        assert sv.query("SELECT id FROM encounters") == [] and sv.query("SELECT id FROM cases") == []
        [(sent_id, acknowledged_at)] = us.query(
            "SELECT envelope_id, acknowledged_at FROM exchange_envelopes WHERE direction = 'out'"
        )
        assert sent_id == envelope_id and acknowledged_at is not None
        for clear in (person["surnames"], "Armando", person["birth_date"]):
            assert clear.encode() not in envelope, clear

        # the Guatemalan asylum authority reads the package on its own installation; a user of
        # another agency there finds nothing, exactly as if nothing had been received
        with gt.client("asylum") as c:
            listed = c.get("/api/v1/exchange/packages")
            one = c.get(f"/api/v1/exchange/packages/{envelope_id}")
            unknown = c.get("/api/v1/exchange/packages/no-such-envelope")
        assert unknown.status_code == 404
        assert [p["envelope_id"] for p in listed.json()] == [envelope_id]
        assert one.status_code == 200 and one.json()["package"]["surnames"] == person["surnames"]
        assert one.json()["recipient_agency"] == "GT-IGM" and one.json()["from"] == "US"
        with gt.client("us-link") as c:
            assert c.get("/api/v1/exchange/packages").json() == []
            assert c.get(f"/api/v1/exchange/packages/{envelope_id}").status_code == 404

        # every trail verifies, and its export shows what happened there
        trails = {}
        for country, installation in installations.items():
            assert "audit trail intact" in installation.cli("audit", "verify").stdout
            out = tmp_path / f"{country}.audit.jsonl"
            trails[country] = _actions(installation.audit_export(out))
            assert installation.cli("audit", "verify", "--file", str(out)).returncode == 0

    assert {("disclosure", "ok"), ("acknowledgement_received", "ok")} <= set(trails["US"])
    assert ("disclosure", "denied") in trails["US"]  # the export before the basis was recorded
    assert {
        ("envelope_import", "ok"),
        ("acknowledgement_sent", "ok"),
        ("envelope_duplicate", "ignored"),
        ("read", "ok"),
        ("read", "denied"),
        ("read", "not_found"),
        ("list", "ok"),
    } <= set(trails["GT"])
    assert ("envelope_refused", "refused") in trails["SV"]
    assert not {action for action, _ in trails["SV"]} & {"envelope_import", "acknowledgement_sent"}
    # the servers are gone
    assert all(i.process is None for i in installations.values())
