"""Pure-ASGI middleware for the whole app: HEAD served as GET.

Pure ASGI rather than @app.middleware("http"): it needs no Request object, and
it must see the response's messages to drop the body.
"""

from __future__ import annotations

__all__ = ["HeadAsGetMiddleware"]


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
