"""Check requests and responses against the official Seqera Platform OpenAPI spec (openapi-core).

Two deliberate patches, applied to a copy of the spec, where spec 1.181.0 cannot be satisfied:
- ``Iterator_String_`` (``LogPage.entries``) is declared ``type: object``, while the platform and its
  Java SDK send a JSON array of strings; the fake sends what the platform sends, so it becomes an array.
- the 400 answer of ``POST /workflow/launch`` is ``oneOf: [ErrorResponse,
  WorkflowLaunchValidationErrorResponse]``; every body matches both (open objects, ``errors`` optional),
  so ``oneOf`` rejects all of them; it is read as ``anyOf``.
On top of openapi-core, requests are also checked for query parameters and body properties the spec
does not declare (catches misspelled names, which the spec's open objects would let through).
"""

from __future__ import annotations

import copy
import json
import threading
from functools import lru_cache
from typing import Any

from ...paths import SHARED

__all__ = ["SPEC_PATH", "spec_available", "SpecChecker"]

#: The spec file in the shared folder (../shared next to the checkout, or $PYNF_SHARED_DIR).
SPEC_PATH = SHARED / "seqera" / "seqera-api-1.181.0.yaml"


def spec_available() -> bool:
    """True when the shared spec file exists beside the repository."""
    return SPEC_PATH.is_file()


@lru_cache(maxsize=1)
def _spec_dict() -> dict:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(SPEC_PATH, encoding="utf-8") as fh:
        spec = yaml.load(fh, Loader=loader)
    spec = copy.deepcopy(spec)
    spec["components"]["schemas"]["Iterator_String_"] = {"type": "array", "items": {"type": "string"}}
    bad = spec["paths"]["/workflow/launch"]["post"]["responses"]["400"]["content"]["application/json"]["schema"]
    bad["anyOf"] = bad.pop("oneOf")
    return spec


def _error_text(err: BaseException) -> str:
    """Short description of an openapi-core error: its type/message and each schema error's location."""
    parts = [f"{type(err).__name__}"]
    details = []
    cause: BaseException | None = err
    while cause is not None:
        for sub in getattr(cause, "schema_errors", None) or []:
            path = "/".join(str(p) for p in getattr(sub, "absolute_path", []) or [])
            details.append(f"at {path or '<root>'}: {str(getattr(sub, 'message', sub))[:200]}")
        cause = cause.__cause__
    if not details:
        parts.append(str(err)[:300])
    return " ".join(parts + details)


class SpecChecker:
    """Validates one request/response pair; returns a list of human-readable problems (empty = valid)."""

    def __init__(self) -> None:
        from openapi_core import Config, OpenAPI

        self.spec = _spec_dict()
        self.api = OpenAPI.from_dict(self.spec, config=Config(spec_validator_cls=None))
        self._lock = threading.Lock()
        self.checked = 0  # responses validated (so tests can prove checking happened)

    def _request(self, method: str, path: str, query: dict[str, list[str]], headers: dict[str, str],
                 body: bytes | None):
        from openapi_core.testing import MockRequest
        from werkzeug.datastructures import ImmutableMultiDict

        req = MockRequest("http://127.0.0.1", method.lower(), path, headers=headers, data=body or b"",
                          content_type=headers.get("Content-Type", "application/json"))
        req.parameters.query = ImmutableMultiDict([(k, v) for k, vs in query.items() for v in vs])
        return req

    def check_request(self, method: str, path: str, query: dict[str, list[str]], headers: dict[str, str],
                      body: bytes | None) -> list[str]:
        """Problems with a request (path known, parameters, security, body schema, undeclared fields)."""
        req = self._request(method, path, query, headers, body)
        with self._lock:
            problems = [_error_text(e) for e in self.api.iter_request_errors(req)]
        op = self.operation(method, path)
        if not problems and op is not None:
            declared = {p.get("name") for p in op.get("parameters") or [] if p.get("in") == "query"}
            problems += [f"undeclared query parameter {name!r}" for name in query if name not in declared]
        if not problems and body:
            schema = (((op or {}).get("requestBody") or {}).get("content") or {}).get("application/json", {})
            if schema.get("schema"):
                problems += self._undeclared(json.loads(body), schema["schema"], "body")
        return problems

    def check_response(self, method: str, path: str, query: dict[str, list[str]], headers: dict[str, str],
                       body: bytes | None, status: int, response_body: bytes,
                       content_type: str = "application/json") -> list[str]:
        """Problems with a response to the given request (status declared, body schema)."""
        from openapi_core.testing import MockResponse

        req = self._request(method, path, query, headers, body)
        resp = MockResponse(response_body, status_code=status, content_type=content_type)
        with self._lock:
            return [_error_text(e) for e in self.api.iter_response_errors(req, resp)]

    def operation(self, method: str, path: str) -> dict | None:
        """The spec's operation object for a concrete path (templated segments matched)."""
        segs = path.strip("/").split("/")
        for template, item in self.spec["paths"].items():
            tsegs = template.strip("/").split("/")
            if len(tsegs) == len(segs) and all(t == s or (t.startswith("{") and t.endswith("}"))
                                               for t, s in zip(tsegs, segs)):
                if method.lower() in item:
                    return item[method.lower()]
        return None

    def _resolve(self, schema: dict) -> dict:
        while "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            schema = self.spec["components"]["schemas"][name]
        return schema

    def _properties(self, schema: dict) -> tuple[dict, bool]:
        """Declared properties of an object schema (allOf merged) and whether extra ones are allowed."""
        schema = self._resolve(schema)
        props = dict(schema.get("properties") or {})
        open_ = "additionalProperties" in schema and schema["additionalProperties"] is not False
        for sub in schema.get("allOf") or []:
            p, o = self._properties(sub)
            props.update(p)
            open_ = open_ or o
        return props, open_

    def _undeclared(self, value: Any, schema: dict, where: str) -> list[str]:
        schema = self._resolve(schema)
        out: list[str] = []
        if isinstance(value, dict):
            props, open_ = self._properties(schema)
            if not props and not schema.get("allOf"):
                return out  # free-form object
            for k, v in value.items():
                if k in props:
                    out += self._undeclared(v, props[k], f"{where}.{k}")
                elif not open_:
                    out.append(f"undeclared property {where}.{k}")
        elif isinstance(value, list) and "items" in schema:
            for i, v in enumerate(value):
                out += self._undeclared(v, schema["items"], f"{where}[{i}]")
        return out
