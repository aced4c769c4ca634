"""Keep the JVM's own fault handlers in place while the embedded JVM lives.

HotSpot services safepoint polls and implicit null checks in JIT-compiled code through its handlers
for SIGSEGV, SIGBUS, SIGILL and SIGFPE: when a safepoint is armed, a compiled thread's poll reads a
protected page and the JVM's SIGSEGV handler takes it from there. Python code that saves and restores
signal handlers around the JVM's lifetime breaks this. ``faulthandler.enable()`` before the JVM starts
followed by ``faulthandler.disable()`` after it — exactly what pytest's faulthandler plugin does at the
start and end of every session — puts the pre-JVM ``SIG_DFL`` back, and the next armed safepoint (at
the latest the one the JVM arms to shut down at exit) kills the process with a raw SIGSEGV.

So pynf notes the JVM's handlers right after ``startJVM`` and puts them back, if something replaced
them, before each run and before the JVM shuts down at exit. The handlers are opaque C function
pointers, so this goes through libc's ``sigaction`` (POSIX only; elsewhere it does nothing).
"""

from __future__ import annotations

import ctypes
import logging
import signal
import sys
import threading

_log = logging.getLogger(__name__)

#: The signals HotSpot handles itself (names, so a platform lacking one just skips it).
JVM_SIGNALS = ("SIGSEGV", "SIGBUS", "SIGILL", "SIGFPE")

# Larger than ``struct sigaction`` on every platform pynf runs on (glibc x86-64/aarch64: 152 bytes,
# macOS: 16). The struct is only ever copied whole; its first member is the handler (a union of
# ``sa_handler`` and ``sa_sigaction``, both one function pointer), which is all that is compared.
_STRUCT_SIZE = 512

_LOCK = threading.Lock()
_JVM_HANDLERS: dict[int, ctypes.Array] = {}


def _sigaction():
    if sys.platform == "win32":
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        function = libc.sigaction
    except (OSError, AttributeError):
        return None
    function.argtypes = (ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
    function.restype = ctypes.c_int
    return function


_SIGACTION = _sigaction()


def _numbers() -> list[int]:
    return [int(getattr(signal, name)) for name in JVM_SIGNALS if hasattr(signal, name)]


def _current(signum: int) -> ctypes.Array:
    action = ctypes.create_string_buffer(_STRUCT_SIZE)
    if _SIGACTION(signum, None, action) != 0:
        raise OSError(ctypes.get_errno(), f"sigaction({signum}) could not be read")
    return action


def _address(action: ctypes.Array) -> int:
    return ctypes.c_void_p.from_buffer(action).value or 0


def handler_address(signum: int) -> int:
    """The address of the C handler now installed for ``signum`` (0 is ``SIG_DFL``); -1 where unsupported."""
    if _SIGACTION is None:
        return -1
    return _address(_current(signum))


def remember_jvm_handlers() -> None:
    """Note the handlers the JVM just installed (call right after ``startJVM``, once)."""
    if _SIGACTION is None:
        return
    with _LOCK:
        for signum in _numbers():
            _JVM_HANDLERS[signum] = _current(signum)


def restore_jvm_handlers() -> list[str]:
    """Put back each JVM handler that was replaced since the JVM started; the names of those put back."""
    restored: list[str] = []
    if _SIGACTION is None:
        return restored
    with _LOCK:
        for signum, saved in _JVM_HANDLERS.items():
            if handler_address(signum) == _address(saved):
                continue
            if _SIGACTION(signum, saved, None) != 0:
                _log.warning("could not put the JVM's %s handler back (errno %d)", signal.Signals(signum).name,
                             ctypes.get_errno())
                continue
            restored.append(signal.Signals(signum).name)
    if restored:
        _log.debug("the JVM's handlers for %s had been replaced (faulthandler.disable()?); put back",
                   ", ".join(restored))
    return restored
