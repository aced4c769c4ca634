#!/usr/bin/env bash
# Set up pynf on a fresh Debian machine: Python package (+ test extras), the Debian tools the
# real-run tests use (and Slurm for the `slurm` tests; the tests start the cluster themselves),
# and the embedded Nextflow engine from Maven Central.  Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

# command:Debian package (slurmctld/slurmd/sbatch + munged: the single-node cluster the `slurm` tests
# start with scripts/slurm-cluster.sh; chromium: the report tests render the execution report headless)
TOOLS=(samtools:samtools bwa:bwa seqtk:seqtk minimap2:minimap2 bgzip:tabix git:git
       slurmctld:slurm-wlm munged:munge fastp:fastp bcftools:bcftools wgsim:samtools
       chromium:chromium)
missing=()
for pair in "${TOOLS[@]}"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
if ! command -v java >/dev/null 2>&1; then
    missing+=(openjdk-17-jre-headless)
fi
if [ "${#missing[@]}" -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "pynf setup: installing ${missing[*]} from Debian" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python3 -m pip install -q --disable-pip-version-check -e ".[test]"
pynf engine install --quiet
