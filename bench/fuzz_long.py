"""Long fuzzing run of the readers (the suite runs the same properties with 200 examples).

Uses the strategies of ``tests/inputs/test_fuzz_inputs.py``: generated numbers, period
labels, pasted tables, CSV bytes, mutated workbooks and billing exports. Every input must
end in a result or the package's own error type; the script prints, per target, how many
inputs gave a result and how many each error type, and exits 1 when any target raised
another exception (Hypothesis prints the smallest failing input).

Usage::

    python bench/fuzz_long.py                 # 3,000 examples per target
    python bench/fuzz_long.py --examples 500 --only xlsx
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "tests" / "inputs"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import test_fuzz_inputs as fz  # noqa: E402

Target = tuple[Any, Callable[..., Any], tuple[type[BaseException], ...]]


def targets() -> dict[str, Target]:
    """Name -> (strategy of argument tuples, function, the error types allowed)."""
    return {
        "number": (st.tuples(st.one_of(fz._NUMBERISH, st.text(max_size=30), fz._WORDS),
                             st.sampled_from([None, "en", "de", "auto"])),
                   fz.parse_number, (fz.NumberError,)),
        "period": (st.tuples(st.one_of(st.text(max_size=30), fz._WORDS)),
                   fz.parse_period_label, ()),
        "paste": (st.tuples(fz.table_texts()), fz.parse_text, (fz.InputError,)),
        "csv": (st.tuples(st.one_of(fz.table_texts().map(lambda t: t.encode("utf-8")),
                                    fz.table_texts().map(lambda t: t.encode("cp1252", "replace")),
                                    st.binary(max_size=400)),
                          st.just("numbers.csv")),
                fz.parse_bytes, (fz.InputError,)),
        "xlsx": (st.tuples(st.one_of(fz.mutated_workbooks(),
                                     fz._FLIPS.map(lambda f: fz._flip(fz.WIDE_XLSX, f))),
                           st.just("wide.xlsx")),
                 fz.parse_bytes, (fz.InputError,)),
        "billing-csv": (st.tuples(st.one_of(fz._FLIPS.map(lambda f: fz._flip(fz.BILLING_CSV, f)),
                                            fz.table_texts().map(lambda t: t.encode()),
                                            st.binary(max_size=400)),
                                  st.just("export.csv")),
                        fz.read_export, (fz.CohortInputError,)),
        "billing-xlsx": (st.tuples(st.one_of(fz.mutated_workbooks(fz.BILLING_XLSX),
                                             fz._FLIPS.map(lambda f: fz._flip(fz.BILLING_XLSX, f))),
                                   st.just("export.xlsx")),
                         fz.read_export, (fz.CohortInputError,)),
    }


def run_target(name: str, target: Target, examples: int) -> tuple[Counter[str], str | None]:
    """Run one target; returns the outcome counts and the failure text (None: passed)."""
    strategy, func, allowed = target
    counts: Counter[str] = Counter()

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(args=strategy)
    def prop(args: tuple[Any, ...]) -> None:
        try:
            func(*args)
        except allowed as exc:
            limit = getattr(exc, "limit", None)  # InputLimitError: which limit, or "worker"
            counts[type(exc).__name__ + (f" ({limit})" if limit else "")] += 1
            return
        counts["result"] += 1

    try:
        prop()
    except Exception as exc:  # noqa: BLE001 - report and go on with the next target
        return counts, f"{type(exc).__name__}: {exc}"
    return counts, None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=3000)
    parser.add_argument("--only", action="append", help="target name (repeatable)")
    args = parser.parse_args(argv)
    failed = 0
    print(f"{'target':<14}{'examples':>9}{'result':>9}  errors (own types)          seconds")
    for name, target in targets().items():
        if args.only and name not in args.only:
            continue
        start = time.perf_counter()
        counts, failure = run_target(name, target, args.examples)
        seconds = time.perf_counter() - start
        errors = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if k != "result")
        total = sum(counts.values())
        print(f"{name:<14}{total:>9}{counts['result']:>9}  {errors or '-':<28}{seconds:>7.1f}")
        if failure:
            failed += 1
            print(f"  FAILED: {failure[:2000]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
