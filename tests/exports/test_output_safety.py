"""Output is text, never code: chart pages, the charts ZIP and its gallery, light exports.

A period label and a catalogue source holding ``</script><script>alert(1)</script>`` must come
out of every HTML export as data: the only script elements are the page's own (the Vega
runtime, the specs block and the boot script), and the payload survives only inside the JSON.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import struct
import time
import zipfile
from dataclasses import replace
from html.parser import HTMLParser

import pytest

from funnel_core.exports.png_compact import compact_png

from funnel_core.benchmarks.catalogue import load_catalogue
from funnel_core.benchmarks.compare import compare
from funnel_core.domain.model import Context, Snapshot
from funnel_core.exports import images, report_charts
from funnel_core.exports.chart_page import script_json
from funnel_core.exports.chart_zip import GALLERY_NAME, charts_zip
from funnel_core.exports.report_html import report_html

AS_OF = dt.date(2026, 1, 31)
PAYLOAD = "</script><script>alert(1)</script>"
COMMENT = "<!-- x"

VALUES = dict(visitors=20000, leads=1400, mqls=560, sqls=140, opportunities=70, new_customers=20,
              trial_users=400, trial_conversions=60, customers_start=200, customers_churned=6,
              mrr_start=100000, mrr_new=8000, mrr_expansion=3000, mrr_contraction=1000,
              mrr_churned=2000, sales_marketing_spend=60000)


class _Scripts(HTMLParser):
    """Every ``<script>`` element of a page: its attributes and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[dict, str]] = []
        self._open: dict | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._open, self._text = dict(attrs), []

    def handle_data(self, data):
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._open is not None:
            self.scripts.append((self._open, "".join(self._text)))
            self._open = None


def _scripts(page: str) -> list[tuple[dict, str]]:
    parser = _Scripts()
    parser.feed(page)
    parser.close()
    return parser.scripts


def _assert_only_own_scripts(page: str) -> dict:
    """The page has exactly its three scripts; returns the decoded specs block."""
    assert PAYLOAD not in page and "<script><script>" not in page
    scripts = _scripts(page)
    assert len(scripts) == 3, [attrs for attrs, _ in scripts]
    (runtime_attrs, runtime), (data_attrs, data), (boot_attrs, boot) = scripts
    assert runtime_attrs == {} and "vegaEmbed" in runtime and len(runtime) > 100_000
    assert data_attrs == {"type": "application/json", "id": "chart-specs"}
    assert boot_attrs == {} and "JSON.parse" in boot and len(boot) < 1000
    assert "alert(1)" not in runtime + boot
    return json.loads(data)


@pytest.fixture(scope="module")
def hostile_report():
    """A report whose period label and a user catalogue's source hold the payload."""
    trial = next(b for b in load_catalogue() if b.kpi == "trial_to_paid_rate")
    mine = replace(trial, id="mine", label=f"Board goal {PAYLOAD}", source=f"{PAYLOAD} {COMMENT}",
                   segment=PAYLOAD, status="U", origin="board.csv", acv_band=("any",),
                   trial_type=("any",), motion=("any",), product_category=("any",))
    snapshot = Snapshot(dict(VALUES), Context(currency="EUR", acv_band="smb", trial_type="no_card",
                                              motion="self_serve"), label=f"2025-06 {PAYLOAD}")
    return compare(snapshot, list(load_catalogue()) + [mine])


@pytest.fixture(scope="module")
def hostile_zip(hostile_report) -> bytes:
    return charts_zip(hostile_report, AS_OF)


