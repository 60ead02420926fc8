"""The FastAPI application: wiring only. Routes live in api/routes/.

    uvicorn --factory api.main:create_app
"""

from __future__ import annotations

import logging
import os
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI, Request
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from api.cache import AnswerCache
from api.metrics import Metrics
from api.middleware import HeadAsGetMiddleware, LoadShedMiddleware, MetricsMiddleware, ReloadMiddleware
from api.routes import ask, docs, documents, health, metrics, quote
from api.security import SecurityHeadersMiddleware, security_headers
from citeqa.errors import CiteqaError
from citeqa.settings import Settings
from api.reload import IndexWatcher
from ingest.embed import Encoder
from answers import Answerer

__all__ = ["create_app", "preload", "MAX_BODY_BYTES"]

STATIC = Path(__file__).with_name("static")
MAX_BODY_BYTES = 64 * 1024
HEALTH_PATHS = frozenset({"/healthz", "/readyz"})
PROBED_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
log = logging.getLogger("citeqa.api")


def create_app(settings: Settings | None = None, *, qa: Answerer | None = None, encoder: Encoder | None = None) -> FastAPI:
    """The app; loads the index at start-up unless a qa is handed in (tests).
    With an index folder it also reloads the index when a re-ingest switches it."""
    settings = settings or Settings()

    def load() -> Answerer:
        """The current build; a reload reads it with the models already loaded."""
        previous = app.state.qa
        if previous is not None:
            loaded = previous.reload(settings.index_dir)
        else:
            loaded = Answerer.load(settings.index_dir, model=None if encoder else settings.model, encoder=encoder)
        loaded.warm()
        return loaded

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        size_thread_pool(settings.worker_threads or max(2, 2 * (os.cpu_count() or 1) // settings.workers))
        if qa is not None:
            app.state.qa = qa
        elif app.state.qa is None and app.state.watcher is None:  # not loaded before the workers forked
            preload(app)
        yield

    app = FastAPI(
        title="citeqa",
        version="0.1.0",
        description="Answers about the Los Angeles Declaration on Migration and Protection, quoted verbatim with exact citations.",
        lifespan=lifespan,
        docs_url=None,  # served by api/routes/docs.py, with their own CSP
        redoc_url=None,
    )
    app.state.qa = qa
    app.state.settings = settings
    app.state.watcher = None
    app.state.load = load
    app.state.answers = AnswerCache(settings.answer_cache_size)
    app.state.metrics = Metrics(settings.workers)

    app.add_middleware(ReloadMiddleware, state=app.state)
    app.add_middleware(BodyLimitMiddleware, limit=MAX_BODY_BYTES, json_paths=frozenset({"/api/ask", "/api/quote"}))
    # Added last = outermost: shed before any body is read, and every answer,
    # a shed 503 included, leaves with the security headers.
    app.add_middleware(LoadShedMiddleware, limit=settings.max_in_flight, exempt=HEALTH_PATHS)
    app.add_middleware(HeadAsGetMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics, timed=frozenset({"/api/ask"}))  # outermost: sees every status
    for module in (ask, documents, quote, health, metrics, docs):
        app.include_router(module.router)
    add_error_handlers(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    return app


def size_thread_pool(threads: int) -> None:
    """The sync routes' thread pool (anyio's, 40 threads by default), for this event loop.
    Questions are CPU work: more threads than cores add no throughput, only more
    threads contending for the GIL with the event loop, which then answers shed
    requests and health checks late (a ~120 ms mean with 40 threads, ~20 ms with 4,
    on 2 cores under 200 clients). Requests beyond it wait in the event loop, cheaply.
    With several workers the default is shared out between them: two workers on two
    cores with two threads each did as well as or better than with four each."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = threads


def preload(app: FastAPI) -> None:
    """Load the index and models now, and watch for new builds. Called by the lifespan, or
    before the worker processes fork (api/prefork.py), which then share what was loaded."""
    load_answerer(app, app.state.load)
    app.state.watcher = IndexWatcher(app.state.settings.index_dir, app.state.load, interval=app.state.settings.reload_interval)


def load_answerer(app: FastAPI, load) -> None:
    try:
        app.state.qa = load()
    except CiteqaError as exc:
        app.state.qa = None
        app.state.load_error = str(exc)
        log.error("index not loaded: %s", exc)


def readable(errors: list[dict]) -> str:
    """Pydantic's errors as one sentence, without echoing the (possibly huge) input."""
    parts = []
    for error in errors:
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in {"body", "query", "path"})
        parts.append(f"{where}: {error.get('msg', 'invalid')}" if where else str(error.get("msg", "invalid")))
    return "; ".join(parts)[:500] or "invalid request"


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (GET and POST /api/ask are two routes),
    and HEAD wherever GET is, as HeadAsGetMiddleware serves it. Each method is tried
    through the routes' public `matches`: since FastAPI 0.165 an included router is one
    route without `methods`, so reading route.methods found nothing under /api."""
    methods = {method for method in PROBED_METHODS if any(
        route.matches({**request.scope, "method": method})[0] == Match.FULL
        for route in request.app.routes
        if not isinstance(route, Mount)  # a mounted app answers its own 405 (StaticFiles: GET, HEAD)
    )}
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


def add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return JSONResponse({"detail": "the request body is not valid JSON"}, status_code=400)
        return JSONResponse({"detail": readable(errors)}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else "request failed"
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            # The router's own Allow names only the first route at the path (POST /api/ask
            # hides GET); a mounted app's (StaticFiles) stands, as no route here matches.
            headers["Allow"] = ", ".join(allowed_methods(request)) or headers.get("Allow", "")
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=headers or None)

    @app.exception_handler(CiteqaError)
    async def domain_error(request: Request, exc: CiteqaError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:  # the last resort
        log.exception("unexpected error on %s", request.url.path)
        # Starlette answers this one outside every middleware: the headers are added here.
        return JSONResponse({"detail": "internal error"}, status_code=500, headers=security_headers())


class BodyLimitMiddleware:
    """Refuse bodies over `limit` bytes (413) and non-JSON bodies (415) on the JSON
    endpoints, before parsing. Other methods and paths go on to routing (405/404)."""

    def __init__(self, app, *, limit: int, json_paths: frozenset[str]) -> None:
        self.app = app
        self.limit = limit
        self.json_paths = json_paths

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] not in self.json_paths:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if not headers.get("content-type", "").split(";")[0].strip().lower() == "application/json":
            await JSONResponse({"detail": "send the body as application/json"}, status_code=415)(scope, receive, send)
            return
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.limit:
            await JSONResponse({"detail": f"the request body is larger than {self.limit} bytes"}, status_code=413)(scope, receive, send)
            return
        body, more = bytearray(), True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.limit:
                await JSONResponse({"detail": f"the request body is larger than {self.limit} bytes"}, status_code=413)(scope, receive, send)
                return
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.app(scope, replay, send)
