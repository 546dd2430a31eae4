"""One chart as an image or page: PNG, SVG and interactive HTML, rendered without a browser.

vl-convert renders the Altair charts. Rendered charts are cached by spec digest (bounded,
thread-safe), so the same chart is rendered once per format whichever download asks for it
(PNG, ZIP, XLSX, PDF). Rendering takes 0.1-0.7 s per chart (see docs/PERFORMANCE_exports.md):
call these lazily, only when a download is asked for.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, Sequence

from funnel_core.domain.constants import CACHE_TTL_SECONDS
from funnel_core.exports.engine import engine
from funnel_core.exports.png_compact import compact_png
from funnel_core.exports.render_pool import pool

if TYPE_CHECKING:  # pragma: no cover - typing only
    import altair as alt

__all__ = [
    "PNG_SCALE",
    "AnnotatedChart",
    "NamedChartLike",
    "chart_html",
    "chart_png",
    "chart_size",
    "chart_svg",
    "clear_image_cache",
    "draw_queued",
    "prefetch",
    "expire_image_cache",
    "spec_digest",
    "spec_of",
    "vl_version",
    "warm_up",
]

#: Scale of PNG renders: 2 keeps charts sharp on retina screens and in print.
PNG_SCALE = 2


class NamedChartLike(Protocol):
    """What :func:`funnel_core.charts.catalog.chart_catalog` returns for each chart."""

    name: str
    title: str
    chart: Any


@dataclass(frozen=True)
class AnnotatedChart:
    """A chart ready for export (title, sources and date guaranteed) with its Vega-Lite spec."""

    name: str
    title: str
    chart: Any
    spec: dict = field(repr=False, compare=False)
    digest: str = field(repr=False, compare=False)


class _RenderCache:
    """Rendered charts by spec digest, bounded by total bytes and by age (thread-safe).

    The app offers several downloads of the same charts (PNG, ZIP, XLSX, PDF); rendering is
    the slow part, so each distinct chart is rendered once per format while it stays here.
    An entry leaves when the cache is over ``max_bytes`` (least recently used first) or
    ``ttl`` seconds after it was made, so the memory of a finished session comes back.
    """

    def __init__(self, max_bytes: int, ttl: float = 3600.0) -> None:
        self.max_bytes = max_bytes
        self.ttl = ttl
        self._items: OrderedDict[tuple[str, str, float], tuple[bytes, float]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def _expire(self, now: float) -> None:
        for key in [k for k, (_, made) in self._items.items() if now - made > self.ttl]:
            data, _ = self._items.pop(key)
            self._size -= len(data)

    def get(self, key: tuple[str, str, float]) -> bytes | None:
        with self._lock:
            self._expire(time.monotonic())
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key: tuple[str, str, float], data: bytes) -> None:
        if len(data) > self.max_bytes // 4:
            return
        with self._lock:
            now = time.monotonic()
            self._expire(now)
            if key in self._items:
                return
            self._items[key] = (data, now)
            self._size += len(data)
            while self._size > self.max_bytes and self._items:
                _, (old, _) = self._items.popitem(last=False)
                self._size -= len(old)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0

    def expire(self) -> None:
        """Drop the entries older than ``ttl`` now, not only at the next access."""
        with self._lock:
            self._expire(time.monotonic())


#: 64 MB holds every chart of a few reports; the time limit covers a session's downloads.
_CACHE = _RenderCache(max_bytes=64 * 1024 * 1024, ttl=CACHE_TTL_SECONDS)


def expire_image_cache() -> None:
    """Drop the rendered charts older than the cache's time limit."""
    _CACHE.expire()


def clear_image_cache() -> None:
    """Forget every rendered chart (PNG, SVG) of this process."""
    _CACHE.clear()

def vl_version() -> str:
    """The Vega-Lite version Altair writes, in vl-convert's spelling (e.g. ``"v6_4"``)."""
    from altair.utils._importers import vl_version_for_vl_convert

    return vl_version_for_vl_convert()


def spec_digest(chart: Any) -> tuple[dict[str, Any], str, str]:
    """The Vega-Lite spec of ``chart``, its digest (the cache key) and its JSON text."""
    spec = chart if isinstance(chart, dict) else chart.to_dict(validate=False)
    text = json.dumps(spec, sort_keys=True, default=str, ensure_ascii=False)
    return spec, hashlib.sha256(text.encode("utf-8")).hexdigest(), text


def spec_of(chart: Any) -> tuple[dict[str, Any], str]:
    """The Vega-Lite spec and digest of an Altair chart, a spec dict or an exported chart."""
    if isinstance(chart, AnnotatedChart):
        return chart.spec, chart.digest
    spec, digest, _ = spec_digest(chart)
    return spec, digest


def _store(digest: str, svg: str, scale: float | None, png: bytes) -> None:
    """Keep a chart the render worker drew (its SVG, and its PNG at ``scale``)."""
    _CACHE.put((digest, "svg", 1.0), svg.encode("utf-8"))
    if scale and png:
        _CACHE.put((digest, "png", float(scale)), png)


