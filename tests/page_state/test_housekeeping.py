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
