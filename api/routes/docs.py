"""FastAPI's interactive API docs, each served with its own Content-Security-Policy.

They load Swagger UI / ReDoc from a CDN and start them with an inline script,
which the page's strict policy would block; the app turns FastAPI's own docs
routes off and serves the same HTML here with a policy made for it.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse

from api.security import docs_policy

router = APIRouter(include_in_schema=False)


def with_policy(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = docs_policy(page.body)
    return page


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    return with_policy(get_swagger_ui_html(openapi_url=request.app.openapi_url, title=f"{request.app.title} - Swagger UI"))


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    return with_policy(get_redoc_html(openapi_url=request.app.openapi_url, title=f"{request.app.title} - ReDoc"))
