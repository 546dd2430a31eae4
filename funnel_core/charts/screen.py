"""Charts as the app draws them: the plot as wide as its column, the words around it as text.

An exported chart (PNG, SVG, HTML, the report) carries its title, subtitle and source footer
inside the picture, wrapped for its fixed width. On screen the same chart must fit any column,
from a 360 px phone to a wide desktop: words drawn inside a Vega chart cannot wrap, so there
they are cut ("Customer churn (monthly): your peri…") or they push the chart wider than the
screen. :func:`for_container` therefore splits a finished chart into

- the plot itself (marks, axes, legends) with ``width: "container"``, so Vega sizes it to the
  column it is drawn in, and its ``description`` (the accessible name a screen reader reads);
- its title, subtitle and footer as plain text, which the page writes above and below it,
  where it wraps on words at any width.

The words come from the chart's ``usermeta`` (:func:`funnel_core.charts.vega.chart_words`),
unwrapped; a chart without them falls back to its Vega-Lite ``title``. Charts whose body is a
side-by-side composition (``hconcat``) keep their fixed layout: only single and layered views
can follow a container's width in Vega-Lite.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

__all__ = ["ScreenChart", "for_container"]

#: Keys of a top-level spec that the plot keeps when its title and footer are taken out.
_TOP_LEVEL = ("$schema", "data", "datasets", "config", "padding", "params", "background",
              "usermeta", "description")


@dataclass(frozen=True)
class ScreenChart:
    """A chart split for the screen (see the module docstring).

    Attributes
    ----------
    spec : the Vega-Lite spec to draw (a dict; ``width`` is ``"container"`` when it can be).
    title : the chart's title ("" when it has none).
    subtitle : what the chart shows and how to read it, one paragraph per item.
    footer : sources and notes, one per item.
    description : the accessible name (also in ``spec["description"]``).
    fits_container : whether the plot follows its column's width.
    """

    spec: dict[str, Any]
    title: str
    subtitle: tuple[str, ...]
    footer: tuple[str, ...]
    description: str
    fits_container: bool


def _lines(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    return tuple(str(v) for v in value if str(v).strip())


def _unwrap(lines: tuple[str, ...]) -> tuple[str, ...]:
    """Lines wrapped for a fixed width back into paragraphs (continuations are indented)."""
    out: list[str] = []
    for line in lines:
        if line.startswith(" ") and out:
            out[-1] = f"{out[-1]} {line.strip()}"
        else:
            out.append(line.strip())
    return tuple(out)


def _words(spec: Mapping[str, Any]) -> dict[str, Any]:
    meta = spec.get("usermeta")
    words = meta.get("words") if isinstance(meta, Mapping) else None
    if isinstance(words, Mapping):
        return dict(words)
    title = spec.get("title")
    if isinstance(title, Mapping):
        return {"title": str(title.get("text") or ""), "subtitle": _lines(title.get("subtitle"))}
    return {"title": str(title or ""), "subtitle": ()}


def for_container(chart: Any) -> ScreenChart:
    """``chart`` (an Altair chart or a Vega-Lite dict) split for the screen.

    A finished benchmark chart (``vconcat`` of one layered view with the footer as that view's
    title, :func:`funnel_core.charts.vega.finish_chart`) becomes that layered view at the top
    level; a layered or single chart loses its title. Either way the plot gets
    ``width: "container"`` and keeps its height, data, theme and description. Charts that
    cannot follow a container (side-by-side views) are returned whole, words and all, with
    ``fits_container=False``.
    """
    spec: dict[str, Any] = chart if isinstance(chart, dict) else chart.to_dict(validate=False)
    words = _words(spec)
    title = str(words.get("title") or "")
    subtitle = _lines(words.get("subtitle"))
    footer = _unwrap(_lines(words.get("footer")))
    description = str(words.get("description") or spec.get("description") or title or "Chart")
    body: Mapping[str, Any] | None = None
    if "vconcat" in spec and len(spec["vconcat"]) == 1:
        inner = spec["vconcat"][0]
        if "layer" in inner or "mark" in inner:
            body = inner
    elif "layer" in spec or "mark" in spec:
        body = spec
    if body is None:
        return ScreenChart(dict(spec, description=description), title, subtitle, footer,
                           description, fits_container=False)
    plot = {k: v for k, v in body.items() if k not in ("title", "width", "autosize")}
    for key in _TOP_LEVEL:
        if key in spec and key not in plot:
            plot[key] = spec[key]
    plot["width"] = "container"
    # the width follows the column; the height is the plot's own plus what hangs below it
    # (axis titles, legends): "fit" would squeeze the plot to make room for them instead
    plot["autosize"] = {"type": "fit-x", "contains": "padding"}
    plot["description"] = description
    return ScreenChart(plot, title, subtitle, footer, description, fits_container=True)
