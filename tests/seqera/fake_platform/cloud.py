"""The fake platform's stand-in for a cloud executor's file staging (AWS Batch + nf-amazon).

A real compute environment with an ``s3://`` work dir runs Nextflow with the nf-amazon plugin: tasks read
``s3://`` inputs and publish to an ``s3://`` outdir themselves. That plugin cannot be fetched offline, so
the fake does the same transfers around a local Nextflow run, through s3fs against the test's S3 server
(moto on 127.0.0.1, found through ``AWS_ENDPOINT_URL``):

* every ``s3://`` value in ``pynf_inputs`` is downloaded into the run's folder and the local copy is
  what Nextflow sees (the launch record keeps the paramsText as sent);
* an ``s3://`` work dir maps to a local folder (one per URI, so ``-resume`` finds its cache);
* an ``s3://`` outdir is replaced by a local one; after a successful run its files are uploaded to the
  outdir and the manifest lists them as ``s3://`` URIs (what the wrapper writes through nf-amazon).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

__all__ = ["CloudStaging"]

_PREFIX = "s3://"


def _s3():
    import s3fs

    return s3fs.S3FileSystem(skip_instance_cache=True)


class CloudStaging:
    """Transfers for one run; ``root`` is the run's folder on the fake platform."""

    def __init__(self, root: Path, params: dict, work_dir: str):
        self.root = root
        self.params = params
        self.work_dir = work_dir
        self.remote_outdir: str | None = None
        self.local_outdir: Path | None = None
        self._fs = None

    @property
    def fs(self):
        if self._fs is None:
            self._fs = _s3()
        return self._fs

    @property
    def needed(self) -> bool:
        return _PREFIX in json.dumps(self.params) or self.work_dir.startswith(_PREFIX)

    def _fetch(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self._fetch(v) for v in value]
        if isinstance(value, dict):
            return {k: self._fetch(v) for k, v in value.items()}
        if isinstance(value, str) and value.startswith(_PREFIX):
            key = value[len(_PREFIX):]
            local = self.root / "staged-inputs" / key
            local.parent.mkdir(parents=True, exist_ok=True)
            if self.fs.isdir(key):
                self.fs.get(key.rstrip("/") + "/", str(local) + "/", recursive=True)
            else:
                self.fs.get_file(key, str(local))
            return str(local)
        return value

    def before(self) -> tuple[dict, str]:
        """(params Nextflow runs with, its local work dir)."""
        params = dict(self.params)
        params["pynf_inputs"] = self._fetch(params.get("pynf_inputs") or [])
        outdir = str(params.get("outdir") or "")
        if outdir.startswith(_PREFIX):
            self.remote_outdir = outdir.rstrip("/")
            self.local_outdir = self.root / "outdir"
            params["outdir"] = str(self.local_outdir)
        work = self.work_dir
        if work.startswith(_PREFIX):
            work = str(self.root.parent.parent / "cloud-work" / hashlib.sha256(work.encode()).hexdigest()[:12])
        return params, work

    def after(self) -> None:
        """Upload the local outdir to the ``s3://`` outdir, manifest paths rewritten to their URIs."""
        if self.local_outdir is None or not self.local_outdir.is_dir():
            return
        local = str(self.local_outdir)
        manifest = self.local_outdir / "pynf-manifest.json"
        if manifest.is_file():
            manifest.write_text(manifest.read_text().replace(json.dumps(local)[1:-1], self.remote_outdir))
        for path in sorted(self.local_outdir.rglob("*")):
            if path.is_file():
                rel = path.relative_to(self.local_outdir).as_posix()
                self.fs.put_file(str(path), f"{self.remote_outdir[len(_PREFIX):]}/{rel}")
