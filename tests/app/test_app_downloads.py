"""AppTest: every download button on the Downloads page yields the right file.

The buttons make their bytes only when clicked (Streamlit's deferred download data). AppTest
cannot click a download, so the test records each deferred callable as Streamlit registers it,
runs it as the server would on a click, and checks the file by its magic bytes and content.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

from test_app_pages import load_example, new_app, no_exception

pytestmark = pytest.mark.slow

MAGIC = {
    ".pdf": b"%PDF",
    ".png": b"\x89PNG\r\n\x1a\n",
    ".zip": b"PK\x03\x04",
    ".xlsx": b"PK\x03\x04",
}


@pytest.fixture()
def deferred(monkeypatch):
    registered: dict[str, dict] = {}
    original = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        file_id = original(self, data_callable, mimetype, coordinates, file_name, **kwargs)
        registered[file_id] = {"callable": data_callable, "mimetype": mimetype, "file_name": file_name}
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return registered


def check_file(name: str, mimetype: str, data: bytes) -> None:
    suffix = name[name.rfind("."):].lower()
    assert data, name
    if suffix in MAGIC:
        assert data.startswith(MAGIC[suffix]), (name, data[:8])
    if suffix in (".pdf", ".png"):
        assert len(data) > 1000
    elif suffix == ".xlsx":
        assert "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
        assert "spreadsheetml" in mimetype
    elif suffix == ".zip":
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        assert any(n.endswith(".png") for n in names) and any(n.endswith(".svg") for n in names)
    elif suffix == ".svg":
        assert b"<svg" in data[:2000]
    elif suffix == ".html":
        text = data.decode("utf-8")
        assert "<html" in text.lower() and "<script src=\"http" not in text
    elif suffix == ".csv":
        text = data.decode("utf-8-sig")
        assert text.startswith("kpi,label,value") and "visitor_to_lead_rate" in text
    else:
        pytest.fail(f"unexpected download {name}")


def test_every_download_button_yields_the_right_file(deferred):
    at = new_app()
    load_example(at)
    at.switch_page("pages/downloads.py")
    at.run()
    no_exception(at)
    buttons = at.get("download_button")
    assert len(buttons) >= 8
    checked = set()
    for button in buttons:
        file_id = button.proto.deferred_file_id
        assert file_id in deferred, f"{button.label} is not generated lazily"
        entry = deferred[file_id]
        data = entry["callable"]()
        check_file(entry["file_name"], entry["mimetype"], data)
        checked.add(entry["file_name"][entry["file_name"].rfind("."):])
    assert {".pdf", ".html", ".xlsx", ".csv", ".zip", ".png", ".svg"} <= checked
