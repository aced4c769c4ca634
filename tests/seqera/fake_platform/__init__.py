"""A fake Seqera Platform for pynf's tests: loopback HTTP server, spec-checked, really runs launched wrappers."""

from .faults import Fault, Faults
from .runner import engine_available
from .server import FakePlatform
from .spec import SPEC_PATH, SpecChecker, spec_available

__all__ = ["FakePlatform", "Fault", "Faults", "SpecChecker", "SPEC_PATH", "spec_available", "engine_available"]
