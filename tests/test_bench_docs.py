"""``bench/bench_load.py --write`` replaces its measured part of docs/PERFORMANCE.md only."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bench_load():
    spec = importlib.util.spec_from_file_location("bench_load_for_tests", ROOT / "bench" / "bench_load.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


def test_write_keeps_the_hand_written_text_and_the_next_section(bench_load, tmp_path, monkeypatch):
    doc = tmp_path / "PERFORMANCE.md"
    doc.write_text("# Performance\n\n## Before\n\nkept\n\n" + bench_load.SECTION + "\n\nold figures\n"
                   + bench_load.HAND_WRITTEN + "\n\nmy reading of the figures\n\n## After\n\nalso kept\n",
                   encoding="utf-8")
    monkeypatch.setattr(bench_load, "DOC", doc)
    bench_load.write_section(bench_load.SECTION + "\n\nnew figures\n")
    text = doc.read_text(encoding="utf-8")
    assert "new figures" in text and "old figures" not in text
    assert "my reading of the figures" in text and "also kept" in text and "## Before\n\nkept" in text
    assert text.count(bench_load.HAND_WRITTEN) == 1
    assert text.index("new figures") < text.index(bench_load.HAND_WRITTEN) < text.index("my reading")
    bench_load.write_section(bench_load.SECTION + "\n\nnew figures\n")
    assert doc.read_text(encoding="utf-8") == text  # writing the same figures again changes nothing


def test_write_into_a_file_without_the_section_adds_the_replicas_advice(bench_load, tmp_path, monkeypatch):
    doc = tmp_path / "PERFORMANCE.md"
    doc.write_text("# Performance\n", encoding="utf-8")
    monkeypatch.setattr(bench_load, "DOC", doc)
    bench_load.write_section(bench_load.SECTION + "\n\nfigures\n")
    text = doc.read_text(encoding="utf-8")
    assert text.index("figures") < text.index(bench_load.HAND_WRITTEN) < text.index("sticky load balancer")


def test_the_project_document_has_the_line(bench_load):
    text = (ROOT / "docs" / "PERFORMANCE.md").read_text(encoding="utf-8")
    start = text.index(bench_load.SECTION)
    assert start < text.index(bench_load.HAND_WRITTEN) < text.index("\n## ", start + 1)
