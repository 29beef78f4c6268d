"""The bug dialog an uncaught exception ends in: it tells the worker where
the support log is, and the log gets the bug's place, never its text."""

from __future__ import annotations

import sys
import uuid

import pytest
from PySide6.QtWidgets import QMessageBox

from desktop.logs import setup_logging, stop_logging
from desktop.profile import Profile
from ui.errors import CRASH_TEXT, install_excepthook


@pytest.fixture
def log_file(tmp_path):
    path = setup_logging(Profile(tmp_path / "profile").ensure())
    yield path
    stop_logging()


def test_the_excepthook_dialog_says_where_the_log_is_and_the_log_has_no_case_text(
    qapp, monkeypatch, log_file
):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text: shown.append(text))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # put back afterwards
    install_excepthook()
    marker = f"marker-{uuid.uuid4().hex[:8]}"
    try:
        raise ValueError(f"bad date in note: {marker}")
    except ValueError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)

    assert len(shown) == 1
    assert shown[0].startswith(CRASH_TEXT)
    assert str(log_file) in shown[0]
    logged = log_file.read_text(encoding="utf-8")
    assert "unexpected ValueError at " in logged
    assert marker not in logged and marker not in shown[0]
