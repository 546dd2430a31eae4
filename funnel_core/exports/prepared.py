"""Downloads made just before they are asked for: the PDF starts when the Downloads page opens.

The first PDF of a report renders its charts (about 1.5-2 s of the 2 s it takes); a user
who opens the Downloads page usually clicks the PDF a few seconds later. :class:`PreparedDownloads`
starts such a download on one background thread when the page is shown and hands the bytes
over when the button is clicked: the click waits only for what is left, or for nothing.

Bounded: one background thread for the whole process (prepared work never competes with
itself), at most ``max_pending`` jobs waiting (more are not started: the click makes the file
then), at most ``max_entries`` results kept, each for ``ttl`` seconds. A job that fails is
forgotten; the click then makes the file itself and reports its error as usual. A job that
has not started when its button is clicked is cancelled and made by the click directly.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable

from funnel_core.domain.i18n import DEFAULT_LANGUAGE, current_language

__all__ = ["PREPARED", "PreparedDownloads"]


class PreparedDownloads:
    """Bytes of downloads made ahead of the click, by key (see the module notes)."""

    def __init__(self, max_entries: int = 8, max_pending: int = 4, ttl: float = 300.0) -> None:
        self.max_entries = max_entries
        self.max_pending = max_pending
        self.ttl = ttl
        self._items: OrderedDict[str, tuple[Future, float]] = OrderedDict()
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None

    def _expire(self, now: float) -> None:
        for key in [k for k, (_, made) in self._items.items() if now - made > self.ttl]:
            self._items.pop(key)[0].cancel()
        while len(self._items) > self.max_entries:
            _, (future, _) = self._items.popitem(last=False)
            future.cancel()

    def expire(self) -> None:
        """Drop the results older than ``ttl`` now, not only at the next call."""
        with self._lock:
            self._expire(time.monotonic())

    def prepare(self, key: str, make: Callable[[], bytes]) -> bool:
        """Start making ``key`` in the background unless it is known or too much is waiting.

        Returns True when a job was started. The file is made in the current language, which is
        part of its key: the same download in another language is another file.
        """
        key = _in_language(key)
        with self._lock:
            self._expire(time.monotonic())
            if key in self._items:
                return False
            pending = sum(1 for future, _ in self._items.values() if not future.done())
            if pending >= self.max_pending:
                return False
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prepare-download")
            # the job runs in the caller's context: its language (and any other context value)
            context = contextvars.copy_context()
            self._items[key] = (self._executor.submit(context.run, make), time.monotonic())
            return True

    def also(self, key: str, work: Callable[[], object]) -> bool:
        """Run ``work`` on the background thread, after the jobs already there; keep no result.

        For work that only warms a cache (drawing the ZIP's charts ahead). Not started when
        more than one job is waiting or running (a busy server: the thread is the downloads'),
        else bounded as :meth:`prepare`; ``key`` keeps the same work from starting twice
        within ``ttl``.
        """
        with self._lock:
            if sum(1 for future, _ in self._items.values() if not future.done()) > 1:
                return False

        def run() -> bytes:
            work()
            return b""

        return self.prepare(key, run)

    def get(self, key: str, make: Callable[[], bytes]) -> bytes:
        """The bytes of ``key``: the prepared result (waiting for it if it is being made), else
        ``make()`` here and now."""
        key = _in_language(key)
        with self._lock:
            item = self._items.get(key)
            if item is not None and item[0].cancel():  # still waiting: the click makes it itself
                self._items.pop(key, None)
                item = None
        if item is not None:
            try:
                return item[0].result()
            except Exception:  # noqa: BLE001 - made again below, where the error is reported
                with self._lock:
                    self._items.pop(key, None)
        return make()

    def clear(self) -> None:
        """Forget every prepared download (running jobs finish, their results are dropped)."""
        with self._lock:
            for future, _ in self._items.values():
                future.cancel()
            self._items.clear()


def _in_language(key: str) -> str:
    """``key`` of a download in the current language (its words and numbers depend on it);
    English keeps the key as given."""
    language = current_language()
    return key if language == DEFAULT_LANGUAGE else f"{language}|{key}"


#: The process's prepared downloads (the app's Downloads page uses it for the PDF report).
PREPARED = PreparedDownloads()
