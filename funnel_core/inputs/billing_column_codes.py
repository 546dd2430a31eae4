"""The distinct values of an export column and each row's code, from pyarrow or pandas.

CSV columns come from pyarrow (``Array``/``ChunkedArray``, often dictionary-encoded),
spreadsheet columns from pandas; both give the same results here. Work on a column is done
once per distinct value and spread to the rows by their codes (``-1`` = an empty cell).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "BLANK_TEXTS",
    "arrow_kind",
    "codes_uniques",
    "codes_uniques_index",
    "is_arrow",
    "is_blank",
    "raw_getter",
]

#: Cell texts that mean "empty" (compared after stripping and lower-casing).
BLANK_TEXTS: tuple[str, ...] = ("", "nan", "nat", "null", "none", "n/a", "na", "-")


def is_arrow(col: object) -> bool:
    """True for a pyarrow array or chunked array (a CSV column)."""
    return type(col).__module__.startswith("pyarrow")


def codes_uniques(col: Any) -> tuple[np.ndarray, list[object]]:
    """Integer codes (-1 = null) and the distinct values of a column."""
    if is_arrow(col):
        import pyarrow as pa
        import pyarrow.compute as pc

        chunked = col if isinstance(col, pa.ChunkedArray) else pa.chunked_array([col])
        if not pa.types.is_dictionary(chunked.type):
            if chunked.num_chunks == 0:
                return np.zeros(0, np.int32), []
            chunked = pc.dictionary_encode(chunked)
            if not isinstance(chunked, pa.ChunkedArray):
                chunked = pa.chunked_array([chunked])
        chunked = chunked.unify_dictionaries()
        if chunked.num_chunks == 0:
            return np.zeros(0, np.int32), []
        parts = [c.indices.fill_null(-1).to_numpy(zero_copy_only=False)
                 for c in chunked.chunks]
        codes = np.concatenate(parts).astype(np.int32, copy=False)
        uniques = chunked.chunk(0).dictionary.to_pylist()
        return codes, uniques
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    return codes.astype(np.int32, copy=False), list(uniques)


def arrow_kind(col: Any) -> str:
    """``"number"`` for an integer, float or decimal pyarrow column, else ``"other"``."""
    import pyarrow as pa

    t = col.type
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t):
        return "number"
    return "other"


def codes_uniques_index(col: Any) -> tuple[np.ndarray, pd.Index | list[object]]:
    """Like :func:`codes_uniques` but string dictionaries stay vectorised (an Index)."""
    if is_arrow(col):
        import pyarrow as pa

        if pa.types.is_dictionary(col.type) and pa.types.is_string(col.type.value_type):
            chunked = col.unify_dictionaries()
            if chunked.num_chunks:
                parts = [c.indices.fill_null(-1).to_numpy(zero_copy_only=False)
                         for c in chunked.chunks]
                codes = np.concatenate(parts).astype(np.int32, copy=False)
                labels = pd.Index(pd.array(chunked.chunk(0).dictionary, dtype="str"))
                return codes, labels
    return codes_uniques(col)


def raw_getter(col: Any, codes: np.ndarray | None = None,
               uniques: list[object] | None = None) -> Callable[[int], object]:
    """A function giving the original value of row ``i`` (for messages), from the codes
    and distinct values when they are at hand, else from the column."""
    if codes is not None and uniques is not None:
        def get(i: int) -> object:
            c = int(codes[i])
            return None if c < 0 else uniques[c]
        return get
    if is_arrow(col):
        return lambda i: col[i].as_py()
    values = col.to_numpy() if hasattr(col, "to_numpy") else np.asarray(col)
    return lambda i: values[i]


def is_blank(value: object) -> bool:
    """True for None, NaN, NaT, NA and texts such as ``""``, ``"n/a"``, ``"-"``."""
    if value is None:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    if value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, str) and value.strip().lower() in BLANK_TEXTS

