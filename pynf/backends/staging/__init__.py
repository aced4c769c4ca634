"""Remote staging for any remote backend: classify input paths, upload local files, reach object storage.

:mod:`~pynf.backends.staging.stage` (which inputs are local, where they go, the uploads) and
:mod:`~pynf.backends.staging.storage` (fsspec filesystems by URI scheme) know nothing of a platform; the
Seqera backend is one user.
"""

__all__: list[str] = []
