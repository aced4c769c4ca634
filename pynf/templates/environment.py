"""The one Jinja environment pynf renders with: strict, deterministic, no autoescape surprises.

``StrictUndefined`` turns a missing variable into an error instead of an empty string;
``keep_trailing_newline`` keeps files ending in a newline; templates never read clocks or
environment variables, and they iterate only over sequences the renderer has already sorted
(or that follow source order), so the same inputs always give byte-identical text.
"""

from __future__ import annotations

from typing import Any

import jinja2

from pynf.templates.groovy import groovy_literal, groovy_string

__all__ = ["ENVIRONMENT", "render_template"]


def _make_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pynf", "templates"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        auto_reload=False,
    )
    env.filters["groovy"] = groovy_literal
    env.filters["groovy_string"] = groovy_string
    return env


#: The single Environment every pynf template is rendered with.
ENVIRONMENT = _make_environment()


def render_template(name: str, **context: Any) -> str:
    """Render the packaged template ``name`` with ``context`` (missing names are errors)."""
    return ENVIRONMENT.get_template(name).render(**context)
