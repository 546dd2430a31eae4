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



@pytest.mark.parametrize("value, noted", [(None, True), ("", True), ("2", False), ("8", False)])
def test_the_log_asks_for_an_arena_limit_only_when_it_is_missing(
        monkeypatch: pytest.MonkeyPatch, value: str | None, noted: bool) -> None:
    if value is None:
        monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    else:
        monkeypatch.setenv("MALLOC_ARENA_MAX", value)
    note = housekeeping.arena_limit_note()
    if housekeeping._TRIM is None:  # no glibc: nothing to ask for
        assert note is None
    else:
        assert (note is not None) is noted
        if noted:
            assert "MALLOC_ARENA_MAX=2" in note


def test_dev_py_starts_the_app_with_the_arena_limit() -> None:
    from pathlib import Path

    dev = (Path(__file__).resolve().parents[2] / "dev.py").read_text(encoding="utf-8")
    assert f'env.setdefault("MALLOC_ARENA_MAX", "{housekeeping.MALLOC_ARENAS}")' in dev
