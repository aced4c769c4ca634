"""A compiled bundle: the wrapper ``main.nf``, its params (data) and config text, and sidecar files.

A bundle is what every backend runs.  ``content_hash`` covers the wrapper and the sidecars
(not params or config), so the same module always maps to the same hash.  Its params are data: a deeply
immutable mapping (``param_values``, a :class:`~pynf.render.params.Params`) copied from what it is given; a
backend that changes them (outdir, staged inputs) makes a new bundle with :meth:`Bundle.with_params`.  They
become text once, when the bundle is written (``params.json``) or sent (``params_text``, cached).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any
from pathlib import Path

from pynf.errors import BundleError
from pynf.render.params import Params, freeze_params, params_from_text, params_text

__all__ = ["Bundle", "MANIFEST_NAME", "Params", "params_from_text", "params_text"]

#: File name of the output manifest the wrapper writes into the outdir.
MANIFEST_NAME = "pynf-manifest.json"


@dataclass(frozen=True)
class Bundle:
    """Everything needed to run one module process: write it to a directory and launch ``main.nf``."""

    module_id: str
    process: str
    main_nf: str
    #: the params: given as any mapping with string keys and JSON values, kept as a frozen copy (a ``Params``)
    param_values: Mapping[str, Any]
    config_text: str
    sidecars: tuple[tuple[str, bytes], ...] = ()
    executables: frozenset[str] = field(default_factory=frozenset)
    #: What rendering dropped or changed (also issued as :class:`~pynf.errors.RenderWarning`).
    warnings: tuple[str, ...] = field(default=(), compare=False)
    #: element kinds of each input channel by key (``(("0", ("val", "path")), ...)``): tells which values
    #: in ``pynf_inputs`` are paths (remote backends stage those); not part of ``content_hash``
    input_kinds: tuple[tuple[str, tuple[str, ...]], ...] = ()
    steps: tuple[str, ...] = ()  # a workflow's step names (empty for one module); ``process`` lists their processes

    def __post_init__(self) -> None:
        object.__setattr__(self, "param_values", freeze_params(self.param_values))  # BundleError unless JSON

    def with_params(self, params: Mapping[str, Any] | None = None, **changes: Any) -> Bundle:
        """A copy whose params are ``params`` (default: these) updated with ``changes``."""
        data = dict(self.param_values if params is None else params)
        data.update(changes)
        return replace(self, param_values=data)

    @cached_property
    def params_text(self) -> str:
        """The params as JSON text (:func:`~pynf.render.params.params_text`), serialized once, on first use."""
        return params_text(self.param_values)

    def __repr__(self) -> str:
        """One line: what the bundle wraps and its content hash (never the script itself)."""
        steps = f", steps={len(self.steps)}" if self.steps else ""
        return (f"Bundle(module_id={self.module_id!r}, process={self.process!r}, content_hash={self.content_hash!r}, "
                f"files={len(self.file_names())}{steps})")

    @property
    def content_hash(self) -> str:
        """SHA-256 (hex, first 16 chars) of the wrapper and sidecars, independent of inputs."""
        h = hashlib.sha256()
        h.update(self.main_nf.encode())
        for rel, data in sorted(self.sidecars):
            h.update(b"\0" + rel.encode() + b"\0")
            h.update(hashlib.sha256(data).digest())
        return h.hexdigest()[:16]

    def params(self) -> dict:
        """The params as a fresh dict of their own (change it freely; see :attr:`param_values`)."""
        return self.param_values.to_dict()

    def params_file_text(self, name: str = "params.json") -> str:
        """The params as the file ``name`` holds them: YAML for ``.yaml``/``.yml``, else the JSON params text."""
        if name.endswith((".yaml", ".yml")):
            import yaml

            return yaml.safe_dump(self.params(), sort_keys=False, allow_unicode=True, default_flow_style=False,
                                  width=1000)
        return self.params_text

    def file_names(self, *, params_name: str = "params.json", config_name: str = "nextflow.config") -> list[str]:
        """The relative paths :meth:`files` gives, sorted (without making the files' contents)."""
        return sorted({"main.nf", params_name, config_name, *dict(self.sidecars)})

    def files(self, *, params_name: str = "params.json", config_name: str = "nextflow.config") -> dict[str, bytes]:
        """All files of the bundle by relative path, sorted."""
        out = {"main.nf": self.main_nf.encode(), params_name: self.params_file_text(params_name).encode(),
               config_name: self.config_text.encode()}
        out.update(dict(self.sidecars))
        return dict(sorted(out.items()))

    def write(self, directory: str | os.PathLike[str], **names: str) -> Path:
        """Write the bundle into ``directory`` (created if needed) and return its path; ``BundleError`` if it cannot."""
        root = Path(directory)
        try:
            root.mkdir(parents=True, exist_ok=True)
            for rel, data in self.files(**names).items():
                target = root / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
                if rel in self.executables:
                    target.chmod(0o755)
        except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
            raise BundleError(f"cannot write the bundle into {str(directory)!r}: {exc}") from None
        return root

    def to_bundle(self) -> Bundle:
        """A bundle is its own run target (:class:`~pynf.backends.spec.Target`)."""
        return self
