"""The command line on the hostile files of issue 10: exit 2 in seconds, one clean line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "inputs"))
import hostile_files as hf  # noqa: E402


def _run(*args: str) -> tuple[int, str]:
    """Exit code and stderr; the timeout only stops a hang (speed is measured in bench/)."""
    done = subprocess.run([sys.executable, "-m", "funnel_core", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    return done.returncode, done.stderr


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    wide = (ROOT / "tests" / "data" / "wide.xlsx").read_bytes()
    made = {
        "sparse.xlsx": hf.sparse_workbook("XFD1048576"),
        "damaged.xlsx": wide[: len(wide) // 2],
        "bomb.xlsx": hf.bomb_workbook(64 * 1024 * 1024),
    }
    for name, data in made.items():
        (folder / name).write_bytes(data)  # type: ignore[arg-type]
    return {name: folder / name for name in made}


@pytest.mark.parametrize(("command", "name"), [
    ("compare", "sparse.xlsx"), ("cohorts", "sparse.xlsx"),   # aborted the process before
    ("cohorts", "damaged.xlsx"),                              # exited 1 before
    ("compare", "bomb.xlsx"),
])
def test_hostile_workbooks_exit_2_with_one_clean_line(files: dict[str, Path], command: str,
                                                      name: str) -> None:
    code, stderr = _run(command, str(files[name]))
    assert code == 2, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    assert "Traceback" not in stderr and "Warning" not in stderr
