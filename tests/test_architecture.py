"""The shape of the core: wings that import only downwards, no circles, small modules, no UI.

The rules are written in docs/ARCHITECTURE.md; these tests are how they are kept.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "funnel_core"

#: Wings from the bottom up. A module may import from its own wing and from wings with a
#: lower rank, never from a higher one. ``cli`` and ``page_state`` share the top rank and do
#: not import each other.
WING_RANK: dict[str, int] = {
    "domain": 0,
    "inputs": 1,
    "metrics": 2,
    "benchmarks": 3,
    "charts": 4,
    "exports": 5,
    "cli": 6,
    "page_state": 6,
}
#: "No module over ~500 lines" (issue 8).
MAX_MODULE_LINES = 500


def _modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the core."""
    found = {}
    for path in sorted(CORE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _imports(path: Path, module: str, known: set[str]) -> set[str]:
    """Every core module that ``path`` imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            names = [stem] + [f"{stem}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            if name in known and name != module:
                out.add(name)
    return out


def _wing(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 else None


MODULES = _modules()
GRAPH = {name: _imports(path, name, set(MODULES)) for name, path in MODULES.items()}


def test_every_module_lives_in_a_wing() -> None:
    loose = [m for m in MODULES if m.count(".") == 1 and m.split(".")[1] not in WING_RANK
             and m != "funnel_core.__main__"]
    assert loose == [], f"modules outside the wings: {loose}"
    unknown = {m.split(".")[1] for m in MODULES if m.count(".") >= 1} - set(WING_RANK) - {"__main__"}
    assert unknown == set(), f"folders that are not a known wing: {unknown}"


def test_imports_only_go_down() -> None:
    upward = []
    for module, targets in GRAPH.items():
        source = _wing(module)
        if source is None:
            continue
        for target in targets:
            wing = _wing(target)
            if wing is None or wing == source:
                continue
            if WING_RANK[wing] >= WING_RANK[source]:
                upward.append(f"{module} -> {target}")
    assert upward == [], "imports into a wing at the same or a higher level:\n" + "\n".join(upward)


def test_no_import_circle() -> None:
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(GRAPH.get(node, ())):
            # A package's __init__ that is only a docstring imports nothing; edges to it are
            # edges to its package, which is fine.
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(GRAPH):
        if node not in state:
            visit(node)
    assert cycles == [], "import circles:\n" + "\n".join(" -> ".join(c) for c in cycles)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_is_small(module: str) -> None:
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{module} has {lines} lines (at most {MAX_MODULE_LINES})"


def test_import_funnel_core_does_not_load_streamlit() -> None:
    names = ", ".join(m for m in MODULES if m != "funnel_core.__main__")
    code = f"import sys, {names}; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=ROOT)
    assert out.stdout.strip() == "False"
