"""The housekeeping thread drops expired cache entries and returns memory to the system."""

from __future__ import annotations

import threading
import time

import pytest

from funnel_core.exports import images
from funnel_core.exports.prepared import PreparedDownloads
from funnel_core.page_state import housekeeping


def test_release_memory_runs_every_purge_first() -> None:
    calls: list[str] = []
    trimmed = housekeeping.release_memory([lambda: calls.append("a"), lambda: calls.append("b")])
    assert calls == ["a", "b"]
    assert isinstance(trimmed, bool)


def test_expired_render_entries_leave_without_an_access() -> None:
    cache = images._RenderCache(max_bytes=1024, ttl=0.05)
    cache.put(("k", "png", 1.0), b"x" * 10)
    assert cache._size == 10
    time.sleep(0.1)
    cache.expire()
    assert cache._size == 0 and not cache._items


def test_expired_prepared_downloads_leave_without_a_call() -> None:
    prepared = PreparedDownloads(ttl=0.05)
    prepared.prepare("pdf", lambda: b"%PDF")
    time.sleep(0.1)
    prepared.expire()
    assert not prepared._items


def test_the_thread_starts_once_and_calls_the_purges() -> None:
    ran = threading.Event()
    started = housekeeping.start_housekeeping([ran.set], interval=0.01)
    if started:  # the first start in this process: the purge runs on the thread
        assert ran.wait(2.0)
    assert housekeeping.start_housekeeping([ran.set], interval=0.01) is False


def test_a_failing_purge_reaches_the_caller_the_thread_catches_it() -> None:
    with pytest.raises(ZeroDivisionError):
        housekeeping.release_memory([lambda: 1 / 0])


@pytest.mark.parametrize("interval", [0, -1.0])
def test_interval_must_be_positive(interval: float) -> None:
    with pytest.raises(ValueError):
        housekeeping.start_housekeeping(interval=interval)


_ARENA_PROBE = """
import ctypes, sys, threading
from funnel_core.page_state import housekeeping
if sys.argv[1] == "limit":
    assert housekeeping.limit_malloc_arenas(2)
libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = [ctypes.c_size_t]
both_sides = threading.Barrier(9)

def work():
    held = [libc.malloc(4000) for _ in range(50)]  # each thread allocates while all are alive
    both_sides.wait()
    both_sides.wait()

threads = [threading.Thread(target=work) for _ in range(8)]
for thread in threads:
    thread.start()
both_sides.wait()
libc.malloc_stats()  # one "Arena n:" block per arena, on stderr
both_sides.wait()
for thread in threads:
    thread.join()
"""


def _arenas_used(mode: str) -> int:
    import subprocess
    import sys
    from pathlib import Path

    done = subprocess.run([sys.executable, "-c", _ARENA_PROBE, mode], capture_output=True, text=True,
                          timeout=60, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    return sum(1 for line in done.stderr.splitlines() if line.startswith("Arena "))


@pytest.mark.skipif(housekeeping._MALLOPT is None, reason="no glibc: the arena limit does not apply")
def test_limited_arenas_hold_eight_threads_in_two() -> None:
    # the same eight threads without the limit get an arena each: the probe can tell
    assert _arenas_used("none") > housekeeping.MALLOC_ARENAS
    assert _arenas_used("limit") <= housekeeping.MALLOC_ARENAS


@pytest.mark.parametrize("count", [0, -1])
def test_an_arena_limit_below_one_is_refused(count: int) -> None:
    assert housekeeping.limit_malloc_arenas(count) is False
