"""A generated download stays on the server until the browser has had time to fetch it.

Every download button in the app is *deferred*: the file (PDF, ZIP, PNG, CSV) is made when the
button is clicked, and the browser then fetches it from ``/media/<id>``. Streamlit 1.67 stores
that generated file without a reference to any session ("We leave actual_file_id unmapped"),
and the end of *every* script run, in *any* session, calls ``remove_orphaned_files()``: its
first pass marks an unreferenced download, its second pass deletes it. With several sessions
busy at once, two script runs can end between the click and the browser's fetch, and the user's
download fails as "cancelled" (seen in ``bench/bench_load.py --memory-waves``: 1-3 of 10 sessions).

:func:`install` keeps each generated download for at least :data:`GRACE_SECONDS` after it was
made; after that it leaves as before, at the next two clean-up passes. :func:`sweep` runs such a
pass from the housekeeping thread when no session is connected, so the downloads of sessions
that have all closed leave too (otherwise they wait for the next script run anywhere).

This reaches into Streamlit's ``MediaFileManager`` and the runtime's session manager (not
public APIs). Every step is checked: on a Streamlit version without these methods
:func:`install` does nothing and returns False, and :func:`sweep` does nothing.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable

__all__ = ["GRACE_SECONDS", "install", "sweep"]

#: Seconds a generated download is kept, at least, for the browser to fetch it.
GRACE_SECONDS = 120.0

_lock = threading.Lock()
#: file id -> when it was made (``clock()``), for downloads made since :func:`install`.
_made_at: dict[str, float] = {}
_clock: Callable[[], float] = time.monotonic


def _file_id_of(url: str) -> str:
    """``/media/<id>.pdf`` -> ``<id>``."""
    name = url.rsplit("/", 1)[-1]
    return name.split(".", 1)[0]


def install(manager_class: Any = None, *, clock: Callable[[], float] | None = None) -> bool:
    """Patch ``MediaFileManager`` (once per process) so a fresh download outlives two clean-ups.

    Parameters
    ----------
    manager_class
        The class to patch; Streamlit's ``MediaFileManager`` when None.
    clock
        Seconds, monotonic; ``time.monotonic`` when None (tests pass a fake).

    Returns
    -------
    bool
        True when the class is (now or already) patched, False when this Streamlit has no
        such methods.
    """
    global _clock
    if clock is not None:
        _clock = clock
    if manager_class is None:
        try:
            from streamlit.runtime.media_file_manager import MediaFileManager as manager_class
        except Exception:  # noqa: BLE001 - another Streamlit: nothing to patch
            return False
    execute = getattr(manager_class, "execute_deferred", None)
    delete = getattr(manager_class, "_delete_file", None)
    if not callable(execute) or not callable(delete):
        return False
    with _lock:
        if getattr(manager_class, "_funnel_download_grace", False):
            return True

        def execute_deferred(self: Any, file_id: str, *args: Any, **kwargs: Any) -> str:
            url = execute(self, file_id, *args, **kwargs)
            if isinstance(url, str):
                _made_at[_file_id_of(url)] = _clock()
            return url

        def _delete_file(self: Any, file_id: str) -> None:
            made = _made_at.get(file_id)
            if made is not None and _clock() - made < GRACE_SECONDS:
                return  # still marked: a pass after the grace period deletes it
            _made_at.pop(file_id, None)
            delete(self, file_id)

        execute_deferred.__doc__ = execute.__doc__
        manager_class.execute_deferred = execute_deferred
        manager_class._delete_file = _delete_file
        manager_class._funnel_download_grace = True
    return True


def sweep() -> bool:
    """One clean-up pass of the server's media files, when no session is connected.

    Called by the housekeeping thread. With a session connected it does nothing: that
    session's own script runs clean up, and a pass in the middle of its run (after Streamlit
    has dropped the run's references, before the page has made them again) could remove a
    button's file the page still shows. Returns True when it ran a pass.
    """
    try:
        from streamlit.runtime import Runtime

        if not Runtime.exists():
            return False
        runtime = Runtime.instance()
        if runtime._session_mgr.num_active_sessions() != 0:
            return False
        runtime.media_file_mgr.remove_orphaned_files()
    except Exception:  # noqa: BLE001 - best effort: the next script run does the same
        return False
    return True
