"""Run a reader that might crash or run away in a separate worker process.

The native XLSX reader can abort the whole process (a failed allocation is not a Python
exception) or hold gigabytes for minutes. In the app that would end every user's
session, so workbook readers run through :func:`run_isolated`: a child process with a
memory cap (``RLIMIT_AS`` on Linux) and a timeout. Whatever happens to the child -- a
signal, ``MemoryError``, the timeout -- the caller gets an
:class:`~funnel_core.inputs.limits.InputLimitError` saying the workbook could not be read,
never another exception type.

Workers are forked from a ``forkserver`` process that has pandas and the XLSX readers
already imported, so a call costs a fork (tens of milliseconds), not a fresh interpreter.
Where ``forkserver`` does not exist (Windows) the ``spawn`` method is used (about a second
per call). At most :data:`MAX_WORKERS` readers run at once; later calls wait for a slot.
Arguments and results cross the process boundary by pickling (bytes, DataFrames and the
package's dataclasses do). The worker speaks the caller's language
(:func:`~funnel_core.domain.i18n.current_language` is passed along and set there), so the
messages it writes -- a sheet that does not exist, columns that fit no layout -- come back
translated.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import pickle
import threading
import time
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from funnel_core.domain.i18n import current_language, set_language, tr
from funnel_core.inputs.limits import DEFAULT_LIMITS, InputLimitError

try:  # POSIX only
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]

__all__ = ["MAX_WORKERS", "WorkerError", "run_isolated", "start_method", "worker_died"]

T = TypeVar("T")

#: Readers running at the same time (each may use up to its memory cap).
MAX_WORKERS = max(2, os.cpu_count() or 1)

#: Imported once in the fork server so each worker starts warm.
_PRELOAD = ["funnel_core.inputs.isolated", "pandas", "python_calamine", "openpyxl",
            "funnel_core.inputs.workbook_reader", "funnel_core.inputs.billing_table"]

_context_lock = threading.Lock()
_context: Any = None
_slots = threading.BoundedSemaphore(MAX_WORKERS)


class WorkerError(RuntimeError):
    """The function raised an exception that cannot cross the process boundary.

    Carries the original type name and message (for example a native reader's panic).
    """


def start_method() -> str:
    """The multiprocessing start method used: ``"forkserver"`` where it exists, else ``"spawn"``."""
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


def _get_context() -> Any:
    global _context
    with _context_lock:
        if _context is None:
            method = start_method()
            ctx = multiprocessing.get_context(method)
            if method == "forkserver":
                ctx.set_forkserver_preload(_PRELOAD)
            _context = ctx
        return _context


try:  # POSIX: forkserver workers that do not re-import the caller's main module
    from multiprocessing import popen_forkserver as _popen_forkserver
    from multiprocessing.context import ForkServerProcess as _ForkServerProcess
except ImportError:  # pragma: no cover - Windows
    _popen_forkserver = None  # type: ignore[assignment]

if _popen_forkserver is not None:

    class _NoMainPopen(_popen_forkserver.Popen):  # type: ignore[misc,name-defined]
        """``popen_forkserver.Popen`` whose child does not import the parent's ``__main__``.

        A forkserver child normally imports the parent's main module, which runs an
        unguarded script a second time (and costs a Streamlit import per worker). Workers
        here only run functions of importable modules, so the main module is left out.
        """

        def _launch(self, process_obj: Any) -> None:
            pf = _popen_forkserver
            prep_data = pf.spawn.get_preparation_data(process_obj._name)
            prep_data.pop("init_main_from_path", None)
            prep_data.pop("init_main_from_name", None)
            buf = io.BytesIO()
            pf.set_spawning_popen(self)
            try:
                pf.reduction.dump(prep_data, buf)
                pf.reduction.dump(process_obj, buf)
            finally:
                pf.set_spawning_popen(None)
            self.sentinel, w = pf.forkserver.connect_to_new_process(self._fds)
            parent_w = os.dup(w)
            self.finalizer = pf.util.Finalize(self, pf.util.close_fds, (parent_w, self.sentinel))
            with open(w, "wb", closefd=True) as f:
                f.write(buf.getbuffer())
            self.pid = pf.forkserver.read_signed(self.sentinel)

    class _NoMainProcess(_ForkServerProcess):  # type: ignore[misc,valid-type]
        @staticmethod
        def _Popen(process_obj: Any) -> Any:
            return _NoMainPopen(process_obj)


def _process_class(ctx: Any) -> Any:
    """The Process class for ``ctx``: forkserver workers leave the main module out."""
    if ctx.get_start_method() == "forkserver" and _popen_forkserver is not None:
        return _NoMainProcess
    return ctx.Process


def worker_died(filename: str, why: str = "") -> InputLimitError:
    """The error for a worker that died, ran out of memory or time.

    Parameters
    ----------
    filename : str
        The file being read.
    why : str
        Extra detail for the server log only (not shown to the user).

    Returns
    -------
    InputLimitError
        With ``limit="worker"``.
    """
    error = InputLimitError(
        filename,
        tr("'{file}': this workbook could not be read (it needs more memory or time than "
           "allowed). Save the sheet with your numbers as CSV, or copy it into a new workbook, "
           "and upload that.", file=filename),
        limit="worker")
    error.detail = why  # type: ignore[attr-defined]
    return error


def _pack_exception(exc: BaseException) -> tuple[Any, ...]:
    """An exception as ``(type, args, attributes)`` that survives pickling, or a WorkerError."""
    if isinstance(exc, Exception):
        packed = (type(exc), exc.args, dict(getattr(exc, "__dict__", {})))
        try:
            pickle.loads(pickle.dumps(packed))
            return packed
        except Exception:  # noqa: BLE001 - an attribute or the class does not pickle
            pass
    return (WorkerError, (f"{type(exc).__name__}: {exc}",), {})


def _unpack_exception(packed: tuple[Any, ...]) -> BaseException:
    cls, args, attributes = packed
    exc = cls.__new__(cls)
    exc.args = args
    exc.__dict__.update(attributes)
    return exc


def _child(conn: Any, func: Callable[..., Any], args: tuple[Any, ...], memory_bytes: int | None,
           language: str | None = None) -> None:
    """Worker body: speak the caller's ``language``, cap the memory, run ``func`` and send
    back ``(status, value)``."""
    os.environ["RUST_BACKTRACE"] = "0"  # a native abort prints one line, not a backtrace
    set_language(language)
    if memory_bytes and resource is not None and hasattr(resource, "RLIMIT_AS"):
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # reader warnings would only reach the server log
            payload: tuple[str, Any] = ("ok", func(*args))
    except MemoryError:
        payload = ("memory", None)
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
        payload = ("raise", _pack_exception(exc))
    try:
        conn.send(payload)
    except MemoryError:
        conn.send(("memory", None))
    except Exception as exc:  # noqa: BLE001 - a result that does not pickle
        conn.send(("raise", (WorkerError, (f"result cannot be returned: {exc}",), {})))
    finally:
        conn.close()


def run_isolated(func: Callable[..., T], *args: Any, filename: str = "the workbook",
                 timeout_s: float = DEFAULT_LIMITS.parse_seconds,
                 memory_bytes: int | None = DEFAULT_LIMITS.worker_memory_bytes) -> T:
    """Call ``func(*args)`` in a worker process and return its result.

    Parameters
    ----------
    func : callable
        A module-level function (it is pickled by reference).
    *args
        Its arguments; they must pickle.
    filename : str
        The file being read, for the message when the worker dies.
    timeout_s : float
        Seconds the call may take, waiting for a free worker slot included.
    memory_bytes : int or None
        Address-space cap of the worker (``RLIMIT_AS``; Linux and other POSIX systems).
        The worker starts at roughly 0.4 GB of address space (pandas and the readers
        loaded). None: no cap.

    Returns
    -------
    The value ``func`` returned (a copy, unpickled in this process).

    Raises
    ------
    InputLimitError
        The worker was killed by a signal (a native abort), ran out of memory, or did not
        finish within ``timeout_s``; or no worker slot became free in time.
    Exception
        Whatever ``func`` raised, re-raised here with its attributes (its traceback stays
        in the worker). Exceptions that cannot be pickled become :class:`WorkerError`.
    """
    started = time.monotonic()
    if not _slots.acquire(timeout=timeout_s):
        raise worker_died(filename, "no free worker slot")
    try:
        ctx = _get_context()
        receiver, sender = ctx.Pipe(duplex=False)
        process = _process_class(ctx)(target=_child,
                                      args=(sender, func, args, memory_bytes, current_language()),
                                      daemon=True)
        process.start()
        sender.close()
        status, value = "died", None
        try:
            remaining = max(0.0, timeout_s - (time.monotonic() - started))
            if receiver.poll(remaining):
                try:
                    status, value = receiver.recv()
                except (EOFError, OSError):
                    status = "died"
            else:
                status = "timeout"
        finally:
            receiver.close()
            if status in ("timeout", "died") and process.is_alive():
                process.kill()
            process.join(timeout=10)
            if process.is_alive():  # pragma: no cover - kill did not take
                process.kill()
                process.join(timeout=5)
    finally:
        _slots.release()
    if status == "ok":
        return value  # type: ignore[no-any-return]
    if status == "raise":
        raise _unpack_exception(value)
    why = {"memory": "MemoryError", "timeout": f"timeout after {timeout_s:g} s"}.get(
        status, f"exit code {process.exitcode}")
    raise worker_died(filename, why)
