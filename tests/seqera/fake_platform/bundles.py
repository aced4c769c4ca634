"""Small hand-written wrapper bundles (same contract as pynf's generated wrappers) for the Seqera tests.

They follow CONTRACTS.md: inputs arrive as ``params.pynf_inputs``, outputs are published to
``params.outdir`` and listed in ``<outdir>/pynf-manifest.json``. Used until/besides compiled modules.
"""

from __future__ import annotations

from pathlib import Path

from pynf.render.bundle import Bundle

__all__ = ["upper_bundle", "failing_bundle", "sleepy_bundle", "UPPER_NF"]

UPPER_NF = r'''
process UPPER {
    tag "${meta.id}"

    input:
    tuple val(meta), path(reads)

    output:
    tuple val(meta), path("${meta.id}.upper.txt"), emit: upper
    path "${meta.id}.lines.txt", emit: lines

    script:
    """
    tr a-z A-Z < ${reads} > ${meta.id}.upper.txt
    wc -l < ${reads} | tr -d " " > ${meta.id}.lines.txt
    """

    stub:
    """
    touch ${meta.id}.upper.txt ${meta.id}.lines.txt
    """
}

def published(p) {
    return file(params.outdir.toString()).resolve(p.getFileName().toString()).toString()
}

workflow {
    def entry = params.pynf_inputs.find { e -> e.name == '0' }
    def items = entry.items.collect { item -> [item[0], file(item[1].toString(), checkIfExists: true)] }
    UPPER(entry.mode == 'queue' ? channel.fromList(items) : channel.value(items[0]))
    def upper = UPPER.out.upper.map { meta, f -> [[kind: 'val', value: meta], [kind: 'path', value: published(f)]] }
        .toList().map { xs -> ['upper', xs] }
    def lines = UPPER.out.lines.map { f -> [[kind: 'path', value: published(f)]] }
        .toList().map { xs -> ['lines', xs] }
    upper.mix(lines).toList().subscribe { entries ->
        def outputs = [:]
        entries.each { e -> outputs.put(e[0], e[1]) }
        def manifest = [pynf: 1, process: 'UPPER', outputs: outputs, topics: [:]]
        def out = file(params.outdir.toString())
        out.mkdirs()
        out.resolve('pynf-manifest.json').text = groovy.json.JsonOutput.toJson(manifest) + '\n'
    }
}
'''

CONFIG = """
process {
    withName: 'UPPER' {
        publishDir = [path: { params.outdir }, mode: 'copy']
    }
}
"""

FAIL_NF = r"""
process BROKEN {
    input:
    val x

    output:
    path "never.txt"

    script:
    '''
    echo "tool exploded on purpose" >&2
    exit 3
    '''
}

workflow {
    BROKEN(channel.value(params.pynf_inputs[0].items[0][0]))
}
"""

SLEEP_NF = r"""
process NAP {
    input:
    val seconds

    output:
    stdout

    script:
    "sleep ${seconds}; echo rested"
}

workflow {
    NAP(channel.value(params.pynf_inputs[0].items[0][0]))
}
"""


def upper_bundle(reads: dict[str, Path], *, outdir: str | None = None, module_id: str = "test/upper") -> Bundle:
    """UPPER over a queue of (meta, file) items: uppercases each file, counts lines of the last."""
    items = [[{"id": sample}, str(path)] for sample, path in reads.items()]
    params: dict = {"pynf_inputs": [{"name": "0", "mode": "queue", "items": items}]}
    if outdir is not None:
        params["outdir"] = outdir
    return Bundle(module_id=module_id, process="UPPER", main_nf=UPPER_NF, param_values=params,
                  config_text=CONFIG)


def failing_bundle() -> Bundle:
    """A process that exits 3 (the run ends FAILED)."""
    params = {"pynf_inputs": [{"name": "0", "mode": "value", "items": [["x"]]}], "outdir": "results"}
    return Bundle(module_id="test/broken", process="BROKEN", main_nf=FAIL_NF, param_values=params,
                  config_text="")


def sleepy_bundle(seconds: int = 120) -> Bundle:
    """A process that sleeps (for cancel and interrupt tests)."""
    params = {"pynf_inputs": [{"name": "0", "mode": "value", "items": [[seconds]]}], "outdir": "results"}
    return Bundle(module_id="test/nap", process="NAP", main_nf=SLEEP_NF, param_values=params,
                  config_text="")
