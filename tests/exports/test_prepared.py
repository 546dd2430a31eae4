"""funnel_core.exports.prepared: downloads made before the click, bounded, handed over once."""

from __future__ import annotations

import threading
import time

import pytest

from funnel_core.exports.prepared import PreparedDownloads


def _finished(prepared: PreparedDownloads, key: str) -> None:
    """Wait until the background job of ``key`` is done (so the click finds it made)."""
    deadline = time.monotonic() + 10
    while not prepared._items[key][0].done():
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_a_prepared_download_is_made_once_and_handed_over():
    calls = []
    prepared = PreparedDownloads()
    assert prepared.prepare("pdf", lambda: calls.append(1) or b"%PDF-1")
    assert not prepared.prepare("pdf", lambda: calls.append(2) or b"other")  # already known
    _finished(prepared, "pdf")
    assert prepared.get("pdf", lambda: calls.append(3) or b"made by the click") == b"%PDF-1"
    assert calls == [1]


def test_an_unknown_download_is_made_by_the_click():
    assert PreparedDownloads().get("zip", lambda: b"PK") == b"PK"


def test_a_failed_job_is_made_again_by_the_click_which_reports_the_error():
    prepared = PreparedDownloads()

    def broken() -> bytes:
        raise RuntimeError("renderer failed")

    prepared.prepare("pdf", broken)
    with pytest.raises(RuntimeError, match="renderer failed"):
        prepared.get("pdf", broken)
    assert prepared.get("pdf", lambda: b"ok") == b"ok"


def test_waiting_jobs_are_bounded_and_a_queued_one_is_made_by_the_click():
    release = threading.Event()
    prepared = PreparedDownloads(max_pending=2)
    assert prepared.prepare("a", lambda: release.wait(5) and b"a")
    assert prepared.prepare("b", lambda: b"b from the background")
    assert not prepared.prepare("c", lambda: b"c")  # two are waiting already
    # "b" has not started (one worker, busy with "a"): the click makes it directly
    assert prepared.get("b", lambda: b"b from the click") == b"b from the click"
    release.set()
    assert prepared.get("a", lambda: b"not used") == b"a"


def test_results_expire():
    prepared = PreparedDownloads(ttl=0.05)
    prepared.prepare("pdf", lambda: b"old")
    _finished(prepared, "pdf")
    assert prepared.get("pdf", lambda: b"new") == b"old"
    time.sleep(0.1)
    prepared.prepare("other", lambda: b"x")  # expiry happens on the next use
    assert prepared.get("pdf", lambda: b"new") == b"new"


def test_side_work_runs_after_the_download_and_keeps_no_result():
    order: list[str] = []
    prepared = PreparedDownloads()
    gate = threading.Event()
    assert prepared.prepare("pdf", lambda: gate.wait(10) and order.append("pdf") or b"%PDF")
    assert prepared.also("charts", lambda: order.append("charts") or 28)
    assert not prepared.also("charts", lambda: order.append("again"))  # already known
    gate.set()
    _finished(prepared, "charts")
    assert order == ["pdf", "charts"]  # one background thread: the download first
    assert prepared._items["charts"][0].result() == b""


def test_side_work_is_not_started_on_a_busy_thread():
    prepared = PreparedDownloads()
    gate = threading.Event()
    assert prepared.prepare("pdf-a", lambda: gate.wait(10) and b"a")
    assert prepared.prepare("pdf-b", lambda: gate.wait(10) and b"b")
    assert not prepared.also("charts", lambda: None)  # two downloads waiting: no side work
    gate.set()
    _finished(prepared, "pdf-b")
    assert prepared.also("charts", lambda: None)
