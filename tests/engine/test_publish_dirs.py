"""A directory output published next to outputs that are files inside it (issue 26): the outdir holds
the directory once, never a copy nested in itself (`out/x/x/...`), in one-task and queue runs."""

from __future__ import annotations

from pathlib import Path

import pytest

import pynf
from pynf.render.options import RunOptions

from ..paths import MODULE_FIXTURES
from ..support import require_engine

pytestmark = pytest.mark.engine

DIR_COLLIDE = MODULE_FIXTURES / "dir_collide"
EXPECTED = sorted([f"f{i}.txt" for i in range(1, 21)] + ["sub", "sub/c.dat"])


@pytest.fixture(scope="module", autouse=True)
def _engine():
    require_engine()


def _tree(directory: Path) -> list[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*"))


def _check_item(meta: dict, files: list[Path], directory: Path) -> None:
    assert directory.name == meta["id"] and directory.is_dir()
    assert _tree(directory) == EXPECTED, f"published {directory} holds {_tree(directory)}"
    assert sorted(f.name for f in files) == sorted(f"f{i}.txt" for i in range(1, 21))
    assert all(f.parent == directory and f.is_file() for f in files)
    assert sorted(int(f.read_text()) for f in files) == list(range(1, 21))


def test_directory_and_files_inside_it_are_published_once_in_a_queue_run(tmp_path):
    # the two output channels are published by two threads at once: eight tasks give the old race
    # (a directory copied into the half-made copy the file channel had started) many chances
    items = [{"id": f"s{i}"} for i in range(8)]
    result = pynf.run(DIR_COLLIDE, inputs=[pynf.Queue(items)], run_dir=tmp_path / "run", outdir=tmp_path / "out",
                      options=RunOptions(extra_config="executor.cpus = 2"))
    assert [m["id"] for m, _ in result.outputs["dir"]] == [i["id"] for i in items]
    for (meta, files), (_, directory) in zip(result.outputs["txt"], result.outputs["dir"]):
        _check_item(meta, files, directory)


@pytest.mark.parametrize("run", range(3))
def test_directory_and_files_inside_it_are_published_once_in_a_one_task_run(tmp_path, run):
    out = tmp_path / "out"
    result = pynf.run(DIR_COLLIDE, inputs=[{"id": "x"}], run_dir=tmp_path / "run", outdir=out)
    (meta, files), = result.outputs["txt"]
    (_, directory), = result.outputs["dir"]
    assert directory == out / "x"
    _check_item(meta, files, directory)
    published = [p for p in _tree(out) if p.split("/")[0] not in ("pipeline_info", ".pynf-published")]
    assert published == sorted(["pynf-manifest.json", "software_versions.yml", "versions.yml", "x"]
                               + [f"x/{e}" for e in EXPECTED])


def test_a_stub_run_publishes_the_stub_directory_once(tmp_path):
    out = tmp_path / "out"
    result = pynf.run(DIR_COLLIDE, inputs=[{"id": "x"}], run_dir=tmp_path / "run", outdir=out, stub=True)
    (_, txt), = result.outputs["txt"]
    assert txt == out / "x" / "a.txt"        # one file: a path, not a list
    assert _tree(out / "x") == ["a.txt"]
