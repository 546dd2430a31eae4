"""Readers run in a worker process: a worker that dies becomes a clean message."""

from __future__ import annotations

import io
import multiprocessing
import os
import signal
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

import hostile_files as hf
from funnel_core.inputs.issues import InputError, ParseIssue
from funnel_core.inputs.isolated import WorkerError, run_isolated, start_method
from funnel_core.inputs.limits import InputLimitError

DATA = Path(__file__).resolve().parents[1] / "data"
MESSAGE = "this workbook could not be read (it needs more memory or time than allowed)"


def _read_calamine(data: bytes) -> pd.DataFrame:
    return pd.read_excel(io.BytesIO(data), engine="calamine", header=None, sheet_name=None)


def test_normal_parse_returns_the_same_table_as_in_process() -> None:
    data = (DATA / "wide.xlsx").read_bytes()
    isolated = run_isolated(_read_calamine, data, filename="wide.xlsx")
    in_process = _read_calamine(data)
    assert list(isolated) == list(in_process) == ["Read me", "Funnel"]
    assert all(isolated[name].equals(in_process[name]) for name in in_process)
    assert isolated["Funnel"].shape == (4, 7)


def test_a_warm_worker_returns_each_result() -> None:
    run_isolated(hf.sleep_and_return, 0, 1, filename="warm-up")
    for i in range(5):
        assert run_isolated(hf.sleep_and_return, 0, i, filename="x") == i
    # how cheap a warm call is, is measured in bench/bench_hostile.py, never asserted here


def test_native_abort_becomes_the_clean_message() -> None:
    with pytest.raises(InputLimitError) as info:
        run_isolated(hf.sleep_then_abort, 0.2, filename="sparse.xlsx")
    assert info.value.limit == "worker"
    assert info.value.issue.message.startswith(f"'sparse.xlsx': {MESSAGE}")
    assert isinstance(info.value, InputError)


def test_the_sparse_workbook_that_aborts_the_reader_is_contained() -> None:
    """The real thing: the native reader aborts in the worker, not in this process."""
    with pytest.raises(InputLimitError, match="could not be read"):
        run_isolated(_read_calamine, hf.sparse_workbook("XFD1048576"), filename="sparse.xlsx",
                     timeout_s=30)


def test_worker_killed_mid_parse_gives_the_message() -> None:
    outcome: dict[str, BaseException | object] = {}

    def call() -> None:
        try:
            outcome["value"] = run_isolated(hf.sleep_and_return, 30, "never", filename="big.xlsx")
        except BaseException as exc:  # noqa: BLE001 - the test inspects it
            outcome["error"] = exc

    before = {p.pid for p in multiprocessing.active_children()}
    thread = threading.Thread(target=call)
    thread.start()
    deadline = time.monotonic() + 20
    worker = None
    while worker is None and time.monotonic() < deadline:
        fresh = [p for p in multiprocessing.active_children() if p.pid not in before]
        worker = fresh[0] if fresh else None
        time.sleep(0.05)
    assert worker is not None, "no worker process appeared"
    time.sleep(0.3)  # mid-parse
    os.kill(worker.pid, signal.SIGKILL)
    thread.join(timeout=20)
    assert "value" not in outcome
    error = outcome["error"]
    assert isinstance(error, InputLimitError) and MESSAGE in error.issue.message


def test_timeout_kills_the_worker() -> None:
    with pytest.raises(InputLimitError, match="could not be read") as info:
        run_isolated(hf.sleep_and_return, 30, None, filename="slow.xlsx", timeout_s=1)
    assert "timeout" in info.value.detail  # type: ignore[attr-defined]


@pytest.mark.skipif(not hasattr(__import__("resource"), "RLIMIT_AS"), reason="needs RLIMIT_AS")
def test_memory_cap_gives_the_message() -> None:
    with pytest.raises(InputLimitError, match="could not be read"):
        run_isolated(hf.allocate, 2 * 1024**3, filename="huge.xlsx", memory_bytes=1024**3)
    # under the cap the same function works
    assert run_isolated(hf.allocate, 10 * 1024**2, filename="ok.xlsx", memory_bytes=1024**3) \
        == 10 * 1024**2


def test_exceptions_of_the_function_come_back_with_their_attributes() -> None:
    with pytest.raises(ValueError, match="bad cell"):
        run_isolated(hf.raise_value_error, "bad cell", filename="x.xlsx")
    issue = ParseIssue("error", "no metric recognised", file="x.csv", row=3)
    with pytest.raises(InputError) as info:
        run_isolated(_raise_input_error, issue, filename="x.csv")
    assert info.value.issue == issue


def test_an_exception_that_does_not_pickle_becomes_worker_error() -> None:
    with pytest.raises(WorkerError, match="Unpicklable"):
        run_isolated(_raise_unpicklable, filename="x.xlsx")


def _raise_input_error(issue: ParseIssue) -> None:
    raise InputError(issue)


class Unpicklable(Exception):
    def __init__(self) -> None:
        super().__init__("cannot cross")
        self.lock = threading.Lock()


def _raise_unpicklable() -> None:
    raise Unpicklable()
