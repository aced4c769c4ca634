"""Values meta.yml does not document but nf-core's own tests pass (issue 26, item 2) warn and then run:
the process sees them as given."""

from __future__ import annotations

import pytest

import pynf
from pynf.errors import DocumentedTypeWarning

from ..paths import MODULE_FIXTURES
from ..support import require_engine

pytestmark = pytest.mark.engine


@pytest.mark.parametrize("x, flag, seen", [
    (0.05, "true", "x=value 0.05 flag=true\n"),       # a float for an `integer`, a string for a `boolean`
    ({}, [], "x=value [:] flag=[]\n"),                 # nf-core's [:] and [] for "not given"
])
def test_a_warned_value_reaches_the_process_as_given(tmp_path, x, flag, seen):
    require_engine()
    with pytest.warns(DocumentedTypeWarning, match="documents it as `(integer|boolean)`"):
        result = pynf.run(MODULE_FIXTURES / "val_null", x=x, flag=flag, run_dir=tmp_path / "run",
                          outdir=tmp_path / "out")
    assert result.outputs["seen"] == [seen]
