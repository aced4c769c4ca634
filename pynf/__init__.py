"""pynf: compile a Nextflow module into a standalone wrapper and run it from Python."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
