"""Security headers on every response, and the Content-Security-Policies they carry.

The page (index.html, app.js, style.css) needs nothing inline and nothing from
elsewhere, so its policy is `'self'` throughout. The only image it loads is its
empty `data:,` favicon, there so browsers do not ask for /favicon.ico.
"""

from __future__ import annotations

import base64
import hashlib
import re

__all__ = ["PAGE_POLICY", "SecurityHeadersMiddleware", "docs_policy", "security_headers"]

PAGE_POLICY = "; ".join([
    "default-src 'self'",
    "img-src data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
# The same on every response, whatever its type: a JSON body opened in a tab is a document too.
FIXED = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}
DOCS_CDN = "https://cdn.jsdelivr.net"
INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def security_headers(policy: str = PAGE_POLICY) -> dict[str, str]:
    return {"content-security-policy": policy, **FIXED}


def docs_policy(html: bytes) -> str:
    """A policy for FastAPI's Swagger UI / ReDoc pages, which load their code from a
    CDN and start it with an inline script. Inline scripts are allowed by hash only,
    so nothing injected runs; inline styles are allowed because ReDoc writes its
    styles at run time (and a hash in style-src would switch 'unsafe-inline' off).
    Only these two pages get it."""
    hashes = [f"'sha256-{base64.b64encode(hashlib.sha256(body).digest()).decode()}'" for body in INLINE_SCRIPT.findall(html)]
    return "; ".join([
        "default-src 'self'",
        " ".join(["script-src 'self'", DOCS_CDN, *hashes]),
        f"style-src 'self' {DOCS_CDN} https://fonts.googleapis.com 'unsafe-inline'",
        "font-src 'self' https://fonts.gstatic.com",
        "img-src 'self' data: https://fastapi.tiangolo.com",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


class SecurityHeadersMiddleware:
    """Adds the fixed headers to every response, and the page's policy unless the
    route set its own (the docs pages do). Pure ASGI, so static files, error
    responses and shed requests get them too."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                added = [(k.encode(), v.encode()) for k, v in security_headers().items() if k.encode() not in present]
                message = {**message, "headers": [*message.get("headers", []), *added]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
