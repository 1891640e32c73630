"""Responses: escaped JSON, HTML from jinja templates (autoescape on), error bodies.

JSON escapes ``<``, ``>`` and ``&`` as ``\\u003c``-style sequences (as Go's encoder does),
so a log line or config value holding markup stays inert even if a browser were to
sniff the body; together with ``X-Content-Type-Options: nosniff`` it is never HTML.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.responses import HTMLResponse, JSONResponse

from stackctl import timefmt

if TYPE_CHECKING:
    import jinja2
    from starlette.requests import Request

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


class SafeJSONResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        text = json.dumps(content, ensure_ascii=False, separators=(",", ":"), default=str)
        for char, escaped in _ESCAPES.items():
            text = text.replace(char, escaped)
        return text.encode("utf-8")


def _value(value: Any) -> str:
    """A config value as one line: scalars as text, lists and mappings as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def _pretty(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str)


@cache
def environment() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every value is text unless a template says otherwise (none do)
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        duration=timefmt.duration,
        when=timefmt.when,
        size=timefmt.size,
        value=_value,
        pretty=_pretty,
    )
    return env


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render ``template`` with ``context`` plus the current path (for the nav)."""
    source = request.app.state.source
    try:
        project = source.spec().name
    except Exception:  # the header must render even when the config is broken
        project = source.root.name
    html = (
        environment()
        .get_template(template)
        .render(path=request.url.path, project=project, **context)
    )
    return HTMLResponse(html, status_code=status)


def wants_json(request: Request) -> bool:
    return request.url.path == "/api" or request.url.path.startswith("/api/")


def error(
    request: Request,
    status: int,
    title: str,
    message: str,
    hint: str = "",
    details: list[str] | None = None,
) -> HTMLResponse | SafeJSONResponse:
    """The same error as JSON (under /api/) or as an HTML page; never a traceback."""
    if wants_json(request):
        body: dict[str, Any] = {"error": title, "message": message, "status": status}
        if hint:
            body["hint"] = hint
        if details:
            body["details"] = details
        return SafeJSONResponse(body, status_code=status)
    return page(
        request,
        "error.html",
        status,
        title=title,
        message=message,
        hint=hint,
        details=details or [],
    )
