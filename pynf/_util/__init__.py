"""pynf's small internal helpers, one implementation each: git (``git``), file locks (``locks``), atomic
writes (``files``), cache paths (``paths``)."""

__all__: list[str] = []
