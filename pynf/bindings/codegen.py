"""The source text of one module's binding file: pin, item NamedTuples, typed result / outputs / step classes,
and the function (two overloads: a run, or a step added to a workflow). Deterministic: the same module gives
the same text, byte for byte."""

from __future__ import annotations

import textwrap

from .docs import function_doc, module_doc
from .model import CONTROL_DEFAULTS, CONTROLS, Binding, Output, Param

__all__ = ["module_source"]

_IMPORTS = '''from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, NamedTuple, overload

from pynf.bindings.runtime import (BindingOutputs, BindingResult, BindingStep, Bound, Chan, Flow, Meta, PathArg,
                                   PathLike, Pin, Queue, RunOptions, Scalar, Workflow)
'''


def _names(b: Binding) -> dict[str, str]:
    stem = b.stem
    base = {"result": f"{stem}Result", "outputs": f"{stem}Outputs", "step": f"{stem}Step"}
    taken = set(base.values())
    for o in b.outputs:
        if o.item_class:
            name = o.item_class
            while name in taken:
                name += "Item"
            taken.add(name)
            base["item:" + o.attr] = name
    return base


def _item_class(o: Output, name: str) -> str:
    lines = [f"class {name}(NamedTuple):", f'    """One item of output ``{o.key}``."""', ""]
    for f in o.fields:
        lines.append(f"    {f.name}: {f.type}")
        if f.doc:
            lines.append(f"    {_doc_literal(f.doc)}")
    return "\n".join(lines)


def _doc_literal(text: str) -> str:
    """``text`` as a one-line docstring literal that is safe whatever it holds."""
    body = " ".join(text.split()).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if body.endswith('"'):
        body += " "
    return f'"""{body}"""'


def _item_type(o: Output, names: dict[str, str]) -> str:
    return names.get("item:" + o.attr) or o.fields[0].type


def _result_class(b: Binding, names: dict[str, str]) -> str:
    lines = [f"class {names['result']}(BindingResult):",
             f'    """The result of ``{b.module_id}``: one list of typed items per output, plus the run\'s fields."""',
             ""]
    for o in b.outputs:
        lines.append(f"    {o.attr}: list[{_item_type(o, names)}]")
        flags = ", ".join(x for x in ("optional" if o.optional else "", f"topic {o.topic}" if o.topic else "") if x)
        lines.append(f"    {_doc_literal(f'output {o.key}' + (f' ({flags})' if flags else ''))}")
    entries = ", ".join(f"{o.attr!r}: ({o.key!r}, {names.get('item:' + o.attr, 'None')})" for o in b.outputs)
    lines.append(f"    _OUTPUTS = {{{entries}}}")
    return "\n".join(lines)


def _outputs_class(b: Binding, names: dict[str, str]) -> str:
    lines = [f"class {names['outputs']}(BindingOutputs):",
             f'    """``step.out`` of a ``{b.module_id}`` step: a typed channel reference per output."""', ""]
    for o in b.outputs:
        lines.append(f"    {o.attr}: Chan[{_item_type(o, names)}]")
    keys = ", ".join(f"{o.attr!r}: {o.key!r}" for o in b.outputs)
    lines.append(f"    _KEYS = {{{keys}}}")
    return "\n".join(lines)


def _step_class(b: Binding, names: dict[str, str]) -> str:
    return "\n".join([
        f"class {names['step']}(BindingStep[{names['result']}]):",
        f'    """A ``{b.module_id}`` step of a workflow: ``out`` holds typed channel references."""', "",
        f"    out: {names['outputs']}",
        f"    _RESULT = {names['result']}",
        f"    _OUT = {names['outputs']}",
    ])


def _param_type(p: Param, flow: bool) -> str:
    parts = [p.type]
    if p.queue:
        parts.append("Queue")
    if flow:
        parts.append("Flow")
    if p.tuple_element:
        parts.append("None")
    return " | ".join(parts)


def _signature(b: Binding, mode: str) -> list[str]:
    """Parameter lines for ``mode``: ``run`` (overload), ``step`` (overload) or ``impl`` (both)."""
    out = ["*"]
    for p in b.params:
        default = " = None" if p.tuple_element else ""
        out.append(f"{p.name}: {_param_type(p, mode != 'run')}{default}")
    for name, run_type, step_type in CONTROLS:
        py = b.controls[name]
        if mode == "run":
            out.append(f"{py}: {run_type} = {CONTROL_DEFAULTS[name]}")
        elif mode == "step" and step_type is not None:
            out.append(f"{py}: {step_type}" + ("" if name == "workflow" else f" = {CONTROL_DEFAULTS[name]}"))
        elif mode == "impl":
            typ = "Workflow | None" if name == "workflow" else (
                "str | None" if name == "name" else run_type)
            out.append(f"{py}: {typ} = {CONTROL_DEFAULTS[name]}")
    return out


def _def(b: Binding, mode: str, returns: str, body: list[str]) -> str:
    params = ",\n".join(" " * 8 + p for p in _signature(b, mode))
    head = ["@overload"] if mode != "impl" else []
    return "\n".join(head + [f"def {b.function}(\n{params},\n) -> {returns}:"] + body)


def _function(b: Binding, names: dict[str, str]) -> str:
    doc = textwrap.indent(_doc_block(function_doc(b)), "    ")
    parts = [
        _def(b, "run", names["result"], ["    ..."]),
        _def(b, "step", names["step"], ["    ..."]),
        _def(b, "impl", f"{names['result']} | {names['step']}", [doc, "    return _BOUND(locals())"]),
    ]
    return "\n\n\n".join(parts)


def _doc_block(text: str) -> str:
    body = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return f'"""{body}\n"""'


def _bound(b: Binding, names: dict[str, str]) -> str:
    params = ", ".join(f"{p.name!r}: ({p.key!r}, {p.tuple_element})" for p in b.params)
    controls = ", ".join(f"{k!r}: {v!r}" for k, v in b.controls.items())
    return (f"_BOUND = Bound(PIN, {{{params}}},\n               {{{controls}}},\n"
            f"               {names['result']}, {names['step']})")


def module_source(b: Binding) -> str:
    """The whole binding file for ``b``."""
    names = _names(b)
    exported = [b.function, names["result"], names["step"], names["outputs"]] + [
        names["item:" + o.attr] for o in b.outputs if o.item_class]
    pin = (f"PIN = Pin(module={b.module!r}, module_id={b.module_id!r}, process={b.process!r},\n"
           f"          select_process={b.select_process!r}, sha={b.sha!r},\n"
           f"          interface_hash={b.interface_hash!r},\n"
           f"          interface={b.interface!r})")
    blocks = [_doc_block(module_doc(b)), _IMPORTS.rstrip(), f"__all__ = {sorted(exported)!r}", pin]
    blocks += [_item_class(o, names["item:" + o.attr]) for o in b.outputs if o.item_class]
    blocks += [_result_class(b, names), _outputs_class(b, names), _step_class(b, names), _function(b, names),
               _bound(b, names)]
    return "\n\n\n".join(blocks) + "\n"
