"""A rendered chart's PNG stored smaller with exactly the same pixels.

vl-convert writes RGBA with fast, light compression (the overview chart at scale 2 is about
2 MB). The charts have an opaque white background and, flat colours plus their anti-aliasing,
rarely more than 200 colours: such a picture is stored with an exact palette (about a seventh
of the size), any other opaque one as RGB (about a quarter). PDF, XLSX and ZIP get smaller and
embed faster. Used by :mod:`funnel_core.exports.images` and by the render worker
(:mod:`funnel_core.exports.render_worker`), so it imports only Pillow and NumPy.
"""

from __future__ import annotations

import io

__all__ = ["compact_png"]

#: Colours a palette PNG can hold.
_PALETTE_SIZE = 256


def compact_png(data: bytes) -> bytes:
    """The same pixels as a smaller PNG: a palette image, or RGB instead of RGBA.

    Each pixel's colour is looked up in a table of the picture's own colours (at most 256,
    counted first), so the palette is exact by construction, not an approximation.

    Parameters
    ----------
    data : a PNG file, as vl-convert writes it (RGBA).

    Returns
    -------
    bytes
        A palette (colour type 3) or RGB (type 2) PNG with the same pixels, if smaller;
        ``data`` unchanged for a picture with transparency, another mode, or any problem.
    """
    try:
        import numpy as np
        from PIL import Image  # installed with fpdf2 and streamlit

        with Image.open(io.BytesIO(data)) as image:
            if image.mode != "RGBA":
                return data
            image.load()
            rgba = np.asarray(image)
            if rgba[..., 3].min() != 255:  # transparency: keep the alpha channel
                return data
            colours = image.getcolors(_PALETTE_SIZE)  # None if there are more
        out = io.BytesIO()
        if colours is not None:
            palette = np.array([colour for _, colour in colours], dtype=np.uint8)
            # a pixel's red, green and blue as one number 0..2**24-1 (alpha is 255 throughout)
            rgb_number = np.ascontiguousarray(rgba).view("<u4")[..., 0] & 0xFFFFFF
            table_keys = palette.view("<u4")[:, 0] & 0xFFFFFF
            lookup = np.zeros(1 << 24, dtype=np.uint8)  # 16 MB, pages touched only where used
            lookup[table_keys] = np.arange(len(palette), dtype=np.uint8)
            indexed = Image.fromarray(lookup[rgb_number], "P")
            indexed.putpalette(palette[:, :3].tobytes())
            indexed.save(out, format="PNG", compress_level=3)
        else:
            Image.fromarray(np.ascontiguousarray(rgba[..., :3]), "RGB").save(
                out, format="PNG", compress_level=3)
    except Exception:  # noqa: BLE001 - an optimisation only: keep the original picture
        return data
    smaller = out.getvalue()
    return smaller if len(smaller) < len(data) else data
