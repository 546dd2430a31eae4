"""The render worker process: same bytes as this process, and a dead worker costs nothing but time.

Each test gets its own :class:`RenderPool` in place of the process's and an empty render cache,
so charts really are drawn (by the worker or here) and nothing leaks between tests.
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from funnel_core.benchmarks.compare import compare
from funnel_core.domain.model import Context, Snapshot
from funnel_core.exports import images, render_pool, report_charts
from funnel_core.exports.chart_zip import charts_zip
from funnel_core.exports.engine import engine, font_directories
from funnel_core.exports.render_worker import MAX_FRAME, read_frame, write_frame

ROOT = Path(__file__).resolve().parents[2]
AS_OF = "2026-01-31"
VALUES = dict(visitors=20000, leads=1400, mqls=560, sqls=140, opportunities=70, new_customers=20,
              customers_start=200, customers_churned=6, mrr_start=100000, mrr_new=8000,
              mrr_expansion=3000, mrr_contraction=1000, mrr_churned=2000, sales_marketing_spend=60000)


@pytest.fixture(scope="module")
def report():
    return compare(Snapshot(VALUES, Context(currency="EUR"), label="2025-07"))


@pytest.fixture(scope="module")
def charts(report):
    return report_charts.report_charts(report, AS_OF, key_only=True)


@pytest.fixture
def fresh_pool(monkeypatch):
    """A pool with ``workers`` worker processes in place of the process's; stopped afterwards."""
    made: list[render_pool.RenderPool] = []

    def make(workers: int) -> render_pool.RenderPool:
        pool = render_pool.RenderPool(workers)
        made.append(pool)
        monkeypatch.setattr(render_pool, "_pool", pool)
        images.clear_image_cache()
        return pool

    yield make
    images.clear_image_cache()
    for pool in made:
        pool.stop()


def _same_svg(svg: bytes) -> bytes:
    """An SVG with its clip-path ids numbered from 1 in order of appearance: Vega numbers them
    with a counter of its engine (how many charts it drew before), which differs between
    processes and between draws; each file's own ids stay unique either way."""
    names: dict[bytes, bytes] = {}
    return re.sub(rb"clip\d+", lambda m: names.setdefault(m.group(0), b"clip%d" % (len(names) + 1)), svg)


def _in_this_process(fresh_pool, charts) -> dict[str, tuple[bytes, bytes]]:
    fresh_pool(0)
    return {c.name: (images.chart_svg(c), images.chart_png(c)) for c in charts}


def test_the_worker_draws_the_same_bytes_as_this_process(fresh_pool, charts):
    here = _in_this_process(fresh_pool, charts)
    pool = fresh_pool(1)
    assert pool.start(images.vl_version(), wait=60)
    assert images.prefetch(charts) == len(charts)
    deadline = time.monotonic() + 120
    while pool.pending() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pool.rendered_by_worker == len(charts)  # nothing was drawn here
    for chart in charts:
        assert _same_svg(images.chart_svg(chart)) == _same_svg(here[chart.name][0]), chart.name
        assert images.chart_png(chart) == here[chart.name][1], chart.name


def test_the_zip_is_the_same_with_and_without_a_worker(fresh_pool, report):
    fresh_pool(0)
    alone = charts_zip(report, AS_OF)
    pool = fresh_pool(1)
    assert pool.start(images.vl_version(), wait=60)
    shared = charts_zip(report, AS_OF)
    assert pool.rendered_by_worker > 0
    import zipfile

    with zipfile.ZipFile(io.BytesIO(alone)) as a, zipfile.ZipFile(io.BytesIO(shared)) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            if name.endswith(".svg"):
                assert _same_svg(a.read(name)) == _same_svg(b.read(name)), name
            else:
                assert a.read(name) == b.read(name), name


