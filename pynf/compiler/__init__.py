"""The compiler front end: ``parse(path) -> Module`` (Lark LALR grammar + meta.yml docs)."""

from __future__ import annotations

from pynf.compiler.ir import Channel, Directive, Element, ElementDoc, ExtUse, Module, Position, Process, Section, TopLevel, to_json_dict
from pynf.compiler.parser import parse, parse_source

__all__ = [
    "parse",
    "parse_source",
    "Module",
    "Process",
    "Channel",
    "Element",
    "ElementDoc",
    "Directive",
    "ExtUse",
    "Section",
    "TopLevel",
    "Position",
    "to_json_dict",
]
