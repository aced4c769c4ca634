"""A tiny backend, as a plugin would write one: one module and one registration (``nfcli=tests.backends.nfcli:NfCli``).

It writes the bundle into a run directory and runs it with Nextflow's own command line
(``python -m pynf nextflow run``) in a subprocess, then reads the result back from the outdir's manifest.
Its one setting (the run root) is a constructor argument and a ``pynf run`` option.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from pynf.backends import Backend, RunSpec
from pynf.errors import RunFailed
from pynf.reload import load
from pynf.render.bundle import Bundle


class NfCli(Backend):
    """Runs a bundle with ``pynf nextflow run`` in a subprocess."""

    name = "nfcli"
    cli_options = ((("--nfcli-root",), {"help": "Where nfcli runs go (default: a temporary directory)."}),)

    def __init__(self, root: str | os.PathLike[str] | None = None):
        self.root = Path(root) if root else Path(tempfile.mkdtemp(prefix="nfcli-"))

    @classmethod
    def from_cli(cls, *, nfcli_root: str | None = None) -> NfCli:
        return cls(nfcli_root)

    def _submit(self, bundle: Bundle, spec: RunSpec):
        run_dir = Path(spec.run_dir) if spec.run_dir else self.root / uuid.uuid4().hex[:8]
        paths = spec.local_paths(run_dir.absolute(), bundle.param_values.get("outdir"))
        bundle.with_params(outdir=str(paths.outdir)).write(run_dir)
        args = ["nextflow", "run", "main.nf", "-params-file", "params.json", "-c", "nextflow.config",
                "-work-dir", str(paths.work_dir)] + (["-stub-run"] if spec.stub else [])
        done = subprocess.run([sys.executable, "-m", "pynf", *args], cwd=run_dir, capture_output=True, text=True,
                              timeout=spec.timeout or 600)
        if done.returncode != 0:
            raise RunFailed(f"nextflow run failed in {run_dir}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
        return load(paths.outdir)
