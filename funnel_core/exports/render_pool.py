"""Charts rendered in a second process while this one does other work.

vl-convert holds Python's global lock while it renders, so threads render one chart at a time.
A download with many charts (the ZIP: 28) or one that lays out text while its charts render
(the PDF) hands the renders to a worker process (:mod:`funnel_core.exports.render_worker`)
through :meth:`RenderPool.submit`, and carries on:

- a job still **queued** when the caller needs that chart is taken back
  (:meth:`RenderPool.claim_or_wait` returns ``False``) and rendered in this process, so the
  caller never waits behind the queue; a ZIP renders from the back of its list while the
  worker takes from the front;
- a job the worker **is rendering** is waited for (it will be in the render cache);
- a worker that fails, dies or times out is stopped; its job is rendered here instead and the
  next job starts a new worker. A worker also exits by itself when idle
  (:data:`~funnel_core.domain.constants.CACHE_TTL_SECONDS`, so its memory comes back with the
  caches) and after a render that left it over :data:`WORKER_MAX_RSS_MB`.

Jobs submitted with ``background=True`` (charts drawn *in case* they are asked for: the ZIP's
charts while the user reads the Downloads page) wait in a second, bounded queue that a worker
takes from only when no one is waiting for a chart; a caller who then asks for one takes it back
or moves it to the front as above.

``FUNNEL_RENDER_WORKERS`` sets the number of worker processes: 1 by default on a machine with
two or more cores, 0 (everything in this process, as before) on one core. Results are the
same bytes either way (tested).
"""

from __future__ import annotations

import collections
import json
import os
import select
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from funnel_core.domain.constants import CACHE_TTL_SECONDS
from funnel_core.exports.render_worker import MAX_FRAME

__all__ = ["BACKGROUND_MAX", "JOB_TIMEOUT", "RenderPool", "Store", "WORKER_MAX_RSS_MB", "pool", "worker_count"]

#: Seconds a render may take in the worker before it is stopped (the chart is then drawn here).
JOB_TIMEOUT = 60.0

#: Seconds a new worker may take to start (import, engine, first chart).
START_TIMEOUT = 30.0

#: Jobs sent to a worker ahead of its answers (it keeps drawing while this process is busy).
IN_FLIGHT = 2

#: Background jobs queued at most (more are not queued: they are drawn when asked for).
BACKGROUND_MAX = 64

#: Seconds before a worker is tried again after one could not start.
RETRY_AFTER = 60.0

#: A worker exits after a render that left it using more memory than this.
WORKER_MAX_RSS_MB = 1024

#: What a finished job hands back: digest, SVG text, PNG scale (or None) and PNG bytes.
Store = Callable[[str, str, "float | None", bytes], None]

_PROJECT_ROOT = Path(__file__).resolve().parents[2]


def worker_count() -> int:
    """Worker processes to use: ``FUNNEL_RENDER_WORKERS``, else 1 with two or more cores."""
    raw = os.environ.get("FUNNEL_RENDER_WORKERS", "").strip()
    if raw.isdigit():
        return min(int(raw), 8)
    return 1 if (os.cpu_count() or 1) >= 2 else 0


@dataclass(eq=False)  # a job is itself: found in a queue by identity
class _Job:
    digest: str
    spec_text: str
    vl_version: str
    scale: float | None
    store: Store
    state: str = "queued"  # queued -> worker | local -> done | failed
    finished: threading.Event = field(default_factory=threading.Event)


class WorkerFailed(RuntimeError):
    """The worker process could not render a chart (it is stopped; the chart is drawn here)."""


