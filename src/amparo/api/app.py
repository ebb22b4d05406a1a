"""The FastAPI application factory: ``create_app(settings)``.

The engine is created in the lifespan from the settings (never at import); OpenAPI is served
at /openapi.json without authentication, every other route needs a Bearer token.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from sqlalchemy.orm import Session, sessionmaker

from amparo import audit
from amparo.access.clock import Clock, system_today
from amparo.api import openapi as openapi_extras
from amparo.api import problems
from amparo.api.exchange_routes import router as exchange_router
from amparo.api.guard import RequestGuard
from amparo.api.identity_routes import router as identity_router
from amparo.api.routes import router
from amparo.api.transfers_routes import router as transfers_router
from amparo.engine.registry import PackRegistry, installed_registry
from amparo.installation import bind_installation
from amparo.settings import Settings, load_settings
from amparo.store.db import engine_from_settings, session_factory

#: Sync route handlers run in at most this many threads per process (anyio's default is 40).
#: Handlers are CPU-bound Python plus short database waits: more threads only share the GIL
#: more thinly (when every write still queued on the audit chain head, 16 threads gave a p99
#: of 530 ms on PostgreSQL and 4 threads 180 ms at the same throughput; 2 and 8 threads
#: measured no better than 4 since). More throughput comes from ``amparo serve --workers N``.
HANDLER_THREADS = 4


def _settle_quietly(factory: sessionmaker[Session]) -> None:
    """Chain what is queued at shutdown; an error here is logged, never raised (entries stay queued
    and the next start chains them)."""
    try:
        audit.settle(factory)
    except Exception:
        logging.getLogger("amparo.api").warning("audit entries left queued at shutdown", exc_info=True)


def create_app(
    settings: Settings | None = None, packs: PackRegistry | None = None, *, clock: Clock = system_today
) -> FastAPI:
    """The HTTP API for ``settings`` (read from the environment when not given), the law
    ``packs`` (default: every installed pack) and the ``clock`` whose day access decisions are
    made on (default: this machine's). Everything the routes need is on ``app.state``; nothing
    below reads the environment."""
    settings = settings or load_settings()
    packs = packs or installed_registry(default=settings.default_law_pack)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        import anyio.to_thread

        anyio.to_thread.current_default_thread_limiter().total_tokens = HANDLER_THREADS
        engine = engine_from_settings(settings)
        app.state.engine = engine
        # sessions bound to THIS installation's keys: checkpoints signed, biometric templates read
        app.state.session_factory = bind_installation(session_factory(engine), settings.data_dir)
        # audit entries a crash left queued (committed, not yet chained) are chained first
        await anyio.to_thread.run_sync(audit.chain_soon, app.state.session_factory)
        try:
            yield
        finally:
            # let a chaining pass still running finish (and chain what is queued) before the pool
            # closes, so no connection is left open behind it
            await anyio.to_thread.run_sync(_settle_quietly, app.state.session_factory)
            engine.dispose()

    from amparo import __version__

    app = FastAPI(
        title="amparo",
        version=__version__,
        description="Intake, cases and screening decisions under the US protection-cooperation agreements.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.packs = packs
    app.state.clock = clock
    problems.install(app)
    app.add_middleware(RequestGuard)
    app.include_router(router)
    app.include_router(exchange_router)
    from amparo.web import install as install_web

    install_web(app, settings)
    app.include_router(identity_router)
    app.include_router(transfers_router)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            app.openapi_schema = openapi_extras.complete(problems.document_problems(schema))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
