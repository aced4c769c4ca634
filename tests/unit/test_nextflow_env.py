"""The environment of a Nextflow command started from a process whose embedded engine runs.

The embedded engine sets ``NXF_CACHE_DIR`` to a fallback of its own in ``os.environ``; a ``pynf nextflow run``
started afterwards (a plugin backend, a user's script) inherited it, so two such commands at once shared one
history file and the second failed with "Can't lock file: .../default-cache/history".
"""

from pynf._util import paths
from pynf.backends.local.launch import nextflow_env


def test_the_engines_fallback_cache_dir_is_not_handed_on(monkeypatch, tmp_path):
    monkeypatch.setenv("PYNF_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("NXF_CACHE_DIR", str(paths.nxf_home() / "default-cache"))
    env = nextflow_env()
    assert "NXF_CACHE_DIR" not in env  # Nextflow keeps it in the command's launch dir (.nextflow/)
    assert env["NXF_HOME"] == str(paths.nxf_home())


def test_a_cache_dir_the_user_set_is_kept(monkeypatch, tmp_path):
    monkeypatch.setenv("PYNF_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("NXF_CACHE_DIR", str(tmp_path / "mine"))
    assert nextflow_env()["NXF_CACHE_DIR"] == str(tmp_path / "mine")
