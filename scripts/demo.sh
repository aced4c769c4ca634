#!/usr/bin/env bash
# The main job: compile a module into its wrapper and run it on the embedded Nextflow engine.
# Makes a tiny FASTQ file, runs the seqtk_seq fixture module on it with `pynf run`, prints the
# outputs by channel and the converted FASTA.
set -euo pipefail
cd "$(dirname "$0")/.."
demo=$(mktemp -d "${TMPDIR:-/tmp}/pynf-demo.XXXXXX")
printf '@read1\nACGTACGTAC\n+\nIIIIIIIIII\n@read2\nTTGGCCAATT\n+\nIIIIIIIIII\n' > "$demo/reads.fastq"

set -x
pynf compile fixtures/modules/seqtk_seq --emit all --out "$demo/bundle" \
    --input 'meta={"id":"demo"}' --input fastx="$demo/reads.fastq"
pynf run fixtures/modules/seqtk_seq --input 'meta={"id":"demo"}' --input fastx="$demo/reads.fastq" \
    --outdir "$demo/results" --run-dir "$demo/run"
cat "$demo/results/demo.seqtk-seq.fasta"
