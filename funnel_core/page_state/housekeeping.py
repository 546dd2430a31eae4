"""Give memory back to the system after sessions end.

A Streamlit server is one long-lived process. When sessions close, Python frees their objects
(uploads, tables, rendered images) and the bounded caches drop their entries after their time
limit, but glibc's allocator keeps the freed pages mapped, so the process's resident memory (RSS)
stays at its peak. :func:`start_housekeeping` runs a daemon thread that, every ``interval``
seconds, collects cyclic garbage and asks the allocator to return free pages
(``malloc_trim(0)``). On systems without glibc the trim is skipped and only the collection runs.

The server should also start with ``MALLOC_ARENA_MAX=2`` in its environment (``python dev.py
app`` sets it). Streamlit runs every script run on a thread of its own, and glibc gives threads
an allocation pool ("arena") of their own, up to eight per core; freed memory scattered over
many arenas stays mapped even after ``malloc_trim``. With two arenas, waves of ten closed
sessions left 50-110 MB above the warm server instead of 120-190 MB (docs/PERFORMANCE.md,
"Memory after sessions close"). Setting the limit from here (``mallopt`` when ``app.py`` first runs) was
measured and did not help, so :func:`arena_limit_note` only says in the server's log that the
variable is missing.

Nothing here imports Streamlit; ``app.py`` starts the thread once per process.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
import threading
from typing import Callable, Sequence

__all__ = ["DEFAULT_INTERVAL_SECONDS", "MALLOC_ARENAS", "arena_limit_note", "release_memory",
           "start_housekeeping"]

#: Seconds between two passes of the housekeeping thread.
DEFAULT_INTERVAL_SECONDS = 30.0

#: glibc allocation arenas a server process should use at most (``MALLOC_ARENA_MAX``).
MALLOC_ARENAS = 2

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


def arena_limit_note() -> str | None:
    """A line for the server's log when glibc's arenas are not limited, else None.

    None where there is no glibc (the limit does not apply) or when ``MALLOC_ARENA_MAX`` is set.
    """
    if _TRIM is None or os.environ.get("MALLOC_ARENA_MAX", "").strip():
        return None
    return (f"MALLOC_ARENA_MAX is not set: start the server with MALLOC_ARENA_MAX={MALLOC_ARENAS} "
            "(python dev.py app does) so that memory of closed sessions goes back to the system")


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
