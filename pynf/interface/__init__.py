"""Module interfaces: what a caller depends on, as hashed data; diffs between them; the verified registry."""

from __future__ import annotations

from .diff import Change, InterfaceDiff, diff_interfaces
from .model import SCHEMA, Interface, interface_of, load_interface, render_card
from .registry import RegistryEntry, lookup, module_content_hash

__all__ = [
    "SCHEMA",
    "Change",
    "Interface",
    "InterfaceDiff",
    "RegistryEntry",
    "diff_interfaces",
    "interface_of",
    "load_interface",
    "lookup",
    "module_content_hash",
    "render_card",
]
