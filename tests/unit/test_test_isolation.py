"""The suite never writes module sources into the user's real cache (issue 11, item 9)."""

from __future__ import annotations

from pathlib import Path

import platformdirs

from pynf._util.paths import engine_root
from pynf.sources.cache import RemoteCache, cache_root


def test_module_sources_go_to_a_temporary_cache(private_module_cache, tmp_path):
    user_cache = Path(platformdirs.user_cache_dir("pynf")).absolute()
    assert cache_root() == private_module_cache
    assert not cache_root().is_relative_to(user_cache)
    remote = tmp_path / "some-remote"
    assert RemoteCache(remote.as_uri()).dir.is_relative_to(private_module_cache)


def test_the_engine_is_still_looked_up_in_the_real_cache(private_module_cache):
    assert not engine_root().is_relative_to(private_module_cache)
