"""The ``seqera`` backend: settings, API client, wrapper repository, run handles and results."""
