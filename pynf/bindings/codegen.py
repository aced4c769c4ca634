"""The source text of one module's binding file: pin, item NamedTuples, typed result / outputs / step classes,
and the function (two overloads: a run, or a step added to a workflow). Deterministic: the same module gives
the same text, byte for byte."""

from __future__ import annotations

import textwrap

from .docs import function_doc, module_doc
from .model import RUN_CONTROLS, STEP_CONTROLS, Binding, Output, Param

__all__ = ["module_source"]

_IMPORTS = '''from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, NamedTuple

from pynf.bindings.runtime import (Backend, Binding, BindingOutputs, BindingResult, BindingStep, Chan, Flow, Meta,
                                   PathArg, PathLike, Pin, Queue, RunOptions, Scalar, Workflow)
'''


def _names(b: Binding) -> dict[str, str]:
    stem = b.stem
    base = {"result": f"{stem}Result", "outputs": f"{stem}Outputs", "step": f"{stem}Step",
            "binding": f"{stem}Binding"}
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


def _signature(b: Binding, step: bool) -> list[str]:
    """Parameter lines of ``__call__`` (a run) or of ``step`` (a workflow step: inputs also take channel refs)."""
    out = ["self", f"{b.controls['workflow']}: Workflow"] if step else ["self"]
    out.append("*")
    for p in b.params:
        out.append(f"{p.name}: {_param_type(p, step)}" + (" = None" if p.tuple_element else ""))
    for name, typ, default in STEP_CONTROLS if step else RUN_CONTROLS:
        out.append(f"{b.controls[name]}: {typ} = {default}")
    return out


def _method(b: Binding, step: bool, returns: str, doc: str, call: str) -> str:
    params = ",\n".join(" " * 12 + p for p in _signature(b, step))
    name = "step" if step else "__call__"
    return "\n".join([f"    def {name}(\n{params},\n    ) -> {returns}:",
                      textwrap.indent(_doc_block(doc), "        "), f"        return {call}"])


def _binding_class(b: Binding, names: dict[str, str]) -> str:
    doc = function_doc(b)
    step_doc = (f"Add a {b.module_id} step to ``{b.controls['workflow']}`` (a pynf.Workflow) and return it: its "
                "``out`` holds typed channel\nreferences other steps take as inputs. Inputs as for a run, and also "
                "channel references (``other.out.NAME``)\nor gathers (``pynf.collect(...)``).")
    head = [f"class {names['binding']}(Binding[{names['result']}, {names['step']}]):",
            textwrap.indent(_doc_block(doc), "    "), ""]
    run_doc = (f"Run {b.module_id} (pynf.run) and return its typed result; the inputs and outputs are described "
               "in the\nbinding's docstring (``help(binding)``).")
    run = _method(b, False, names["result"], run_doc, "self._run(locals())")
    add = _method(b, True, names["step"], step_doc,
                  f"self._step({b.controls['workflow']}, locals())")
    return "\n".join(head) + "\n" + run + "\n\n" + add


def _doc_block(text: str) -> str:
    body = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return f'"""{body}\n"""'


def _instance(b: Binding, names: dict[str, str]) -> str:
    params = ", ".join(f"{p.name!r}: ({p.key!r}, {p.tuple_element})" for p in b.params)
    controls = ", ".join(f"{k!r}: {v!r}" for k, v in b.controls.items())
    return (f"{b.function} = {names['binding']}(\n    {b.function!r}, PIN, {{{params}}},\n    {{{controls}}},\n"
            f"    {names['result']}, {names['step']})")


def module_source(b: Binding) -> str:
    """The whole binding file for ``b``."""
    names = _names(b)
    exported = [b.function, names["binding"], names["result"], names["step"], names["outputs"]] + [
        names["item:" + o.attr] for o in b.outputs if o.item_class]
    pin = (f"PIN = Pin(module={b.module!r}, module_id={b.module_id!r}, process={b.process!r},\n"
           f"          select_process={b.select_process!r}, sha={b.sha!r},\n"
           f"          interface_hash={b.interface_hash!r},\n"
           f"          interface={b.interface!r})")
    blocks = [_doc_block(module_doc(b)), _IMPORTS.rstrip(), f"__all__ = {sorted(exported)!r}", pin]
    blocks += [_item_class(o, names["item:" + o.attr]) for o in b.outputs if o.item_class]
    blocks += [_result_class(b, names), _outputs_class(b, names), _step_class(b, names), _binding_class(b, names),
               _instance(b, names)]
    return "\n\n\n".join(blocks) + "\n"
