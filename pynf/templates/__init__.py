"""Jinja templates for the bundle files (wrapper main.nf, nextflow.config) and their one Environment."""

from pynf.templates.environment import ENVIRONMENT, render_template

__all__ = ["ENVIRONMENT", "render_template"]
