"""Issue 21 item 10: the key a local input is uploaded to is the key paramsText names, for every legal
file name (``?``, ``#``, ``%``, spaces, unicode ...), checked against a real S3 API on 127.0.0.1."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pynf.backends.staging.stage import Stager, safe_name, stage_bundle
from pynf.render.compile import compile_bundle
from pynf.render.inputs import Queue

from .s3server import BUCKET, s3  # noqa: F401
from .test_seqera_staging import CATUP

_TRICKY = "?#%& \t'\"[]{}*!$;:\\=+,@~^`|<>()\u00e9\u00df\u4e2d\u0301\u200b\U0001F600.-_"
#: legal file names: any characters but "/" and NUL, not "." or "..", at most 255 bytes
NAMES = st.text(alphabet=st.one_of(st.sampled_from(_TRICKY), st.characters(blacklist_characters="/\0",
                                                                            blacklist_categories=("Cs",))),
                min_size=1, max_size=40).filter(lambda n: n not in (".", "..") and len(n.encode()) <= 255)


def _key(uri: str) -> str:
    assert uri.startswith("s3://")
    return uri[len("s3://"):]


def _check_round_trip(s3, path: Path, uri: str) -> None:
    key = _key(uri)
    assert f"/{key}" in s3.puts(key)  # the server received a PUT of exactly this key (now or earlier)
    assert s3.fs().cat_file(key) == path.read_bytes()  # the URI names the uploaded object
    assert uri.rsplit("/", 1)[1] == safe_name(path.name)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=NAMES)
def test_every_legal_file_name_round_trips(s3, tmp_path_factory, name):
    folder = tmp_path_factory.mktemp("names")
    path = folder / name
    path.write_bytes(name.encode("utf-8", "surrogatepass") + b"\n")
    uri = Stager(f"s3://{BUCKET}/stage").stage([str(path)]).staged[str(path)]
    _check_round_trip(s3, path, uri)
    safe = all(c.isalnum() or c in "._-+=,@~" for c in name)
    assert (uri.rsplit("/", 1)[1] == name) == safe  # a plain name is kept as it is


def test_the_reported_name_is_uploaded_where_params_text_points(s3, tmp_path):
    module = tmp_path / "catup" / "main.nf"
    module.parent.mkdir()
    module.write_text(CATUP)
    reads = tmp_path / "q?versionId=1.fq"
    reads.write_text("acgt\n")
    other = tmp_path / "s 2#frag%41.fq"
    other.write_text("ttgg\n")
    bundle = compile_bundle(module, module_id="test/catup", inputs={"0": Queue([
        {"meta": {"id": "s1"}, "reads": str(reads)}, {"meta": {"id": "s2"}, "reads": str(other)}])})
    staged, report = stage_bundle(bundle, staging_dir=None, work_dir=f"s3://{BUCKET}/work")
    (_, uri1), (_, uri2) = staged.params()["pynf_inputs"][0]["items"]
    sha = hashlib.sha256(b"acgt\n").hexdigest()
    assert uri1 == f"s3://{BUCKET}/work/pynf-inputs/{sha}/q_versionId=1.fq"
    assert uri2.endswith("/s_2_frag_41.fq")
    assert sorted(s3.puts(f"{BUCKET}/work/pynf-inputs/")) == sorted(f"/{_key(u)}" for u in (uri1, uri2))
    for path, uri in ((reads, uri1), (other, uri2)):
        _check_round_trip(s3, path, uri)


def test_directory_entries_are_staged_under_safe_names(s3, tmp_path):
    ref = tmp_path / "idx dir"
    (ref / "sub?x").mkdir(parents=True)
    (ref / "sub?x" / "a#1").write_text("one")
    (ref / "b%20c").write_text("two")
    uri = Stager(f"s3://{BUCKET}/stage").stage([str(ref)]).staged[str(ref)]
    assert uri.endswith("/idx_dir")
    fs = s3.fs()
    assert fs.cat_file(_key(uri) + "/sub_x/a_1") == b"one" and fs.cat_file(_key(uri) + "/b_20c") == b"two"
    assert sorted(os.path.basename(p) for p in fs.find(_key(uri))) == ["a_1", "b_20c"]
