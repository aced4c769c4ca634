"""No silent partial results on Seqera Platform either: the result names the failed items from the platform's
task records (``errorAction``, ``exitStatus``, ``workdir``), and a run that ignored one says PARTIAL.

One sample of 4 is not FASTQ (the real ``grep`` of fixtures/modules/check_reads exits 3 on it)."""

from __future__ import annotations

from pathlib import Path

import pytest

import pynf
from pynf.errors import ItemsFailedWarning

from .fake_platform.fixtures import fake, needs_engine, seqera_env, wrapper_remote  # noqa: F401
from ..paths import MODULE_FIXTURES
from ..support import require_tools

pytestmark = pytest.mark.engine

CHECK = str(MODULE_FIXTURES / "check_reads")


@pytest.fixture
def reads(tmp_path) -> pynf.Queue:
    needs_engine()
    require_tools("grep")
    items = []
    for n, sample in enumerate("abcd"):
        path = tmp_path / f"{sample}.fq"
        path.write_text("this is not a FASTQ file\n" if sample == "c" else f"@{sample}\nACGT{'A' * n}\n+\nIIII{'I' * n}\n")
        items.append([{"id": sample}, path])
    return pynf.Queue(items)


def test_an_ignored_item_makes_the_run_partial_and_is_named(fake, seqera_env, reads, tmp_path):
    seqera_env(fake)
    with pytest.warns(ItemsFailedWarning, match="1 item failed, 3 finished"):
        result = pynf.run(CHECK, {"0": reads}, backend="seqera", outdir=tmp_path / "out",
                          options=pynf.RunOptions(error_strategy="ignore"))
    assert fake.runs[result.workflow_id].status == "SUCCEEDED"  # the platform's word; pynf says PARTIAL
    assert result.status == "PARTIAL" and not result.succeeded
    assert result.get_execution_report()["status"] == "SUCCEEDED"
    (item,) = result.failed_items
    assert (item.process.rsplit(":", 1)[-1], item.tag, item.exit_status, item.error_action) == \
        ("CHECK_READS", "c", 3, "IGNORE")
    assert "not a FASTQ" in (Path(item.workdir) / ".command.err").read_text()
    assert result.summary.startswith("PARTIAL: 1 item failed, 3 finished (")
    assert sorted(meta["id"] for meta, _ in result.outputs["counts"]) == ["a", "b", "d"]


def test_a_failed_run_read_with_check_false_names_the_item_that_ended_it(fake, seqera_env, reads, tmp_path):
    seqera_env(fake)
    result = pynf.run(CHECK, {"0": reads}, backend="seqera", outdir=tmp_path / "out", check=False)
    assert result.status == "FAILED"
    failed = result.failed_items
    assert [(f.tag, f.exit_status, f.error_action) for f in failed] == [("c", 3, "TERMINATE")]
    assert result.summary.startswith("FAILED: 1 item failed")


def test_a_clean_run_stays_succeeded(fake, seqera_env, tmp_path):
    needs_engine()
    seqera_env(fake)
    good = tmp_path / "a.fq"
    good.write_text("@a\nACGT\n+\nIIII\n")
    result = pynf.run(CHECK, meta={"id": "a"}, reads=good, backend="seqera", outdir=tmp_path / "out")
    assert result.status == "SUCCEEDED" and result.failed_items == ()
    assert result.summary == "SUCCEEDED: 1 finished, none failed"