def test_script_json_cannot_end_a_script_element():
    text = script_json({"a": PAYLOAD, "b": COMMENT, "c": "x & y > z", "d": "\u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": PAYLOAD, "b": COMMENT, "c": "x & y > z", "d": "\u2028"}
    with pytest.raises(ValueError):
        script_json({"x": float("nan")})


def test_single_chart_page_keeps_the_payload_as_data(hostile_report):
    charts = report_charts.report_charts(hostile_report, AS_OF)
    bullet = next(c for c in charts if c.name == "bullet-trial_to_paid_rate")
    page = images.chart_html(bullet, f"Title {PAYLOAD}").decode("utf-8")
    data = _assert_only_own_scripts(page)
    assert "&lt;/script&gt;" in page.split("</title>")[0]  # the title is escaped
    assert PAYLOAD in json.dumps(data["charts"][0]["spec"], ensure_ascii=False)  # shown, as text
    assert data["options"]["actions"]["editor"] is False  # nothing is sent to the Vega editor
    assert "Content-Security-Policy" in page and "connect-src 'none'" in page


def test_every_html_export_escapes_the_payload(hostile_report, hostile_zip):
    archive = zipfile.ZipFile(io.BytesIO(hostile_zip))
    pages = {name: archive.read(name).decode("utf-8") for name in archive.namelist()
             if name.endswith(".html")}
    assert list(pages) == [GALLERY_NAME]
    data = _assert_only_own_scripts(pages[GALLERY_NAME])
    text = json.dumps(data, ensure_ascii=False)
    assert PAYLOAD in text and COMMENT in text  # the user's words are shown, as text
    # the HTML report embeds charts as images and escapes every text: no script at all
    report_page = report_html(hostile_report, AS_OF).decode("utf-8")
    assert PAYLOAD not in report_page and _scripts(report_page) == []


def test_charts_zip_is_png_and_svg_per_chart_with_one_gallery(hostile_report, hostile_zip):
    archive = zipfile.ZipFile(io.BytesIO(hostile_zip))
    names = archive.namelist()
    charts = report_charts.report_charts(hostile_report, AS_OF)
    assert names[0] == "README.txt" and names[-1] == GALLERY_NAME
    assert len(names) == 2 + 2 * len(charts)
    gallery = archive.read(GALLERY_NAME).decode("utf-8")
    data = _assert_only_own_scripts(gallery)
    assert len(data["charts"]) == len(charts)
    for chart in charts:
        assert f"{chart.name}.png" in names and f"{chart.name}.svg" in names
        assert f'href="{chart.name}.png"' in gallery  # the gallery links each file beside it
    # the runtime is there once, not once per chart
    assert gallery.count("window.vegaEmbed=") == 1
    # bounded per chart (the catalogue's growth KPIs add charts): about 150 KiB a chart
    # (PNG + SVG), plus the gallery with its runtime once
    assert len(hostile_zip) < 400 * 1024 + 150 * 1024 * len(charts)
    readme = archive.read("README.txt").decode("utf-8")
    assert GALLERY_NAME in readme


def _png_colour_type(data: bytes) -> int:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">IIBB", data[16:26])[3]


def test_png_is_opaque_and_compact_with_the_same_pixels(hostile_report):
    import vl_convert as vlc
    from PIL import Image

    for chart in report_charts.report_charts(hostile_report, AS_OF, key_only=True):
        compact = images.chart_png(chart)
        raw = bytes(vlc.svg_to_png(images.chart_svg(chart).decode("utf-8"), scale=2.0))
        assert _png_colour_type(raw) == 6  # vl-convert: RGBA
        assert _png_colour_type(compact) in (2, 3)  # RGB, or an exact palette
        assert len(compact) < len(raw) / 2
        with Image.open(io.BytesIO(compact)) as a, Image.open(io.BytesIO(raw)) as b:
            assert a.size == b.size
            assert a.convert("RGB").tobytes() == b.convert("RGB").tobytes()


def test_png_with_many_colours_or_transparency_stays_exact():
    from PIL import Image

    gradient = Image.new("RGBA", (64, 64))
    gradient.putdata([(x * 4, y * 4, (x * y) % 256, 255) for y in range(64) for x in range(64)])
    clear = Image.new("RGBA", (8, 8), (255, 0, 0, 0))
    for picture, expected in ((gradient, 2), (clear, 6)):
        buffer = io.BytesIO()
        picture.save(buffer, format="PNG", compress_level=0)
        out = compact_png(buffer.getvalue())
        assert _png_colour_type(out) == expected
        with Image.open(io.BytesIO(out)) as a:
            assert a.convert("RGBA").tobytes() == picture.tobytes()


def test_render_cache_forgets_after_its_time():
    cache = images._RenderCache(max_bytes=1000, ttl=0.05)
    cache.put(("a", "png", 2.0), b"x" * 10)
    assert cache.get(("a", "png", 2.0)) == b"x" * 10
    time.sleep(0.1)
    assert cache.get(("a", "png", 2.0)) is None
    cache.put(("b", "png", 2.0), b"y")
    assert cache._size == 1  # the expired entry no longer counts
