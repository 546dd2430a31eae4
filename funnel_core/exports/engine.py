"""vl-convert, the chart renderer, started once per process with its fonts held in memory.

Why this module exists: vl-convert (1.9) lays out text with a font database that it fills from
the system's font directories, and for a font found on disk it opens and maps the font file
again for every glyph it measures or draws. A 50-word SVG opened ``LiberationSans-Regular.ttf``
2,860 times (seen with ``strace``); text layout was 80-90 % of every render (0.1-0.9 s a chart).
vl-convert also carries Liberation Sans, the charts' font (``assets/theme.json``), built in and
held in memory. :func:`engine` makes that copy the one it uses:

1. the first time, it lets vl-convert build its font database from a font configuration that
   names one empty directory, so only the built-in, in-memory Liberation Sans is loaded;
2. then it adds the system's font directories (``register_font_directory``) after it, so every
   other family and every glyph Liberation Sans lacks (fallback) is still found, as before.

A family present twice resolves to the face loaded first, the built-in one. The same charts
render 3-4 times faster (docs/PERFORMANCE.md). On systems without fontconfig (macOS, Windows)
nothing is changed. If vl-convert already rendered before :func:`engine` ran (another library
called it first), its fonts are left as they are: only the speed is lost.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from pathlib import Path
from types import ModuleType

__all__ = ["engine", "font_directories"]

_lock = threading.Lock()
_module: ModuleType | None = None

#: The directories fontdb reads when fontconfig names none (its own Linux defaults).
_SYSTEM_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts")

#: A tiny SVG with text: rendering it makes vl-convert build its font database now.
_PROBE_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20">'
              '<text x="1" y="12" font-family="Liberation Sans" font-size="10">A</text></svg>')


def font_directories() -> list[str]:
    """The system font directories that exist (Linux defaults, ``~`` expanded)."""
    found = []
    for name in _SYSTEM_FONT_DIRS:
        path = Path(name).expanduser()
        if path.is_dir():
            found.append(str(path))
    return found


def _start(vlc: ModuleType) -> None:
    """Build vl-convert's font database with the built-in fonts first (Linux only)."""
    if not sys.platform.startswith("linux"):
        return
    with tempfile.TemporaryDirectory(prefix="funnel-fonts-") as empty:
        config = Path(empty) / "fonts.conf"
        config.write_text('<?xml version="1.0"?>\n<fontconfig><dir>'
                          f"{empty}</dir></fontconfig>\n", encoding="utf-8")
        before = os.environ.get("FONTCONFIG_FILE")
        os.environ["FONTCONFIG_FILE"] = str(config)
        try:
            vlc.svg_to_png(_PROBE_SVG, scale=1.0)  # vl-convert reads its fonts here, once
        finally:
            if before is None:
                os.environ.pop("FONTCONFIG_FILE", None)
            else:
                os.environ["FONTCONFIG_FILE"] = before
    for directory in font_directories():
        try:
            vlc.register_font_directory(directory)
        except Exception:  # noqa: BLE001 - that directory's families stay unavailable
            pass


def engine() -> ModuleType:
    """The ``vl_convert`` module, its fonts set up the first time (thread-safe).

    Every render of this package goes through here, so whichever download comes first sets
    the fonts up before vl-convert lays out any chart text.
    """
    global _module
    if _module is not None:
        return _module
    with _lock:
        if _module is None:
            import vl_convert as vlc

            try:
                _start(vlc)
            except Exception:  # noqa: BLE001 - a speed-up only: vl-convert works without it
                pass
            _module = vlc
    return _module