def prefetch(charts: Sequence[Any], scale: float | None = PNG_SCALE, *, background: bool = False) -> int:
    """Start rendering ``charts`` in the render worker, in this order, and return at once.

    The results land in the render cache; :func:`chart_svg`/:func:`chart_png` then read them,
    wait for a chart the worker is drawing, or draw a chart still queued themselves (see
    :mod:`funnel_core.exports.render_pool`). Charts already rendered are skipped. With
    ``background``, the charts are drawn only while no download waits for the worker (charts
    that may be asked for soon). Returns how many were queued (0 without a worker process:
    everything is drawn when asked for).
    """
    render_jobs = pool()
    if render_jobs.workers <= 0:
        return 0
    items = []
    for chart in charts:
        spec, digest = spec_of(chart)
        have_svg = _CACHE.get((digest, "svg", 1.0)) is not None
        if have_svg and (scale is None or _CACHE.get((digest, "png", float(scale))) is not None):
            continue
        items.append((digest, json.dumps(spec, default=str, ensure_ascii=False),
                      float(scale) if scale else None))
    return render_jobs.submit(items, vl_version(), _store, background=background)


def draw_queued(charts: Sequence[Any], scale: float = PNG_SCALE) -> int:
    """Draw here, from the back of ``charts``, each chart still waiting in the render queue.

    A download that needs several charts calls this before it reads them in order: the
    render worker draws from the front while this process draws from the back, and neither
    waits for the other. Charts already rendered or being drawn by a worker are skipped
    (reading them later waits for the worker). Returns how many were drawn here.
    """
    drawn = 0
    render_jobs = pool()
    for chart in reversed(charts):
        if render_jobs.take_back(spec_of(chart)[1]):
            chart_png(chart, scale=scale)
            drawn += 1
    return drawn


def _cached_or_claimed(key: tuple[str, str, float]) -> bytes | None:
    """The cached render, after waiting for the worker if it is drawing this chart."""
    cached = _CACHE.get(key)
    if cached is None and pool().claim_or_wait(key[0]):
        cached = _CACHE.get(key)
    return cached


def _svg_text(spec: dict[str, Any], digest: str) -> str:
    key = (digest, "svg", 1.0)
    cached = _cached_or_claimed(key)
    if cached is not None:
        return cached.decode("utf-8")
    vlc = engine()
    text = vlc.vegalite_to_svg(spec, vl_version=vl_version())
    _CACHE.put(key, text.encode("utf-8"))
    return text


def chart_png(chart: "alt.TopLevelMixin", scale: float = PNG_SCALE) -> bytes:
    """Render an Altair chart to PNG without a browser (vl-convert).

    Parameters
    ----------
    chart : any top-level Altair chart (or its Vega-Lite spec as a dict).
    scale : pixel density; 2 (the default) gives sharp images on retina screens and paper.

    Returns
    -------
    bytes
        The PNG file (starts with ``\\x89PNG``).
    """
    spec, digest = spec_of(chart)
    key = (digest, "png", float(scale))
    cached = _cached_or_claimed(key)
    if cached is not None:
        return cached
    vlc = engine()
    # rasterise the SVG: the same pixels as vegalite_to_png, and the SVG is reused by the
    # SVG and HTML-report downloads
    data = compact_png(bytes(vlc.svg_to_png(_svg_text(spec, digest), scale=float(scale))))
    _CACHE.put(key, data)
    return data


def chart_svg(chart: "alt.TopLevelMixin") -> bytes:
    """Render an Altair chart to a standalone SVG file (UTF-8 bytes with an XML declaration)."""
    spec, digest = spec_of(chart)
    text = _svg_text(spec, digest)
    if not text.lstrip().startswith("<?xml"):
        text = '<?xml version="1.0" encoding="UTF-8"?>\n' + text
    return text.encode("utf-8")


def chart_size(chart: "alt.TopLevelMixin") -> tuple[float, float]:
    """Width and height of the rendered chart in CSS pixels (1/96 inch), from its SVG."""
    spec, digest = spec_of(chart)
    head = _svg_text(spec, digest)[:2000]
    start = head.find("<svg")
    tag = head[start:head.find(">", start)] if start >= 0 else ""
    size = []
    for name in ("width", "height"):
        found = re.search(rf'\s{name}="([0-9.]+)', tag)
        size.append(float(found.group(1)) if found else 0.0)
    return size[0], size[1]


def chart_html(chart: "alt.TopLevelMixin", title: str | None = None) -> bytes:
    """A self-contained interactive HTML page of the chart.

    The Vega, Vega-Lite and vega-embed JavaScript is inlined (no ``<script src>``), so the
    page works offline and can be mailed as one file. Every text of the chart is data, never
    code: see :mod:`funnel_core.exports.chart_page`.

    Parameters
    ----------
    chart : any top-level Altair chart (or its Vega-Lite spec as a dict).
    title : the page title (the browser tab); escaped.
    """
    from funnel_core.exports.chart_page import chart_page

    spec, _ = spec_of(chart)
    return chart_page(spec, title or "Chart", vl_version()).encode("utf-8")


def warm_up() -> None:
    """Start vl-convert's JavaScript engine and build the HTML pages' Vega bundle now.

    Each costs about a second, once per process; the app does it in a background thread when
    the server starts (:func:`funnel_core.exports.warm_up.warm_up_in_background`), so the first
    download a user asks for
    does not pay for it.
    """
    from funnel_core.exports.chart_page import vega_bundle

    vlc = engine()
    render_jobs = pool()
    render_jobs.start(vl_version())  # the render worker starts beside this engine
    vlc.vegalite_to_svg({"mark": "point", "data": {"values": [{"x": 1}]},
                         "encoding": {"x": {"field": "x", "type": "quantitative"}}},
                        vl_version=vl_version())
    vega_bundle(vl_version())
    render_jobs.start(vl_version(), wait=30.0)
