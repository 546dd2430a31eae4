"""A generated download outlives the clean-up passes of other sessions' script runs.

Streamlit stores a clicked (deferred) download unreferenced; every script run that ends, in any
session, runs ``remove_orphaned_files()``, whose second pass deletes it. Under load that came
before the browser's fetch ("Download.save_as: canceled"). :mod:`pages._download_grace` keeps it
for a grace period; these tests run Streamlit's own manager with a fake clock.
"""

from __future__ import annotations

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from pages import _download_grace


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture()
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(_download_grace, "_clock", fake)
    assert _download_grace.install(MediaFileManager, clock=fake)
    return fake


def clicked_download(manager: MediaFileManager, payload: bytes = b"%PDF-1.7 report") -> str:
    """Register a deferred download as a page does, click it as the browser does; its file id."""
    placeholder = manager.add_deferred(lambda: payload, "application/pdf", "coords-1", "report.pdf")
    url = manager.execute_deferred(placeholder)
    file_id = _download_grace._file_id_of(url)
    assert manager.read_file(file_id) is not None
    return file_id


@pytest.mark.parametrize(
    ("seconds_later", "kept"),
    [
        pytest.param(0.5, True, id="fetched-half-a-second-later"),
        pytest.param(_download_grace.GRACE_SECONDS - 1, True, id="just-inside-the-grace-period"),
        pytest.param(_download_grace.GRACE_SECONDS + 1, False, id="after-the-grace-period-it-leaves"),
    ],
)
def test_two_clean_up_passes_before_the_fetch(clock, seconds_later, kept):
    manager = MediaFileManager(MemoryMediaFileStorage("/media"))
    file_id = clicked_download(manager)
    clock.now += seconds_later
    manager.remove_orphaned_files()  # another session's run ends: marks it
    manager.remove_orphaned_files()  # and another: Streamlit alone deletes it here
    assert (manager.read_file(file_id) is not None) is kept


def test_a_kept_download_leaves_at_the_first_pass_after_the_grace_period(clock):
    manager = MediaFileManager(MemoryMediaFileStorage("/media"))
    file_id = clicked_download(manager)
    for _ in range(5):
        manager.remove_orphaned_files()
    assert manager.read_file(file_id) is not None
    clock.now += _download_grace.GRACE_SECONDS + 1
    manager.remove_orphaned_files()
    assert manager.read_file(file_id) is None
    assert file_id not in _download_grace._made_at


def test_the_same_file_clicked_again_starts_a_new_grace_period(clock):
    manager = MediaFileManager(MemoryMediaFileStorage("/media"))
    first = clicked_download(manager)
    clock.now += _download_grace.GRACE_SECONDS - 5
    again = clicked_download(manager)  # same bytes and name: the same id
    assert again == first
    clock.now += 10
    manager.remove_orphaned_files()
    manager.remove_orphaned_files()
    assert manager.read_file(first) is not None


def test_media_files_and_referenced_files_are_untouched(clock):
    manager = MediaFileManager(MemoryMediaFileStorage("/media"))
    url = manager.add(b"\x89PNG image", "image/png", "coords-2")
    image_id = _download_grace._file_id_of(url)
    manager.clear_session_refs("dontcare")  # the session moved on: the image is orphaned
    manager.remove_orphaned_files()
    assert manager.read_file(image_id) is None  # Streamlit's own rule for media, unchanged


def test_install_is_idempotent_and_patches_streamlit():
    assert _download_grace.install() is True
    assert _download_grace.install() is True
    assert getattr(MediaFileManager, "_funnel_download_grace", False) is True


def test_install_on_a_class_without_the_methods_does_nothing():
    class Other:
        pass

    assert _download_grace.install(Other) is False
    assert not hasattr(Other, "_funnel_download_grace")


def test_sweep_without_a_server_does_nothing():
    assert _download_grace.sweep() is False
