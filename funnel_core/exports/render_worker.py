"""The render worker: a second process that turns chart specs into SVG and PNG.

Started by :mod:`funnel_core.exports.render_pool` as ``python -m
funnel_core.exports.render_worker``; it imports only vl-convert, Pillow and NumPy (no pandas,
Altair or Streamlit), starts vl-convert's engine, says it is ready, then answers one request
at a time on its standard input and output until that closes or it has been idle for
``--idle`` seconds.

Wire format (both directions): frames of a 4-byte big-endian length and that many bytes.
A request is one JSON frame ``{"spec": <Vega-Lite>, "vl": "v6_4", "scale": 2.0 | null}``;
the answer is a JSON frame ``{"ok": true}`` followed by two frames, the SVG (UTF-8) and the
PNG (empty when ``scale`` is null), or ``{"ok": false, "error": "..."}`` alone. JSON and raw
bytes only, never pickle: the parent does not run anything the worker sends.
"""

from __future__ import annotations

import argparse
import json
import os
import select
import struct
import sys
from typing import BinaryIO

__all__ = ["main", "read_frame", "write_frame"]

#: Largest frame either side accepts (a spec or a rendered chart), in bytes.
MAX_FRAME = 64 * 1024 * 1024

#: A Vega-Lite spec drawn once at start, so the first real chart does not start the engine.
_WARM_SPEC = {"mark": "point", "data": {"values": [{"x": 1}]},
              "encoding": {"x": {"field": "x", "type": "quantitative"}}}


def write_frame(stream: BinaryIO, data: bytes) -> None:
    """Write one frame (length, then ``data``) and flush."""
    stream.write(struct.pack(">I", len(data)))
    stream.write(data)
    stream.flush()


def _read_exactly(stream: BinaryIO, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_frame(stream: BinaryIO) -> bytes | None:
    """One frame's bytes, or ``None`` at the end of the stream or on a frame over the limit."""
    head = _read_exactly(stream, 4)
    if head is None:
        return None
    (size,) = struct.unpack(">I", head)
    if size > MAX_FRAME:
        return None
    return _read_exactly(stream, size)


def _rss_bytes() -> int:
    """This process's resident memory (Linux ``/proc``; 0 where unknown)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _answer(vlc, request: dict, out: BinaryIO) -> None:  # type: ignore[no-untyped-def]
    from funnel_core.exports.png_compact import compact_png

    try:
        svg = vlc.vegalite_to_svg(request["spec"], vl_version=request["vl"])
        scale = request.get("scale")
        png = compact_png(bytes(vlc.svg_to_png(svg, scale=float(scale)))) if scale else b""
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which renders itself
        write_frame(out, json.dumps({"ok": False, "error": f"{type(exc).__name__}: {exc}"[:500]})
                    .encode("utf-8"))
        return
    write_frame(out, b'{"ok": true}')
    write_frame(out, svg.encode("utf-8"))
    write_frame(out, png)


def main(argv: list[str] | None = None) -> int:
    """Serve render requests on stdin/stdout; returns the exit status (0: closed or idle)."""
    parser = argparse.ArgumentParser(prog="python -m funnel_core.exports.render_worker")
    parser.add_argument("--idle", type=float, default=600.0, help="exit after this many idle seconds")
    parser.add_argument("--max-rss-mb", type=float, default=1024.0,
                        help="exit after a request that left more memory than this in use")
    parser.add_argument("--vl", default="v6_4", help="Vega-Lite version of the warm-up chart")
    args = parser.parse_args(argv)
    os.environ["RUST_BACKTRACE"] = "0"
    # unbuffered input: select() must see every byte that has not been read yet
    inp, out = os.fdopen(sys.stdin.fileno(), "rb", buffering=0), sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing printed by a library may corrupt the frames

    from funnel_core.exports.engine import engine

    vlc = engine()
    vlc.vegalite_to_svg(_WARM_SPEC, vl_version=args.vl)
    write_frame(out, b'{"ready": true}')
    while True:
        readable, _, _ = select.select([inp], [], [], args.idle)
        if not readable:
            return 0  # idle: give the memory back; the parent starts a new one when needed
        frame = read_frame(inp)
        if frame is None:
            return 0
        try:
            request = json.loads(frame)
        except ValueError:
            return 2
        _answer(vlc, request, out)
        if _rss_bytes() > args.max_rss_mb * 1024 * 1024:
            return 0


if __name__ == "__main__":  # pragma: no cover - run as a process by render_pool
    sys.exit(main())
