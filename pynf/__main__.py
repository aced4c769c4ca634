"""``python -m pynf``: the ``pynf`` command line."""

from pynf.cli import main

main()
