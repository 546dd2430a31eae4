"""Give memory back to the system after sessions end.

A Streamlit server is one long-lived process. When sessions close, Python frees their objects
(uploads, tables, rendered images) and the bounded caches drop their entries after their time
limit, but glibc's allocator keeps the freed pages mapped, so the process's resident memory (RSS)
stays at its peak. :func:`start_housekeeping` runs a daemon thread that, every ``interval``
seconds, collects cyclic garbage and asks the allocator to return free pages
(``malloc_trim(0)``). On systems without glibc the trim is skipped and only the collection runs.

:func:`limit_malloc_arenas` caps glibc's per-thread allocation pools ("arenas") at
:data:`MALLOC_ARENAS`. Streamlit runs every script run on a thread of its own, and glibc gives
threads their own arena up to eight per core; freed memory scattered over many arenas stays
mapped even after ``malloc_trim``. With two arenas, ten closed sessions left about 50 MB above
the warm server instead of 120-190 MB (docs/PERFORMANCE.md, "Memory after sessions close").

Nothing here imports Streamlit; ``app.py`` starts the thread once per process.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import threading
from typing import Callable, Sequence

__all__ = ["DEFAULT_INTERVAL_SECONDS", "MALLOC_ARENAS", "limit_malloc_arenas", "release_memory",
           "start_housekeeping"]

#: Seconds between two passes of the housekeeping thread.
DEFAULT_INTERVAL_SECONDS = 30.0

#: glibc allocation arenas a server process uses at most (``MALLOC_ARENA_MAX``).
MALLOC_ARENAS = 2

#: ``mallopt``'s parameter number for the arena limit (glibc's ``M_ARENA_MAX``).
_M_ARENA_MAX = -8

_lock = threading.Lock()
_started: threading.Thread | None = None


def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where the C library has none (macOS, musl, Windows)."""
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        return ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None


_TRIM = _malloc_trim()


def _mallopt() -> Callable[[int, int], int] | None:
    """glibc's ``mallopt``, or None where the C library has none."""
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        return ctypes.CDLL(name).mallopt
    except (OSError, AttributeError):
        return None


_MALLOPT = _mallopt()


def limit_malloc_arenas(count: int = MALLOC_ARENAS) -> bool:
    """Let threads created from now on share at most ``count`` glibc allocation arenas.

    The same as starting the process with ``MALLOC_ARENA_MAX=count`` (which ``dev.py app``
    does), for a server started some other way; arenas that already exist stay. Calling it
    again is harmless.

    Returns
    -------
    bool
        True when glibc accepted the limit; False elsewhere (no glibc) or when ``count`` < 1.
    """
    if _MALLOPT is None or count < 1:
        return False
    return _MALLOPT(_M_ARENA_MAX, int(count)) == 1


def _release_arrow_pool() -> None:
    """Hand back the free memory of Arrow's own allocator (jemalloc or mimalloc), which
    Streamlit's tables go through and which ``malloc_trim`` does not reach."""
    import sys

    arrow = sys.modules.get("pyarrow")  # only when something has loaded it
    if arrow is None:
        return
    try:
        arrow.default_memory_pool().release_unused()
    except Exception:  # noqa: BLE001 - an older pyarrow or another pool: nothing to release
        pass


def release_memory(purge: Sequence[Callable[[], None]] = ()) -> bool:
    """Drop expired cache entries, collect garbage and return free pages to the system.

    Parameters
    ----------
    purge : sequence of callables
        Called first, each dropping the entries of one cache that are past its time limit.

    Returns
    -------
    bool
        True when ``malloc_trim`` ran (glibc), False when only the garbage collection did.
    """
    for drop_expired in purge:
        drop_expired()
    gc.collect()
    _release_arrow_pool()
    if _TRIM is None:
        return False
    _TRIM(0)
    return True


def start_housekeeping(purge: Sequence[Callable[[], None]] = (),
                       interval: float = DEFAULT_INTERVAL_SECONDS) -> bool:
    """Start the housekeeping thread once per process; True the first time.

    Parameters
    ----------
    purge : sequence of callables
        Passed to :func:`release_memory` on every pass.
    interval : float
        Seconds between passes; must be positive.
    """
    global _started
    if interval <= 0:
        raise ValueError("interval must be positive")
    with _lock:
        if _started is not None and _started.is_alive():
            return False
        stop = threading.Event()

        def loop() -> None:
            while not stop.wait(interval):
                try:
                    release_memory(purge)
                except Exception:  # noqa: BLE001 - housekeeping must never stop the server
                    pass

        _started = threading.Thread(target=loop, name="funnel-housekeeping", daemon=True)
        _started.start()
        return True
