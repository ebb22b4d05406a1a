"""An ExchangeError (a malformed, forged, replayed or misaddressed envelope) is a 400 problem of
type exchange-refused wherever it is raised, never a 500."""

from __future__ import annotations

from api_support import Api, TestClient
from fastapi import FastAPI

from amparo.api import problems
from amparo.errors import ExchangeError
from amparo.exchange.envelope import EnvelopeError

REFUSED = problems.BASE + "exchange-refused"


def _app_raising(exc: Exception) -> FastAPI:
    app = FastAPI()
    problems.install(app)

    @app.get("/boom")
    def boom() -> None:
        raise exc

    return app


def test_an_exchange_error_reaching_the_handler_is_a_400_problem() -> None:
    for exc in (ExchangeError("the envelope is addressed to installation GT"), EnvelopeError("bad", "nonce")):
        with TestClient(_app_raising(exc)) as client:
            response = client.get("/boom")
        assert response.status_code == 400
        assert response.headers["content-type"] == problems.PROBLEM
        body = response.json()
        assert (body["type"], body["status"], body["detail"]) == (REFUSED, 400, str(exc))


def test_the_exchange_routes_answer_the_same_problem_type(api: Api) -> None:
    refused = api.client.post("/api/v1/exchange/envelopes", content=b"{}", headers=api.auth("officer"))
    assert refused.status_code == 400
    assert refused.json()["type"] == REFUSED
    with TestClient(_app_raising(ExchangeError("x"))) as client:
        assert client.get("/boom").json()["title"] == refused.json()["title"]
