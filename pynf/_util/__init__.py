"""pynf's small internal helpers, one implementation each: git, file locks, atomic writes, cache paths."""
