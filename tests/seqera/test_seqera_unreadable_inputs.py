"""Issue 21 item 9: a local input of a remote run that cannot be read is an InputError naming the input
and what the path is, before any request to the platform (tests run as root, so the unreadable paths
are ones root cannot read either: a FIFO, /proc/1/mem, dangling symlinks, symlink loops). Dangling
symlinks and loops are caught by the renderer's own existence check; the others by the Seqera backend."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import pynf
from pynf.errors import InputError

from .fake_platform.fixtures import held_fake, seqera_env, wrapper_remote  # noqa: F401
from ..paths import MODULE_FIXTURES


def _fifo(tmp: Path) -> Path:
    os.mkfifo(tmp / "reads.fq")
    return tmp / "reads.fq"


def _proc_mem(tmp: Path) -> Path:
    if not os.path.exists("/proc/1/mem"):
        pytest.skip("no /proc/1/mem on this system")
    (tmp / "reads.fq").symlink_to("/proc/1/mem")
    return tmp / "reads.fq"


def _dangling(tmp: Path) -> Path:
    (tmp / "reads.fq").symlink_to(tmp / "gone.fq")
    return tmp / "reads.fq"


def _loop(tmp: Path) -> Path:
    (tmp / "reads.fq").symlink_to(tmp / "other.fq")
    (tmp / "other.fq").symlink_to(tmp / "reads.fq")
    return tmp / "reads.fq"


def _dir_with_fifo(tmp: Path) -> Path:
    (tmp / "reads").mkdir()
    (tmp / "reads" / "ok.fq").write_text("@r\nA\n+\nI\n")
    os.mkfifo(tmp / "reads" / "pipe.fq")
    return tmp / "reads"


def _no_permission(tmp: Path) -> Path:
    if os.geteuid() == 0:
        pytest.skip("root reads files whatever their mode")
    path = tmp / "reads.fq"
    path.write_text("@r\nA\n+\nI\n")
    path.chmod(0)
    return path


CASES = {"fifo": (_fifo, "is a FIFO (named pipe)"), "proc-mem": (_proc_mem, "cannot be read"),
         "dangling": (_dangling, "not found"), "loop": (_loop, "not found"),
         "dir-with-fifo": (_dir_with_fifo, "pipe.fq is a FIFO"), "mode-000": (_no_permission, "cannot be read (Permission denied)")}


@pytest.mark.parametrize("case", sorted(CASES))
def test_unreadable_local_input_is_an_input_error_before_any_request(case, held_fake, seqera_env, tmp_path):
    seqera_env(held_fake, shared=False)
    make, expected = CASES[case]
    data = tmp_path / "data"
    data.mkdir()
    path = make(data)
    with pytest.raises(InputError) as err:
        pynf.run(MODULE_FIXTURES / "seqtk_seq", meta={"id": "s1"}, fastx=path, backend="seqera")
    text = str(err.value)
    assert expected in text and str(path) in text and ("'fastx'" in text or "input '0'" in text), text
    assert held_fake.requests == []  # nothing was asked of the platform
