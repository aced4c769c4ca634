"""A TCP server on 127.0.0.1 that accepts connections and never answers (an API endpoint that hangs).

Bounded: it stops by itself after ``lifetime`` seconds (closing every connection it holds), and on ``stop()``.
"""

from __future__ import annotations

import socket
import threading
import time

__all__ = ["SilentServer"]


class SilentServer:
    """Accepts on an ephemeral loopback port, reads nothing back, counts connections; a context manager."""

    def __init__(self, lifetime: float = 60.0):
        self.lifetime = lifetime
        self.accepted = 0
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.2)
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="silent-server", daemon=True)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT/api``."""
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}/api"

    def _serve(self) -> None:
        end = time.monotonic() + self.lifetime
        while not self._stop.is_set() and time.monotonic() < end:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            self.accepted += 1
            self._held.append(conn)  # kept open, never answered
        for conn in self._held:
            conn.close()
        self._sock.close()

    def __enter__(self) -> SilentServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting and close every held connection."""
        self._stop.set()
        self._thread.join(timeout=5)

    def __exit__(self, *exc: object) -> None:
        self.stop()
