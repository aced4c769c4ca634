"""Gathers (``pynf.collect``): every item of some upstream outputs as ONE value, so the step runs once.

``pynf.collect(fastp.out.json, stats.out.stats, wf.versions)`` given to a ``path`` element becomes::

    FASTP.out[1].flatMap { v -> pynfFiles([v[1]]) }
        .concat(BCFTOOLS_STATS.out[0].flatMap { v -> pynfFiles([v[1]]) }, pynf_versions_multiqc)
        .toList()

``concat`` keeps the sources in the order given (each source's items come in input order, see the
``fair`` directive), and ``toList`` makes one value even when there are no items (the step still runs
once).  ``wf.versions`` is the ``versions`` topic of the steps that feed it, deduplicated and written by
``collectFile`` as one YAML file ``{process: {tool: version}}`` (JSON syntax, which YAML reads) named
``*_mqc_versions.yml``, the name MultiQC reads software versions from.
"""

from __future__ import annotations

from collections.abc import Mapping

from pynf.compiler.ir import Channel
from pynf.errors import WiringError
from pynf.render.inputs import signature
from pynf.workflow.ops import Chain, Concat, Files, Line, Mix, Output, Pick, ToList, Var, VersionsFile, VersionsOf
from pynf.workflow.step import ChannelRef, Gather, Step, VersionsRef


__all__ = ["gather_expr", "versions_lines", "VERSIONS_FILE"]

_PATHS = ("path", "file")

#: Name of the merged versions file a gather of ``wf.versions`` hands on (``<step>`` filled in).
VERSIONS_FILE = "{step}_software_mqc_versions.yml"


def _kinds(ch: Channel) -> list[str]:
    return [e.kind for e in ch.elements] if ch.kind == "tuple" else [ch.elements[0].kind if ch.elements else ch.kind]


def _target(step: Step, ch: Channel, ei: int | None) -> str:
    label = f" element '{ch.elements[ei].label}'" if ei is not None else ""
    return f"step '{step.name}' input '{ch.key}' {signature(ch)}{label}"


def _source(step: Step, ch: Channel, ei: int | None, ref: ChannelRef, out: Chain, into_path: bool) -> Chain:
    kinds = _kinds(ref.channel)
    tuple_ = ref.channel.kind == "tuple"
    if not into_path:
        return out.then(Pick(ref.element)) if ref.element is not None and tuple_ else out
    picks = [ref.element] if ref.element is not None else [i for i, k in enumerate(kinds) if k in _PATHS]
    if not picks or any(kinds[i] not in _PATHS for i in picks):
        have = kinds[ref.element] if ref.element is not None else ", ".join(kinds)
        raise WiringError(f"kind mismatch: step '{ref.step.name}' output '{ref.channel.key}' "
                          f"{signature(ref.channel)} gives no files ({have}) but {_target(step, ch, ei)} gathers "
                          "files", step=step.name, upstream=ref.step.name)
    return out.then(Files(tuple(picks) if tuple_ else None))


def gather_expr(step: Step, ch: Channel, ei: int | None, kind: str, gather: Gather, procs: Mapping[str, str],
                versions_var: str) -> Chain:
    """The channel expression (one value: a list) that ``gather`` gives element ``ei`` of input ``ch``."""
    into_path = kind in _PATHS
    parts = []
    for src in gather.sources:
        if isinstance(src, VersionsRef):
            if not into_path:
                raise WiringError(f"{_target(step, ch, ei)} is `{kind}`: wf.versions is gathered as a file, give it "
                                  "to a path element", step=step.name)
            parts.append(Chain(Var(versions_var)))
            continue
        if src.step is step:
            raise WiringError(f"step '{step.name}' cannot gather its own output '{src.channel.key}'", step=step.name)
        out = Chain(Output(procs[src.step.name], src.step.process.outputs.index(src.channel)))
        parts.append(_source(step, ch, ei, src, out, into_path))
    first, rest = parts[0], parts[1:]
    return first.then(Concat(tuple(rest)), ToList()) if rest else first.then(ToList())


def versions_lines(step: Step, procs: Mapping[str, str], var: str) -> list[Line]:
    """``def <var> = ...``: the merged versions of the steps that feed ``step``'s ``wf.versions``, as one file."""
    sources = []
    for up in step.versions_steps():
        for i in up.versions_outputs():
            out = Chain(Output(procs[up.name], i))
            sources.append(out if up.process.outputs[i].topic == "versions" else out.then(VersionsOf()))
    return [Line(var, Chain(Mix(tuple(sources)), (VersionsFile(VERSIONS_FILE.format(step=step.name)),)))]
