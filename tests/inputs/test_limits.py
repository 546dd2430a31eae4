"""The upload limits: one place, matching the server setting, and messages that name them."""

from __future__ import annotations

import dataclasses
import pickle
import tomllib
from pathlib import Path

import pytest

from funnel_core.inputs.issues import InputError
from funnel_core.inputs.limits import (
    DEFAULT_LIMITS,
    MIB,
    InputLimitError,
    UploadLimits,
    cell_too_long,
    check_byte_size,
    check_text_size,
    human_bytes,
)

ROOT = Path(__file__).resolve().parents[2]


def test_upload_limit_matches_the_server_setting() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert DEFAULT_LIMITS.upload_bytes == config["server"]["maxUploadSize"] * MIB


def test_limits_are_frozen_and_generous() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_LIMITS.upload_bytes = 1  # type: ignore[misc]
    assert DEFAULT_LIMITS.export_rows >= 2_000_000
    assert DEFAULT_LIMITS.local_file_bytes >= DEFAULT_LIMITS.upload_bytes
    assert DEFAULT_LIMITS.cell_chars == 32_767  # Excel's own maximum


def test_limit_error_is_an_input_error_that_names_file_and_limit() -> None:
    with pytest.raises(InputError) as info:
        check_byte_size(21 * MIB, "funnel.csv")
    error = info.value
    assert isinstance(error, InputLimitError)
    assert error.limit == "upload_bytes" and error.file == "funnel.csv"
    assert "'funnel.csv' is 21 MB, more than the 20 MB allowed" in error.issue.message
    check_byte_size(20 * MIB, "funnel.csv")  # at the limit: fine
    check_byte_size(150 * MIB, "export.csv", local=True)
    with pytest.raises(InputLimitError, match="allowed for a file read from disk"):
        check_byte_size(201 * MIB, "export.csv", local=True)


def test_limit_error_survives_pickling() -> None:
    error = InputLimitError("a.xlsx", "'a.xlsx' is too big.", limit="part_bytes")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.file, copy.limit, copy.issue.message, str(copy)) == (
        "a.xlsx", "part_bytes", "'a.xlsx' is too big.", str(error))


def test_paste_and_cell_limits() -> None:
    small = UploadLimits(paste_chars=10)
    check_text_size("x" * 10, limits=small)
    with pytest.raises(InputLimitError, match="11 characters, more than the 10 allowed"):
        check_text_size("x" * 11, limits=small)
    error = cell_too_long("f.csv", 40_000, row=3, column="B")
    assert error.limit == "cell_chars"
    assert "(row 3, column 'B') of 40,000 characters" in error.issue.message


@pytest.mark.parametrize(("size", "text"), [(0, "0 bytes"), (1536, "1.5 KB"), (20 * MIB, "20 MB"),
                                            (int(2.5 * 1024 * MIB), "2.5 GB")])
def test_human_bytes(size: int, text: str) -> None:
    assert human_bytes(size) == text
