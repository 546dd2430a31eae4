#!/usr/bin/env python3
"""One command to set up and run the app, one to set up and run the tests.

    python dev.py app      # create .venv, install requirements, start the app on :8501
    python dev.py test     # create .venv, install test requirements (and Chromium where
                           # possible), run the whole test suite including the browser test

Needs only Python 3.11+ and the package registries. Extra arguments after ``app`` go to
``streamlit run``; after ``test`` they go to pytest (e.g. ``python dev.py test -m "not browser"``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
#: axe-core, the accessibility checker the browser test injects (from the npm registry, pinned);
#: tests/browser/test_responsive.py reads this version and the cache path below.
AXE_VERSION = "4.14.1"
AXE_FILE = ROOT / ".cache" / "axe-core" / AXE_VERSION / "axe.min.js"


def say(message: str) -> None:
    print(f"[dev] {message}", flush=True)


def run(cmd: list[str], **kwargs) -> None:
    subprocess.run(cmd, check=True, **kwargs)


def ensure_venv(requirements: str) -> None:
    """Create .venv once and (re)install ``requirements`` when the file changed."""
    if sys.version_info < (3, 11):
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}")
    if not PYTHON.exists():
        say("creating .venv")
        run([sys.executable, "-m", "venv", str(VENV)])
        run([str(PYTHON), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    req_files = [ROOT / "requirements.txt", ROOT / requirements]
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in req_files)).hexdigest()
    stamp = VENV / f".installed-{Path(requirements).stem}"
    if not stamp.exists() or stamp.read_text() != digest:
        say(f"installing {requirements}")
        run([str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "-r", str(ROOT / requirements)])
        stamp.write_text(digest)


def find_chromium() -> str | None:
    for path in (os.environ.get("FUNNEL_CHROMIUM"), *CHROMIUM_CANDIDATES):
        if path and Path(path).exists():
            return path
    return None


def ensure_system_tools() -> str | None:
    """Debian's Chromium (browser tests), poppler-utils (reading back PDF reports) and npm (to
    fetch axe-core, the accessibility checker of the browser test).

    Installed with apt-get when missing and we are root; returns Chromium's path or None.
    """
    missing = []
    if not find_chromium():
        missing.append("chromium")
    if not shutil.which("pdftotext"):
        missing.append("poppler-utils")
    if not AXE_FILE.exists() and not shutil.which("npm"):
        missing.append("npm")
    if missing and shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        say(f"installing Debian's {' and '.join(missing)} for the tests (apt-get)")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        run(["apt-get", "update", "-qq"], env=env)
        run(["apt-get", "install", "-y", "-qq", *missing], env=env, stdout=subprocess.DEVNULL)
    ensure_axe()
    return find_chromium()


def ensure_axe() -> None:
    """axe-core's axe.min.js in .cache/ (``npm pack axe-core@AXE_VERSION``), once."""
    npm = shutil.which("npm")
    if AXE_FILE.exists() or npm is None:
        return
    import tarfile
    import tempfile

    say(f"fetching axe-core {AXE_VERSION} for the accessibility test (npm pack)")
    with tempfile.TemporaryDirectory() as tmp:
        run([npm, "pack", f"axe-core@{AXE_VERSION}", "--silent"], cwd=tmp,
            stdout=subprocess.DEVNULL)
        with tarfile.open(Path(tmp) / f"axe-core-{AXE_VERSION}.tgz") as archive:
            member = archive.extractfile("package/axe.min.js")
            if member is not None:
                AXE_FILE.parent.mkdir(parents=True, exist_ok=True)
                AXE_FILE.write_bytes(member.read())


def cmd_app(extra: list[str]) -> int:
    ensure_venv("requirements.txt")
    say("starting the app: open http://localhost:8501")
    # two glibc allocation arenas from the start: memory of closed sessions goes back to the
    # system (glibc reads this only at start; app.py logs a warning when it is missing)
    env = dict(os.environ)
    env.setdefault("MALLOC_ARENA_MAX", "2")
    return subprocess.call([str(PYTHON), "-m", "streamlit", "run", str(ROOT / "app.py"), *extra],
                           cwd=ROOT, env=env)


def cmd_test(extra: list[str]) -> int:
    ensure_venv("requirements-dev.txt")
    chromium = ensure_system_tools()
    if not shutil.which("pdftotext"):
        say("pdftotext (poppler-utils) not found: the PDF read-back tests will be skipped")
    env = dict(os.environ)
    if chromium:
        env["FUNNEL_CHROMIUM"] = chromium
    else:
        say("Chromium not found and not installable here: the browser test will FAIL. "
            "Install Debian's chromium, set FUNNEL_CHROMIUM, or run with -m 'not browser'.")
    return subprocess.call([str(PYTHON), "-m", "pytest", *extra], cwd=ROOT, env=env)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("app", "test"):
        print(__doc__)
        return 2
    return {"app": cmd_app, "test": cmd_test}[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
