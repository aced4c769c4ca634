"""The ``seqera`` backend: settings, API client, wrapper repository, run handles and results.

Its public names live in the modules (``backend.SeqeraBackend``, ``config.SeqeraConfig``,
``launch.SeqeraPlatform``, ``run.RemoteRun``, ``result.SeqeraResult``); :mod:`pynf.seqera` is the facade.
"""

__all__: list[str] = []