def test_a_worker_killed_mid_render_still_gives_the_chart(fresh_pool, charts):
    here = _in_this_process(fresh_pool, charts)
    pool = fresh_pool(1)
    assert pool.start(images.vl_version(), wait=60)
    overview = charts[0]
    images.prefetch([overview])
    deadline = time.monotonic() + 30
    job = pool._jobs.get(overview.digest)
    while job is not None and job.state != "worker" and time.monotonic() < deadline:
        time.sleep(0.001)
    assert job is not None and job.state == "worker"
    pids = pool.worker_pids()
    assert pids
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    # the caller waits for the worker, sees it fail, and draws the chart itself
    assert images.chart_png(overview) == here[overview.name][1]
    assert pool.failures >= 1
    # the next job starts a new worker
    images.prefetch(charts[1:3])
    deadline = time.monotonic() + 60
    while pool.pending() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pool.rendered_by_worker >= 1
    assert not set(pool.worker_pids()) & set(pids)


def test_a_worker_that_cannot_start_gives_its_queue_back(fresh_pool, charts, monkeypatch):
    here = _in_this_process(fresh_pool, charts[:3])
    pool = fresh_pool(1)

    def broken(self):  # noqa: ANN001 - stands in for _Worker.start
        raise render_pool.WorkerFailed("no worker here")

    monkeypatch.setattr(render_pool._Worker, "start", broken)
    images.prefetch(charts[:3])
    for chart in charts[:3]:
        assert images.chart_png(chart) == here[chart.name][1]
    assert pool.failures == 1
    assert pool.pending() == 0
    assert pool.submit([("x", "{}", None)], images.vl_version(), lambda *a: None) == 0  # not retried yet


def test_a_chart_still_queued_is_drawn_by_the_caller(fresh_pool, charts, monkeypatch):
    pool = fresh_pool(1)
    starting = threading.Event()
    go_on = threading.Event()
    real_start = render_pool._Worker.start

    def slow_start(self):  # noqa: ANN001 - the worker starts only when the test says so
        starting.set()
        go_on.wait(30)
        real_start(self)

    monkeypatch.setattr(render_pool._Worker, "start", slow_start)
    chart = charts[-1]
    assert images.prefetch([chart]) == 1
    assert starting.wait(30)
    assert pool._jobs[chart.digest].state == "queued"
    png = images.chart_png(chart)  # taken back from the queue and drawn here, not waited for
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert chart.digest not in pool._jobs
    go_on.set()
    assert pool.start(images.vl_version(), wait=60)
    assert pool.pending() == 0
    assert pool.rendered_by_worker == 0  # the worker never drew it


@pytest.mark.parametrize("raw, expected", [
    ("", "FUNNEL_DEFAULT"),
    ("0", 0),
    ("3", 3),
    ("99", 8),
    ("many", "FUNNEL_DEFAULT"),
])
def test_worker_count_from_the_environment(monkeypatch, raw, expected):
    monkeypatch.setenv("FUNNEL_RENDER_WORKERS", raw)
    default = 1 if (os.cpu_count() or 1) >= 2 else 0
    assert render_pool.worker_count() == (default if expected == "FUNNEL_DEFAULT" else expected)


# -- the worker process on its own ---------------------------------------------------------

