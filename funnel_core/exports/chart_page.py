"""Interactive chart pages: one chart, or a gallery of many, with the Vega runtime inlined once.

The pages work offline (no ``<script src>``, no fonts or images from elsewhere) and treat every
text of the chart as data, never as code:

- The Vega-Lite specs travel in one ``<script type="application/json">`` block written by
  :func:`script_json`, which escapes ``<``, ``>`` and ``&`` as ``\\u003c``... so a label such as
  ``</script><script>alert(1)</script>`` cannot close the block; the page's own script reads
  the block with ``JSON.parse``.
- Titles and file names are HTML-escaped.
- A Content-Security-Policy allows only the page's own two scripts (by their SHA-256), no
  network requests, and images from ``data:``/``blob:`` only (the chart menu's PNG/SVG
  export). Vega compiles its expressions with ``Function``, hence ``'unsafe-eval'``.
- The chart menu offers the image exports only (no "open in the Vega editor", which would
  send the chart to a third-party site).

The Vega, Vega-Lite and vega-embed bundle (about 0.9 MB) comes from vl-convert; it is built
once per process (about a second) and then reused.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import re
from dataclasses import dataclass
from typing import Any, Sequence

from funnel_core.domain.i18n import current_language, mark, tr

#: Messages shown inside formatted strings (marked here so they are extracted).
_T_ALSO_AS = mark('Also as')

__all__ = ["GalleryChart", "chart_page", "gallery_page", "script_json", "vega_bundle"]

#: vega-embed options: SVG renderer, and a menu with the image exports only.
EMBED_OPTIONS: dict[str, Any] = {
    "renderer": "svg",
    "actions": {"export": True, "source": False, "compiled": False, "editor": False},
}

#: Reads the specs block and draws each chart into its ``<div>`` (the same text on every page,
#: so its hash in the Content-Security-Policy is fixed).
_BOOT = (
    "(function(){var d=JSON.parse(document.getElementById('chart-specs').textContent);"
    "d.charts.forEach(function(c){vegaEmbed('#'+c.id,c.spec,d.options).catch(function(e){"
    "var n=document.getElementById(c.id);n.textContent=d.failed+e;});});"
    "})();"
)

_PAGE_CSS = (
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Liberation Sans',sans-serif;"
    "color:#1f2933;margin:24px;max-width:1100px}"
    "h1{font-size:1.4rem;margin:0 0 4px}h2{font-size:1.05rem;margin:28px 0 8px}"
    "p.meta{color:#5f6b7a;margin:0 0 12px}nav ul{columns:2;padding-left:1.2em}"
    "section{break-inside:avoid;page-break-inside:avoid}.files{font-size:.85rem;color:#5f6b7a}"
    ".vega-embed{max-width:100%;overflow-x:auto}"
)


@dataclass(frozen=True)
class GalleryChart:
    """One chart of a gallery: its file-name slug, title and Vega-Lite spec.

    ``files`` are the names of sibling files to link under the chart (e.g. the PNG and SVG in
    the same ZIP); they must be plain file names (no folders).
    """

    slug: str
    title: str
    spec: dict[str, Any]
    files: tuple[str, ...] = ()


def script_json(value: Any) -> str:
    """``value`` as JSON that is safe inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` are written as ``\\u003c``, ``\\u003e`` and ``\\u0026`` (they can
    only occur inside JSON strings, where these escapes mean the same characters), so no text
    can end the element (``</script>``) or open an HTML comment (``<!--``); U+2028 and U+2029
    are escaped too. NaN and infinities are refused (``ValueError``), as JSON has none.
    """
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, default=str, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


_SCRIPT_END = re.compile(r"</(script)", re.IGNORECASE)


@functools.lru_cache(maxsize=2)
def vega_bundle(vl_version: str) -> tuple[str, str]:
    """The Vega + Vega-Lite + vega-embed JavaScript (from vl-convert) and its CSP hash source.

    Built once per process and Vega-Lite version. Any ``</script`` inside the bundle (there is
    none in vl-convert 1.9, but a later bundle might have one in a string) is written
    ``<\\/script``, which JavaScript reads as the same text.
    """
    import vl_convert as vlc

    bundle = _SCRIPT_END.sub(r"<\\/\1", vlc.javascript_bundle(vl_version=vl_version))
    return bundle, _csp_hash(bundle)


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _page(title: str, body: str, charts: Sequence[GalleryChart], vl_version: str) -> str:
    bundle, bundle_hash = vega_bundle(vl_version)
    data = {"options": EMBED_OPTIONS, "failed": tr("This chart could not be drawn: "),
            "charts": [{"id": f"chart-{i}", "spec": c.spec} for i, c in enumerate(charts)]}
    policy = ("default-src 'none'; "
              f"script-src {bundle_hash} {_csp_hash(_BOOT)} 'unsafe-eval'; "
              "style-src 'unsafe-inline'; img-src data: blob:; font-src 'none'; "
              "connect-src 'none'; form-action 'none'; base-uri 'none'")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{current_language()}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">'  # no quote in it
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{_PAGE_CSS}</style>"
        f"<script>{bundle}</script></head>\n<body>{body}\n"
        f'<script type="application/json" id="chart-specs">{script_json(data)}</script>\n'
        f"<script>{_BOOT}</script>\n</body></html>\n"
    )


def chart_page(spec: dict[str, Any], title: str, vl_version: str) -> str:
    """A self-contained interactive HTML page of one chart (see the module notes).

    Parameters
    ----------
    spec : the Vega-Lite spec.
    title : the page title (the browser tab); escaped.
    vl_version : the Vega-Lite version of the bundle (vl-convert's name, e.g. ``"v6_4"``).
    """
    return _page(title or tr("Chart"), '<div id="chart-0"></div>',
                 [GalleryChart("chart", title, spec)], vl_version)


def gallery_page(charts: Sequence[GalleryChart], title: str, lines: Sequence[str],
                 vl_version: str) -> str:
    """One interactive HTML page showing every chart, the runtime inlined once.

    Parameters
    ----------
    charts : the charts, in order; each gets a heading, its drawing and links to ``files``.
    title : the page heading and browser-tab title; escaped.
    lines : short lines under the heading (date, period, context); each escaped.
    vl_version : the Vega-Lite version of the bundle.
    """
    e = html.escape
    parts = [f"<h1>{e(title)}</h1>"]
    parts += [f'<p class="meta">{e(line)}</p>' for line in lines]
    parts.append("<nav><ul>" + "".join(
        f'<li><a href="#{e(c.slug)}">{e(c.title)}</a></li>' for c in charts) + "</ul></nav>")
    for i, chart in enumerate(charts):
        files = " · ".join(f'<a href="{e(name)}">{e(name)}</a>' for name in chart.files)
        parts.append(f'<section id="{e(chart.slug)}"><h2>{e(chart.title)}</h2>'
                     f'<div id="chart-{i}"></div>'
                     + (f'<p class="files">{e(tr(_T_ALSO_AS))} {files}</p>' if files else "") + "</section>")
    return _page(title, "\n".join(parts), charts, vl_version)
