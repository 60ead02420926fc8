"""Pure-ASGI middleware for the whole app: HEAD served as GET, load shedding, counting,
and the check for a re-ingested index.

Pure ASGI rather than @app.middleware("http"): none needs a Request object, the
shedder must answer in the event loop without touching the thread pool, and
Starlette's BaseHTTPMiddleware costs a task and a stream per request.
"""

from __future__ import annotations

import time

from starlette.responses import JSONResponse

from api.metrics import Metrics

__all__ = ["HeadAsGetMiddleware", "LoadShedMiddleware", "MetricsMiddleware", "ReloadMiddleware"]


class HeadAsGetMiddleware:
    """FastAPI's routes answer GET only (HEAD gets 405). Every GET route serves HEAD
    here: the request goes on as GET and the body is dropped, while the status and
    headers, Content-Length included, are the GET's. A path with no GET still
    answers 405."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message) -> None:
            if message["type"] != "http.response.body":
                await send(message)
            elif not message.get("more_body", False):
                await send({"type": "http.response.body", "body": b"", "more_body": False})

        # A copy: the server keeps its own scope saying HEAD, so it sends no body and
        # does not expect Content-Length bytes.
        await self.app({**scope, "method": "GET"}, receive, send_headers_only)


class LoadShedMiddleware:
    """At most `limit` requests in flight; beyond that an immediate 503 with
    Retry-After, instead of a queue whose wait grows with the load until every
    client times out. The counter lives in the event loop (one per process), so
    no lock is needed. Paths in `exempt` (health checks) are never shed, so
    monitoring sees a busy server as alive. A limit of 0 sheds nothing."""

    def __init__(self, app, *, limit: int, exempt: frozenset[str], retry_after_s: int = 1) -> None:
        self.app = app
        self.limit = limit
        self.exempt = exempt
        self.retry_after_s = retry_after_s
        self.in_flight = 0

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or not self.limit or scope["path"] in self.exempt:
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.limit:
            await self.shed(scope, receive, send)
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1

    async def shed(self, scope, receive, send) -> None:
        response = JSONResponse(
            {"detail": "the server is busy; retry shortly"},
            status_code=503,
            headers={"Retry-After": str(self.retry_after_s)},
        )
        await response(scope, receive, send)


class MetricsMiddleware:
    """Counts every response by status into `metrics`, and times the successful ones on
    the `timed` paths (the questions) from the request's arrival to the end of its body."""

    def __init__(self, app, *, metrics: Metrics, timed: frozenset[str]) -> None:
        self.app = app
        self.metrics = metrics
        self.timed = timed

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # an exception that escapes every handler reaches the client as a 500

        async def noting_status(message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noting_status)
        finally:
            timed = status == 200 and scope["path"] in self.timed
            self.metrics.record(status, (time.perf_counter() - started) * 1000 if timed else None)


class ReloadMiddleware:
    """Before each request, lets the index watcher (api/reload.py) check whether a re-ingest
    switched the index: cheap, at most one look at the `current` link per interval."""

    def __init__(self, app, *, state) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and self.state.watcher is not None:
            self.state.watcher.maybe_reload(self.state)
        await self.app(scope, receive, send)
