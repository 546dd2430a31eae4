"""JSON-safe structures: no NaN or infinity anywhere in what we hand out as JSON.

Every ``to_dict`` of the core passes through :func:`sanitize`, so ``json.dumps(...,
allow_nan=False)`` never fails on our output and a missing figure is ``null``, never ``NaN``.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["sanitize"]


def sanitize(obj: Any) -> Any:
    """Replace NaN and infinities by ``None`` anywhere in a JSON-like structure.

    Dicts and lists (tuples become lists) are walked recursively; other values are returned
    unchanged.
    """
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: sanitize(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [sanitize(v) for v in obj]
    return obj