class _Worker:
    """One worker process, used by one dispatcher thread (request, then answer)."""

    def __init__(self, vl_version: str) -> None:
        self.vl_version = vl_version
        self.process: subprocess.Popen[bytes] | None = None

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_PROJECT_ROOT), env.get("PYTHONPATH")]))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "funnel_core.exports.render_worker",
             "--idle", str(CACHE_TTL_SECONDS), "--max-rss-mb", str(WORKER_MAX_RSS_MB),
             "--vl", self.vl_version],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=env, cwd=str(_PROJECT_ROOT))
        hello = self._read(START_TIMEOUT)
        if json.loads(hello).get("ready") is not True:
            raise WorkerFailed("the worker did not say it was ready")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        try:
            process.kill()
            process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        for stream in (process.stdin, process.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass

    def _read_exactly(self, size: int, deadline: float) -> bytes:
        assert self.process is not None and self.process.stdout is not None
        fd = self.process.stdout.fileno()
        chunks, left = [], size
        while left:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                raise WorkerFailed("the worker took too long")
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                raise WorkerFailed("the worker stopped")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def _read(self, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        size = int.from_bytes(self._read_exactly(4, deadline), "big")
        if size > MAX_FRAME:
            raise WorkerFailed("the worker sent too much")
        return self._read_exactly(size, deadline)

    def send(self, job: _Job) -> None:
        """Queue ``job`` in the worker (it answers in the order it was sent)."""
        assert self.process is not None and self.process.stdin is not None
        request = ('{"spec": ' + job.spec_text + ', "vl": ' + json.dumps(job.vl_version)
                   + ', "scale": ' + json.dumps(job.scale) + "}").encode("utf-8")
        try:
            self.process.stdin.write(len(request).to_bytes(4, "big") + request)
            self.process.stdin.flush()
        except (OSError, ValueError) as exc:
            raise WorkerFailed(f"the worker stopped ({exc})") from exc

    def receive(self) -> tuple[str, bytes]:
        """The answer to the oldest job sent: its SVG text and PNG bytes."""
        answer = json.loads(self._read(JOB_TIMEOUT))
        if not answer.get("ok"):
            raise WorkerFailed(str(answer.get("error", "render failed")))
        svg = self._read(JOB_TIMEOUT).decode("utf-8")
        png = self._read(JOB_TIMEOUT)
        return svg, png


class RenderPool:
    """Render jobs shared between this process and ``workers`` worker processes."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._cond = threading.Condition()
        self._queue: collections.deque[_Job] = collections.deque()
        self._background: collections.deque[_Job] = collections.deque()
        self._jobs: dict[str, _Job] = {}
        self._threads: list[threading.Thread] = []
        self._vl_version = ""
        self.rendered_by_worker = 0  # charts the workers rendered (for tests and benchmarks)
        self.failures = 0
        self._start_failed_at = -RETRY_AFTER
        self._ready = threading.Event()  # set while at least one worker has started
        self._workers: list[_Worker] = []
        self._stopping = False

    # -- the caller's side -------------------------------------------------------------
    def submit(self, items: Iterable[tuple[str, str, float | None]], vl_version: str,
               store: Store, *, background: bool = False) -> int:
        """Queue ``(digest, spec JSON text, PNG scale or None)`` renders; returns how many.

        A digest already queued or rendering is not queued twice; one waiting in the background
        queue moves to the main queue when submitted without ``background``. Background jobs
        are drawn only while the main queue is empty, and at most :data:`BACKGROUND_MAX` wait.
        Without workers nothing is queued (the caller renders as it goes).
        """
        if self.workers <= 0 or time.monotonic() - self._start_failed_at < RETRY_AFTER:
            return 0
        added = 0
        with self._cond:
            for digest, spec_text, scale in items:
                known = self._jobs.get(digest)
                if known is not None:
                    if not background and known.state == "queued" and known in self._background:
                        self._background.remove(known)
                        self._queue.append(known)
                        added += 1
                    continue
                if background and len(self._background) >= BACKGROUND_MAX:
                    break
                job = _Job(digest, spec_text, vl_version, scale, store)
                self._jobs[digest] = job
                (self._background if background else self._queue).append(job)
                added += 1
            if added:
                self._vl_version = vl_version
                self._ensure_threads()
                self._cond.notify_all()
        return added

    def take_back(self, digest: str) -> bool:
        """``True`` if ``digest`` was still queued and is now the caller's to render here;
        ``False`` (without waiting) if it was not submitted or a worker has it."""
        with self._cond:
            job = self._jobs.get(digest)
            if job is None or job.state != "queued":
                return False
            job.state = "local"
            self._jobs.pop(digest, None)
            if job in self._background:
                self._background.remove(job)
            return True

    def claim_or_wait(self, digest: str) -> bool:
        """Before rendering ``digest`` here: ``True`` if a worker just rendered it (read the
        cache again), ``False`` if the caller should render it (it was not submitted, was
        still queued -- now taken back -- or the worker failed)."""
        if self.take_back(digest):
            return False
        with self._cond:
            job = self._jobs.get(digest)
            if job is None:
                return False
        job.finished.wait(JOB_TIMEOUT + START_TIMEOUT)
        return job.state == "done"

    def start(self, vl_version: str, wait: float = 0.0) -> bool:
        """Start the worker processes now, so the first download does not wait for them;
        wait up to ``wait`` seconds until one is ready. True if one is ready."""
        if self.workers <= 0:
            return False
        with self._cond:
            self._vl_version = vl_version
            self._ensure_threads()
        return self._ready.wait(wait) if wait > 0 else self._ready.is_set()

    # -- the workers' side -------------------------------------------------------------
    def _ensure_threads(self) -> None:
        if time.monotonic() - self._start_failed_at < RETRY_AFTER:
            return
        self._threads = [t for t in self._threads if t.is_alive()]
        while len(self._threads) < self.workers:
            thread = threading.Thread(target=self._dispatch, name="chart-render-worker", daemon=True)
            self._threads.append(thread)
            thread.start()

    def _next_job(self, wait: bool) -> _Job | None:
        """The next queued job (now the worker's); with ``wait``, block until there is one
        or the pool has been idle for the cache time (then ``None``)."""
        with self._cond:
            while True:
                for queue in (self._queue, self._background):
                    while queue:
                        job = queue.popleft()
                        if job.state == "queued":
                            job.state = "worker"
                            return job
                if self._stopping or not wait or not self._cond.wait(timeout=CACHE_TTL_SECONDS):
                    return None

    def _finish(self, job: _Job, state: str) -> None:
        job.state = state
        with self._cond:
            self._jobs.pop(job.digest, None)
        job.finished.set()

    def _dispatch(self) -> None:
        """One worker process's thread: keep up to :data:`IN_FLIGHT` jobs sent to it.

        The worker gets its next request before it finishes the current one, so it keeps
        drawing while this thread waits for Python's lock (held by a render in this process).
        """
        worker = _Worker(self._vl_version)
        sent: collections.deque[_Job] = collections.deque()
        with self._cond:
            self._workers.append(worker)
        try:
            while True:
                if not worker.alive():
                    worker.stop()
                    try:
                        worker.vl_version = self._vl_version
                        worker.start()
                        self._ready.set()
                    except Exception:  # noqa: BLE001 - no worker: this process renders everything
                        worker.stop()
                        self._give_back_queue()
                        return
                while len(sent) < IN_FLIGHT:
                    job = self._next_job(wait=not sent)
                    if job is None:
                        break
                    sent.append(job)
                    try:
                        worker.send(job)
                    except WorkerFailed:
                        break  # answered as failed below
                if not sent:
                    return  # idle
                job = sent.popleft()
                try:
                    svg, png = worker.receive()
                    job.store(job.digest, svg, job.scale, png)
                    self.rendered_by_worker += 1
                    self._finish(job, "done")
                except Exception:  # noqa: BLE001 - the callers render these instead
                    self.failures += 1
                    worker.stop()
                    self._finish(job, "failed")
                    while sent:
                        self._finish(sent.popleft(), "failed")
        finally:
            worker.stop()
            for job in sent:
                self._finish(job, "failed")
            with self._cond:
                self._threads = [t for t in self._threads if t is not threading.current_thread()]
                self._workers = [w for w in self._workers if w is not worker]

    def _give_back_queue(self) -> None:
        """A worker could not start: every queued job goes back to its caller (rendered
        here), and no worker is tried again for :data:`RETRY_AFTER` seconds."""
        with self._cond:
            self.failures += 1
            self._start_failed_at = time.monotonic()
            self._fail_queued()

    def _fail_queued(self) -> None:
        """Every queued job back to its caller (who renders it). Callers hold ``self._cond``."""
        for queue in (self._queue, self._background):
            while queue:
                job = queue.popleft()
                if job.state == "queued":
                    job.state = "failed"
                    self._jobs.pop(job.digest, None)
                    job.finished.set()

    def worker_pids(self) -> list[int]:
        """Process ids of the running workers."""
        with self._cond:
            return [w.process.pid for w in self._workers if w.process is not None and w.alive()]

    def stop(self) -> None:
        """Stop the workers and their threads (queued jobs go back to their callers)."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
            threads, workers = list(self._threads), list(self._workers)
        for worker in workers:
            worker.stop()
        for thread in threads:
            thread.join(timeout=10)
        with self._cond:
            self._fail_queued()
            self._stopping = False

    def pending(self) -> int:
        """Jobs queued or rendering."""
        with self._cond:
            return len(self._jobs)


_pool_lock = threading.Lock()
_pool: RenderPool | None = None


def pool() -> RenderPool:
    """The process's render pool (made on first use with :func:`worker_count` workers)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = RenderPool(worker_count())
        return _pool
