"""The read-only web dashboard: HTML pages and a JSON API over a project's state.

``stackctl dashboard`` calls :func:`stackctl.dashboard.serve.serve`; tests build the ASGI
app with :func:`stackctl.dashboard.app.create_app`. Starlette, uvicorn and jinja2 come with
the ``dashboard`` extra and are imported only here, never by the rest of stackctl.
"""
