"""Expired ``st.cache_data`` entries leave when the housekeeping thread says so, not at the next call."""

from __future__ import annotations

import time

import streamlit as st

from pages import _caches


def _entries(function) -> int:  # noqa: ANN001 - an st.cache_data function
    from streamlit.runtime.caching import cache_data_api

    registry = cache_data_api._data_caches
    caches = [c for scoped in registry._function_caches.values() for c in scoped.values()
              if c.display_name.endswith(function.__name__)]
    assert caches, "the cache of the function was not found"
    return sum(len(c.storage._mem_cache._data) for c in caches)  # held, expired or not


def test_expired_entries_leave_without_a_call() -> None:
    @st.cache_data(ttl=0.2, max_entries=8, show_spinner=False)
    def square_for_expiry_test(x: int) -> int:
        return x * x

    for x in range(3):
        assert square_for_expiry_test(x) == x * x
    assert _entries(square_for_expiry_test) == 3
    assert _caches.expire_streamlit_caches() >= 1
    assert _entries(square_for_expiry_test) == 3  # not expired yet: kept
    time.sleep(0.4)
    assert _entries(square_for_expiry_test) == 3  # Streamlit alone keeps them until a call
    assert _caches.expire_streamlit_caches() >= 1
    assert _entries(square_for_expiry_test) == 0
    assert square_for_expiry_test(2) == 4  # the cache still works afterwards
