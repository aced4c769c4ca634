"""The ``pynf`` command line (click). :func:`main` is the console script's entry point."""

from pynf.cli.main import cli, main

__all__ = ["cli", "main"]
