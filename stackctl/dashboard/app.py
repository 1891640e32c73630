"""The ASGI application: routes, error handlers and security headers.

Read-only by construction: only GET/HEAD routes exist (anything else is a 405) and every
query goes through ``source.ReadStore``. Host checking (against DNS rebinding) is on
whenever ``allowed_hosts`` is given, which ``serve`` always does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from stackctl.dashboard import api, outputs, pages
from stackctl.dashboard.responses import STATIC, error
from stackctl.dashboard.source import Source
from stackctl.errors import ConfigError, NotFoundError, StackctlError

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        b"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    ),
]
_TITLES = {400: "Bad request", 404: "Not found", 405: "Method not allowed"}


class SecurityHeaders:
    """Pure ASGI middleware (streams pass through untouched) adding SECURITY_HEADERS,
    except those a route set itself (a framed visualization's stricter CSP)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                own = {name.lower() for name, _ in headers}
                message["headers"] = headers + [h for h in SECURITY_HEADERS if h[0] not in own]
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    title = _TITLES.get(exc.status_code, "Error")
    return error(request, exc.status_code, title, str(exc.detail), headers_hint(exc))


def headers_hint(exc: HTTPException) -> str:
    return "only GET requests: the dashboard is read-only" if exc.status_code == 405 else ""


async def _stackctl_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StackctlError)
    if isinstance(exc, NotFoundError):
        return error(request, 404, "Not found", exc.message, exc.hint)
    if isinstance(exc, ConfigError):
        lines = [d.render() for d in exc.diagnostics]
        hint = "fix the configuration and run `stackctl validate`; this page reloads it"
        return error(request, 500, "Invalid configuration", exc.message, hint, lines)
    return error(request, 500, type(exc).__name__, exc.message, exc.hint)


async def _crash(request: Request, exc: Exception) -> Response:
    # The traceback goes to the server log (uvicorn), never to the browser.
    return error(
        request, 500, "Internal error", f"{type(exc).__name__}", "see the dashboard's terminal"
    )


def create_app(source: Source, *, allowed_hosts: Sequence[str] | None = None) -> Starlette:
    """The dashboard for ``source``; ``allowed_hosts`` turns on Host header checks."""
    middleware = [Middleware(SecurityHeaders)]
    if allowed_hosts is not None:
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts)))
    handlers: dict[Any, Any] = {
        HTTPException: _http_error,
        StackctlError: _stackctl_error,
        Exception: _crash,
    }
    app = Starlette(
        routes=[
            *api.routes(),
            *pages.routes(),
            *outputs.routes(),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        middleware=middleware,
        exception_handlers=handlers,
    )
    app.state.source = source
    return app