def _worker(*args: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-m", "funnel_core.exports.render_worker", *args],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            env=env, cwd=str(ROOT))


def test_the_worker_answers_a_bad_spec_with_an_error_and_keeps_going(charts):
    process = _worker("--vl", images.vl_version())
    try:
        assert json.loads(read_frame(process.stdout)) == {"ready": True}
        write_frame(process.stdin, json.dumps({"spec": {"mark": "nonsense-mark"}, "vl": images.vl_version(),
                                               "scale": 2.0}).encode())
        answer = json.loads(read_frame(process.stdout))
        assert answer["ok"] is False and answer["error"]
        write_frame(process.stdin, json.dumps({"spec": charts[-1].spec, "vl": images.vl_version(),
                                               "scale": 2.0}).encode())
        assert json.loads(read_frame(process.stdout)) == {"ok": True}
        assert read_frame(process.stdout).lstrip().startswith(b"<svg")
        assert read_frame(process.stdout)[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        process.kill()
        process.wait()


def test_the_worker_leaves_when_idle_or_when_its_input_closes():
    idle = _worker("--idle", "0.3")
    assert json.loads(read_frame(idle.stdout)) == {"ready": True}
    assert idle.wait(timeout=30) == 0
    closed = _worker()
    assert json.loads(read_frame(closed.stdout)) == {"ready": True}
    closed.stdin.close()
    assert closed.wait(timeout=30) == 0


def test_frames_over_the_limit_are_refused():
    big = io.BytesIO(struct.pack(">I", MAX_FRAME + 1) + b"x" * 16)
    assert read_frame(big) is None
    short = io.BytesIO(struct.pack(">I", 10) + b"abc")  # the stream ends inside the frame
    assert read_frame(short) is None
    out = io.BytesIO()
    write_frame(out, b"hello")
    assert read_frame(io.BytesIO(out.getvalue())) == b"hello"


# -- the engine's fonts ----------------------------------------------------------------------

def test_engine_draws_text_and_leaves_the_environment_as_it_was():
    before = os.environ.get("FONTCONFIG_FILE")
    vlc = engine()
    assert engine() is vlc
    assert os.environ.get("FONTCONFIG_FILE") == before
    from PIL import Image

    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30">'
           '<rect width="120" height="30" fill="white"/>'
           '<text x="4" y="20" font-family="Liberation Sans" font-size="16">Zażółć 12,5 %</text></svg>')
    with Image.open(io.BytesIO(bytes(vlc.svg_to_png(svg, scale=1.0)))) as image:
        dark = sum(image.convert("L").histogram()[:128])
    assert dark > 100  # the text is drawn: a font was found


def test_font_directories_exist():
    for directory in font_directories():
        assert Path(directory).is_dir()


def test_the_servers_warm_up_writes_the_sample_pdf_and_keeps_its_charts(fresh_pool, monkeypatch):
    from funnel_core.exports import warm_up

    fresh_pool(0)
    written: list[bytes] = []
    real = warm_up.report_pdf
    monkeypatch.setattr(warm_up, "report_pdf", lambda *a, **k: written.append(real(*a, **k)) or written[-1])
    warm_up.warm_up()
    assert written and written[0].startswith(b"%PDF")
    assert images._CACHE._size > 0  # its charts stay rendered (until they expire)


def _held_pool(fresh_pool, monkeypatch) -> tuple[render_pool.RenderPool, threading.Event, list[str]]:
    """A one-worker pool whose worker starts only when the returned event is set; the digests
    it draws are appended to the returned list, in order."""
    pool = fresh_pool(1)
    go_on = threading.Event()
    real_start = render_pool._Worker.start

    def held_start(self):  # noqa: ANN001 - stands in for _Worker.start
        go_on.wait(30)
        real_start(self)

    monkeypatch.setattr(render_pool._Worker, "start", held_start)
    return pool, go_on, []


def _items(charts) -> list[tuple[str, str, float | None]]:
    return [(c.digest, json.dumps(c.spec, default=str), None) for c in charts]


def _wait_until_idle(pool: render_pool.RenderPool) -> None:
    deadline = time.monotonic() + 60
    while pool.pending():
        assert time.monotonic() < deadline
        time.sleep(0.02)


def test_background_charts_wait_for_the_ones_a_download_needs(fresh_pool, charts, monkeypatch):
    pool, go_on, drawn = _held_pool(fresh_pool, monkeypatch)
    first, second, needed, promoted = charts[:4]

    def store(digest, svg, scale, png):  # noqa: ANN001 - the pool's Store
        drawn.append(digest)

    version = images.vl_version()
    assert pool.submit(_items([first, second, promoted]), version, store, background=True) == 3
    assert pool.submit(_items([needed]), version, store) == 1
    assert pool.submit(_items([promoted]), version, store) == 1  # moved to the front queue
    assert pool.submit(_items([first]), version, store, background=True) == 0  # already queued
    go_on.set()
    _wait_until_idle(pool)
    assert drawn == [needed.digest, promoted.digest, first.digest, second.digest]


def test_the_background_queue_is_bounded(fresh_pool, charts, monkeypatch):
    pool, go_on, _ = _held_pool(fresh_pool, monkeypatch)
    monkeypatch.setattr(render_pool, "BACKGROUND_MAX", 2)
    assert pool.submit(_items(charts[:3]), images.vl_version(), lambda *a: None, background=True) == 2
    assert charts[2].digest not in pool._jobs
    go_on.set()
    _wait_until_idle(pool)


def test_a_background_chart_asked_for_is_taken_back(fresh_pool, charts, monkeypatch):
    pool, go_on, _ = _held_pool(fresh_pool, monkeypatch)
    chart = charts[-1]
    assert images.prefetch([chart], background=True) == 1
    assert images.chart_png(chart)[:8] == b"\x89PNG\r\n\x1a\n"  # drawn here, not waited for
    assert chart.digest not in pool._jobs and not pool._background
    go_on.set()
    assert pool.start(images.vl_version(), wait=60)
    assert pool.rendered_by_worker == 0


@pytest.mark.parametrize("workers", [0, 1], ids=["no-worker-does-nothing", "one-worker-draws-ahead"])
def test_the_zip_charts_drawn_ahead_are_the_zips_charts(fresh_pool, report, workers):
    from funnel_core.exports.chart_zip import draw_ahead

    pool = fresh_pool(workers)
    queued = draw_ahead(report, AS_OF)
    if not workers:
        assert queued == 0
        return
    total = len(report_charts.report_charts(report, AS_OF))
    assert queued == total  # every chart of the ZIP, none drawn yet
    _wait_until_idle(pool)
    assert pool.rendered_by_worker == total
    before = pool.rendered_by_worker
    archive = charts_zip(report, AS_OF)
    assert archive[:4] == b"PK\x03\x04"
    assert pool.rendered_by_worker == before  # the ZIP found every chart drawn


def test_nothing_is_drawn_ahead_while_the_worker_has_other_charts(fresh_pool, report, charts, monkeypatch):
    from funnel_core.exports.chart_zip import draw_ahead

    pool, go_on, _ = _held_pool(fresh_pool, monkeypatch)
    assert images.prefetch(charts[:1]) == 1  # another session's download
    assert draw_ahead(report, AS_OF) == 0
    go_on.set()
    _wait_until_idle(pool)
    assert draw_ahead(report, AS_OF) > 0
    _wait_until_idle(pool)


def test_take_back_gives_a_queued_chart_to_the_caller_and_nothing_else(fresh_pool, charts, monkeypatch):
    pool, go_on, _ = _held_pool(fresh_pool, monkeypatch)
    queued, other = charts[0], charts[1]
    assert images.prefetch([queued]) == 1
    assert pool.take_back(other.digest) is False  # never submitted
    assert pool.take_back(queued.digest) is True
    assert pool.take_back(queued.digest) is False  # already the caller's
    assert pool.pending() == 0
    go_on.set()
    assert pool.start(images.vl_version(), wait=60)
    assert pool.rendered_by_worker == 0


def test_draw_queued_draws_from_the_back_what_no_worker_has(fresh_pool, charts, monkeypatch):
    pool, go_on, _ = _held_pool(fresh_pool, monkeypatch)
    assert images.prefetch(charts) == len(charts)
    drawn_here: list[str] = []
    real_png = images.chart_png

    def recorded(chart, scale=images.PNG_SCALE):  # noqa: ANN001 - stands in for chart_png
        drawn_here.append(chart.digest)
        return real_png(chart, scale=scale)

    monkeypatch.setattr(images, "chart_png", recorded)
    # the worker has not started: every chart is still queued, so all are drawn here, last first
    assert images.draw_queued(charts) == len(charts)
    assert drawn_here == [c.digest for c in reversed(charts)]
    assert images.draw_queued(charts) == 0  # all rendered now
    go_on.set()
    assert pool.start(images.vl_version(), wait=60)
    assert pool.rendered_by_worker == 0


def test_draw_queued_leaves_the_charts_a_worker_draws(fresh_pool, charts):
    pool = fresh_pool(1)
    assert pool.start(images.vl_version(), wait=60)
    images.prefetch(charts)
    here = images.draw_queued(charts)
    _wait_until_idle(pool)
    # each chart drawn once, by one side or the other; the worker had a head start on the first
    assert here + pool.rendered_by_worker == len(charts)
    assert pool.rendered_by_worker >= 1
    assert all(images.chart_png(c)[:4] == b"\x89PNG" for c in charts)
